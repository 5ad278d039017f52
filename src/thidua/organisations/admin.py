from django.contrib import admin

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
    list_display = ("code", "valid_from", "valid_to", "email")
    search_fields = ("code", "versions__name", "versions__short_name")
    inlines = [UnitVersionInline]


@admin.register(UnitKind)
class UnitKindAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "successor", "kind", "effective_date", "legal_basis")
    list_select_related = ("predecessor", "successor")


class MembershipInline(admin.TabularInline):
    model = ClusterMembership
    extra = 0
    can_delete = False
    readonly_fields = ("unit", "start_year", "end_year", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "organiser")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [MembershipInline]


@admin.register(ClusterYear)
class ClusterYearAdmin(ReadOnlyAdmin):
    list_display = ("cluster", "year", "head", "head_selection", "deputy", "deputy_selection")
    list_filter = ("cluster",)
    list_select_related = ("cluster", "head", "deputy")
