from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from thidua.core.admin_base import ReadOnlyAdmin
from thidua.organisations.models import (
    Cluster,
    ClusterMembership,
    ClusterYear,
    Unit,
    UnitKind,
    UnitSuccession,
    UnitVersion,
)
from thidua.organisations.selectors import unit_name_now


def _named(field: str, description):
    """A list column showing a unit's name (today's, or its last) instead of its bare code."""

    @admin.display(description=description, ordering=f"{field}_name")
    def column(self, obj):
        return getattr(obj, f"{field}_name", None) or (getattr(obj, field).code if getattr(obj, f"{field}_id") else "—")

    return column


class NamedUnitsAdmin(ReadOnlyAdmin):
    unit_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**{f"{f}_name": unit_name_now(f"{f}_id") for f in self.unit_fields})


class UnitVersionInline(admin.TabularInline):
    model = UnitVersion
    fk_name = "unit"
    extra = 0
    can_delete = False
    readonly_fields = ("name", "short_name", "kind", "parent", "valid_from", "valid_to", "legal_basis")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "valid_from", "valid_to", "email")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(name_now=unit_name_now())

    @admin.display(description=_("tên chính thức"), ordering="name_now")
    def name(self, obj):
        return obj.name_now or "—"
    search_fields = ("code", "versions__name", "versions__short_name")
    inlines = [UnitVersionInline]


@admin.register(UnitKind)
class UnitKindAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(NamedUnitsAdmin):
    unit_fields = ("predecessor", "successor")
    list_display = ("predecessor_col", "successor_col", "kind", "effective_date", "legal_basis")
    predecessor_col = _named("predecessor", _("đơn vị trước"))
    successor_col = _named("successor", _("đơn vị kế thừa"))
    list_select_related = ("predecessor", "successor")


class MembershipInline(admin.TabularInline):
    model = ClusterMembership
    extra = 0
    can_delete = False
    readonly_fields = ("unit", "start_year", "end_year", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cluster)
class ClusterAdmin(NamedUnitsAdmin):
    unit_fields = ("organiser",)
    list_display = ("code", "name", "kind", "organiser_col")
    list_select_related = ("organiser",)
    organiser_col = _named("organiser", _("cơ quan tổ chức"))
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [MembershipInline]


@admin.register(ClusterYear)
class ClusterYearAdmin(NamedUnitsAdmin):
    unit_fields = ("head", "deputy")
    list_display = ("cluster", "year", "head_col", "head_selection", "deputy_col", "deputy_selection")
    head_col = _named("head", _("cụm trưởng"))
    deputy_col = _named("deputy", _("cụm phó"))
    list_filter = ("cluster",)
    list_select_related = ("cluster", "head", "deputy")
