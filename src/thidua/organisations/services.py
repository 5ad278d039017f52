"""Writes to units, clusters, memberships and cluster-years. Every function checks the caller's
permission and the current state, runs in one transaction, and records an audit entry."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from thidua.core.audit import audit_record
from thidua.core.errors import Conflict, ErrorDetail, InvalidInput, InvalidState, NotFound, invalid
from thidua.core.permissions import require_perm
from thidua.organisations.models import (
    Cluster,
    ClusterKind,
    ClusterMembership,
    ClusterYear,
    Selection,
    SuccessionKind,
    Unit,
    UnitKind,
    UnitSuccession,
    UnitVersion,
)
from thidua.organisations.selectors import (
    cluster_get,
    cluster_years_for,
    clusters_for,
    member_in_year,
    unit_get,
)

CONTACT_FIELDS = ("address", "phone", "email", "website")


def _year_ok(year: int, field: str) -> ErrorDetail | None:
    if not (1945 <= int(year) <= 2200):  # the bounds of organisations.selectors.year_in_range
        return ErrorDetail(message=_("Năm phải nằm trong khoảng 1945–2200."), field=field)
    return None


def _unit_not_in_years(unit: Unit, first_year: int, last_year: int | None, field: str) -> ErrorDetail | None:
    """A unit takes part in year N only if it exists on 31 December of N, the date at which the year's names,
    members and results are read (DOMAIN.md §7: a merged unit continues as its successor)."""
    from thidua.organisations.selectors import unit_display_names, year_end

    if unit.valid_from is not None and unit.valid_from > year_end(first_year):
        name = unit_display_names([unit.pk]).get(unit.pk, unit.code)
        return ErrorDetail(field=field, message=_(
            "%(unit)s chỉ có hiệu lực từ ngày %(start)s: không thể tham gia cụm năm %(year)d.") % {
            "unit": name, "start": unit.valid_from.strftime("%d/%m/%Y"), "year": first_year})
    if unit.valid_to is not None and (last_year is None or year_end(last_year) > unit.valid_to):
        links = list(UnitSuccession.objects.filter(predecessor=unit).order_by("effective_date"))
        names = unit_display_names([unit.pk, *(link.successor_id for link in links)])
        last_ok = unit.valid_to.year if unit.valid_to >= year_end(unit.valid_to.year) else unit.valid_to.year - 1
        year = max(first_year, last_ok + 1)
        params = {"unit": names.get(unit.pk, unit.code), "end": unit.valid_to.strftime("%d/%m/%Y"), "year": year}
        if links:
            params["successor"] = ", ".join(names.get(link.successor_id, "") for link in links)
            message = _("%(unit)s chỉ có hiệu lực đến ngày %(end)s (đã hợp nhất, sáp nhập vào %(successor)s): không "
                        "thể là thành viên của cụm năm %(year)d. Hãy chọn %(successor)s.") % params
        else:
            message = _("%(unit)s chỉ có hiệu lực đến ngày %(end)s: không thể là thành viên của cụm năm %(year)d.") % params
        return ErrorDetail(field=field, message=message)
    return None


# --- Units -------------------------------------------------------------------------------------------


@transaction.atomic
def unit_update_contact(*, actor, unit_id: int, address: str | None = None, phone: str | None = None,
                        email: str | None = None, website: str | None = None) -> Unit:
    """A unit's own officers keep its contact details current. Code, names and dates are not theirs to change."""
    unit = unit_get(user=actor, pk=unit_id)
    require_perm(actor, "organisations.change_unit_contact", unit)
    changes = {k: v.strip() for k, v in {"address": address, "phone": phone, "email": email, "website": website}.items()
               if v is not None}
    errors: list[ErrorDetail] = []
    if changes.get("email"):
        try:
            EmailValidator()(changes["email"])
        except DjangoValidationError:
            errors.append(ErrorDetail(message=_("Địa chỉ thư điện tử không hợp lệ."), field="email"))
    if changes.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(changes["website"])
        except DjangoValidationError:
            errors.append(ErrorDetail(message=_("Địa chỉ trang thông tin không hợp lệ (cần bắt đầu bằng http:// hoặc https://)."), field="website"))
    for key, limit in (("address", 255), ("phone", 40)):
        if len(changes.get(key, "")) > limit:
            errors.append(ErrorDetail(message=_("Tối đa %(n)d ký tự.") % {"n": limit}, field=key))
    if errors:
        raise InvalidInput(details=errors)
    before = {k: getattr(unit, k) for k in changes}
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.save(update_fields=list(changes) or None)
    audit_record(action="organisations.unit.contact_updated", actor=actor, obj=locked,
                 payload={"before": before, "after": changes})
    return unit_get(user=actor, pk=unit.pk)


@transaction.atomic
def unit_create(*, actor, code: str, name: str, short_name: str, kind_code: str, valid_from: date,
                parent_id: int | None = None, legal_basis: str = "") -> Unit:
    require_perm(actor, "organisations.manage_unit_registry")
    errors = []
    code = (code or "").strip()
    if not code:
        errors.append(ErrorDetail(message=_("Cần nhập mã đơn vị."), field="code"))
    elif Unit.objects.filter(code=code).exists():
        errors.append(ErrorDetail(message=_("Mã đơn vị %(code)s đã tồn tại.") % {"code": code}, field="code"))
    if not (name or "").strip():
        errors.append(ErrorDetail(message=_("Cần nhập tên chính thức."), field="name"))
    kind = UnitKind.objects.filter(code=kind_code).first()
    if kind is None:
        errors.append(ErrorDetail(message=_("Loại đơn vị không tồn tại."), field="kind"))
    if parent_id and not Unit.objects.filter(pk=parent_id).exists():
        errors.append(ErrorDetail(message=_("Đơn vị cấp trên không tồn tại."), field="parent"))
    if errors:
        raise InvalidInput(details=errors)
    unit = Unit.objects.create(code=code, valid_from=valid_from)
    UnitVersion.objects.create(unit=unit, name=name.strip(), short_name=(short_name or name).strip(), kind=kind,
                               parent_id=parent_id, valid_from=valid_from, legal_basis=legal_basis)
    audit_record(action="organisations.unit.created", actor=actor, obj=unit,
                 payload={"code": code, "name": name, "kind": kind_code, "valid_from": valid_from,
                          "parent": parent_id, "legal_basis": legal_basis})
    return unit


@transaction.atomic
def unit_change_version(*, actor, unit_id: int, effective_date: date, name: str | None = None,
                        short_name: str | None = None, kind_code: str | None = None,
                        parent_id: int | None | bool = False, legal_basis: str = "") -> UnitVersion:
    """Rename a unit, change its kind or parent from a date: the current version ends the day before."""
    require_perm(actor, "organisations.manage_unit_registry")
    unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    current = unit.versions.filter(valid_from__lte=effective_date).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=effective_date)).order_by("-valid_from").first()
    if current is None:
        raise invalid(_("Đơn vị không có tên hiệu lực vào ngày này."), field="effective_date")
    if current.valid_from == effective_date:
        raise invalid(_("Ngày hiệu lực phải sau ngày bắt đầu của tên hiện tại."), field="effective_date")
    if unit.versions.filter(valid_from__gt=effective_date).exists():
        raise invalid(_("Đã có thay đổi sau ngày này; hãy ghi nhận theo thứ tự thời gian."), field="effective_date")
    kind = current.kind
    if kind_code:
        kind = UnitKind.objects.filter(code=kind_code).first()
        if kind is None:
            raise invalid(_("Loại đơn vị không tồn tại."), field="kind")
    new_parent = current.parent_id if parent_id is False else parent_id
    old_to = current.valid_to
    current.valid_to = effective_date - timedelta(days=1)
    current.save(update_fields=["valid_to"])
    version = UnitVersion.objects.create(
        unit=unit, name=(name or current.name).strip(), short_name=(short_name or current.short_name).strip(),
        kind=kind, parent_id=new_parent, valid_from=effective_date, valid_to=old_to, legal_basis=legal_basis)
    audit_record(action="organisations.unit.version_changed", actor=actor, obj=unit,
                 payload={"effective_date": effective_date,
                          "before": {"name": current.name, "kind": current.kind.code, "parent": current.parent_id},
                          "after": {"name": version.name, "kind": kind.code, "parent": new_parent},
                          "legal_basis": legal_basis})
    return version


@transaction.atomic
def unit_record_succession(*, actor, predecessor_id: int, successor_id: int, kind: str, effective_date: date,
                           legal_basis: str = "") -> UnitSuccession:
    """Record that a unit continues as another (merger, renaming, split). A merged unit ceases the day before."""
    require_perm(actor, "organisations.manage_unit_registry")
    if kind not in SuccessionKind.values:
        raise invalid(_("Hình thức kế thừa không hợp lệ."), field="kind")
    if predecessor_id == successor_id:
        raise invalid(_("Đơn vị không thể kế thừa chính nó."), field="successor")
    units = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[predecessor_id, successor_id])}
    if len(units) != 2:
        raise NotFound()
    if UnitSuccession.objects.filter(predecessor_id=predecessor_id, successor_id=successor_id).exists():
        raise Conflict(message=_("Quan hệ kế thừa này đã được ghi nhận."))
    # A cycle would make award history follow itself forever.
    from thidua.organisations.selectors import unit_lineage_ids

    if successor_id in unit_lineage_ids(unit_id=predecessor_id):
        raise invalid(_("Quan hệ kế thừa tạo thành vòng lặp."), field="successor")
    link = UnitSuccession.objects.create(predecessor_id=predecessor_id, successor_id=successor_id, kind=kind,
                                         effective_date=effective_date, legal_basis=legal_basis)
    if kind == SuccessionKind.MERGER:
        pred = units[predecessor_id]
        end = effective_date - timedelta(days=1)
        if pred.valid_to is None or pred.valid_to > end:
            pred.valid_to = end
            pred.save(update_fields=["valid_to"])
            pred.versions.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=end)).update(valid_to=end)
    audit_record(action="organisations.unit.succession_recorded", actor=actor, obj=link,
                 payload={"predecessor": predecessor_id, "successor": successor_id, "kind": kind,
                          "effective_date": effective_date, "legal_basis": legal_basis})
    return link


# --- Clusters ----------------------------------------------------------------------------------------


@transaction.atomic
def cluster_create(*, actor, organiser_id: int, code: str, name: str, kind: str = ClusterKind.CLUSTER,
                   description: str = "", established_year: int | None = None) -> Cluster:
    organiser = Unit.objects.filter(pk=organiser_id).first() if 0 < organiser_id < 2**31 else None
    if organiser is None:
        raise NotFound()
    require_perm(actor, "organisations.add_cluster", organiser)
    errors = []
    code = (code or "").strip()
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        errors.append(ErrorDetail(message=_("Mã cụm chỉ gồm chữ, số, dấu gạch (ví dụ TPTW)."), field="code"))
    elif Cluster.objects.filter(code=code).exists():
        errors.append(ErrorDetail(message=_("Mã cụm %(code)s đã tồn tại.") % {"code": code}, field="code"))
    if not (name or "").strip():
        errors.append(ErrorDetail(message=_("Cần nhập tên cụm, khối."), field="name"))
    if kind not in ClusterKind.values:
        errors.append(ErrorDetail(message=_("Loại phải là cụm hoặc khối."), field="kind"))
    if established_year is not None and (e := _year_ok(established_year, "established_year")):
        errors.append(e)
    if errors:
        raise InvalidInput(details=errors)
    cluster = Cluster.objects.create(organiser=organiser, code=code, name=name.strip(), kind=kind,
                                     description=description, established_year=established_year)
    audit_record(action="organisations.cluster.created", actor=actor, obj=cluster,
                 payload={"code": code, "name": cluster.name, "kind": kind, "organiser": organiser_id})
    return cluster


@transaction.atomic
def cluster_update(*, actor, code: str, name: str | None = None, description: str | None = None) -> Cluster:
    cluster = cluster_get(user=actor, code=code)
    require_perm(actor, "organisations.manage_cluster", cluster)
    before = {"name": cluster.name, "description": cluster.description}
    if name is not None:
        if not name.strip():
            raise invalid(_("Cần nhập tên cụm, khối."), field="name")
        cluster.name = name.strip()
    if description is not None:
        cluster.description = description
    cluster.save(update_fields=["name", "description"])
    audit_record(action="organisations.cluster.updated", actor=actor, obj=cluster,
                 payload={"before": before, "after": {"name": cluster.name, "description": cluster.description}})
    return cluster


@transaction.atomic
def membership_add(*, actor, cluster_code: str, unit_id: int, start_year: int, end_year: int | None = None,
                   note: str = "") -> ClusterMembership:
    cluster = cluster_get(user=actor, code=cluster_code)
    require_perm(actor, "organisations.manage_cluster", cluster)
    errors = [e for e in (_year_ok(start_year, "start_year"), end_year and _year_ok(end_year, "end_year")) if e]
    if end_year is not None and end_year < start_year:
        errors.append(ErrorDetail(message=_("Năm kết thúc không được trước năm bắt đầu."), field="end_year"))
    unit = Unit.objects.filter(pk=unit_id).first() if 0 < unit_id < 2**31 else None
    if unit is None:
        errors.append(ErrorDetail(message=_("Đơn vị không tồn tại."), field="unit"))
    elif not errors and (e := _unit_not_in_years(unit, start_year, end_year, "unit_id")):
        raise InvalidInput(message=e.message, details=[e])
    if errors:
        raise InvalidInput(details=errors)
    Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
    last = end_year if end_year is not None else 9999
    overlap = ClusterMembership.objects.filter(cluster=cluster, unit=unit, start_year__lte=last).filter(
        Q(end_year__isnull=True) | Q(end_year__gte=start_year))
    if overlap.exists():
        raise Conflict(message=_("Đơn vị đã là thành viên của cụm trong khoảng năm này."))
    try:
        with transaction.atomic():
            m = ClusterMembership.objects.create(cluster=cluster, unit=unit, start_year=start_year,
                                                 end_year=end_year, note=note)
    except IntegrityError as exc:
        raise Conflict() from exc
    audit_record(action="organisations.membership.added", actor=actor, obj=m,
                 payload={"cluster": cluster.code, "unit": unit.code, "start_year": start_year, "end_year": end_year})
    return m


@transaction.atomic
def membership_end(*, actor, membership_id: int, end_year: int) -> ClusterMembership:
    m = ClusterMembership.objects.select_related("cluster").select_for_update().filter(pk=membership_id).first()
    if m is None or not clusters_for(user=actor).filter(pk=m.cluster_id).exists():
        raise NotFound()
    require_perm(actor, "organisations.manage_cluster", m.cluster)
    if e := _year_ok(end_year, "end_year"):
        raise InvalidInput(details=[e])
    if end_year < m.start_year:
        raise invalid(_("Năm kết thúc không được trước năm bắt đầu."), field="end_year")
    if e := _unit_not_in_years(m.unit, m.start_year, end_year, "end_year"):
        raise InvalidInput(details=[e])
    before = m.end_year
    m.end_year = end_year
    m.save(update_fields=["end_year"])
    audit_record(action="organisations.membership.ended", actor=actor, obj=m,
                 payload={"before": before, "after": end_year})
    return m


def _check_leader(cluster: Cluster, year: int, unit_id: int | None, field: str) -> ErrorDetail | None:
    if unit_id is None:
        return None
    if not (0 < unit_id < 2**31) or not ClusterMembership.objects.filter(member_in_year(year), cluster=cluster, unit_id=unit_id).exists():
        return ErrorDetail(message=_("Đơn vị được chọn không phải là thành viên của cụm trong năm %(year)d.") % {"year": year},
                           field=field)
    unit = Unit.objects.get(pk=unit_id)
    # A membership recorded before validity was checked must not make a merged-away unit head or deputy.
    return _unit_not_in_years(unit, year, year, field)


def _validate_leadership(cluster, year, head_id, head_selection, deputy_id, deputy_selection) -> None:
    errors = [e for e in (_check_leader(cluster, year, head_id, "head"), _check_leader(cluster, year, deputy_id, "deputy")) if e]
    if head_id is not None and head_id == deputy_id:
        errors.append(ErrorDetail(message=_("Cụm trưởng và cụm phó phải là hai đơn vị khác nhau."), field="deputy"))
    for value, field in ((head_selection, "head_selection"), (deputy_selection, "deputy_selection")):
        if value and value not in Selection.values:
            errors.append(ErrorDetail(message=_("Cách chọn không hợp lệ."), field=field))
    if head_id and not head_selection:
        errors.append(ErrorDetail(message=_("Cần ghi rõ cụm trưởng được chọn như thế nào."), field="head_selection"))
    if deputy_id and not deputy_selection:
        errors.append(ErrorDetail(message=_("Cần ghi rõ cụm phó được chọn như thế nào."), field="deputy_selection"))
    if errors:
        raise InvalidInput(details=errors)


@transaction.atomic
def cluster_year_open(*, actor, cluster_code: str, year: int, head_id: int | None = None, head_selection: str = "",
                      deputy_id: int | None = None, deputy_selection: str = "", notes: str = "") -> ClusterYear:
    """Set up year N of a cluster (DOMAIN.md §3 step 0), optionally with its head and deputy."""
    cluster = cluster_get(user=actor, code=cluster_code)
    require_perm(actor, "organisations.manage_cluster", cluster)
    if e := _year_ok(year, "year"):
        raise InvalidInput(details=[e])
    if ClusterYear.objects.filter(cluster=cluster, year=year).exists():
        raise Conflict(message=_("Kỳ thi đua năm %(year)d của cụm đã có.") % {"year": year})
    if not ClusterMembership.objects.filter(member_in_year(year), cluster=cluster).exists():
        raise invalid(_("Cụm chưa có thành viên nào trong năm %(year)d.") % {"year": year}, field="year")
    _validate_leadership(cluster, year, head_id, head_selection, deputy_id, deputy_selection)
    try:
        with transaction.atomic():
            cy = ClusterYear.objects.create(cluster=cluster, year=year, head_id=head_id, head_selection=head_selection,
                                            deputy_id=deputy_id, deputy_selection=deputy_selection, notes=notes)
    except IntegrityError as exc:
        raise Conflict() from exc
    audit_record(action="organisations.cluster_year.opened", actor=actor, obj=cy,
                 payload={"cluster": cluster.code, "year": year, "head": head_id, "head_selection": head_selection,
                          "deputy": deputy_id, "deputy_selection": deputy_selection})
    return cy


@transaction.atomic
def cluster_year_set_leadership(*, actor, cluster_year_id: int, head_id: int | None, head_selection: str,
                                deputy_id: int | None, deputy_selection: str, reason: str = "") -> ClusterYear:
    """Record the head and deputy of a year (elected at the previous review, appointed, or imported history).

    The secretariat role follows the head: whoever is the secretariat of the head unit acts for the year.
    """
    cy = cluster_years_for(user=actor).select_related("cluster").filter(pk=cluster_year_id).first()
    if cy is None:
        raise NotFound()
    require_perm(actor, "organisations.manage_clusteryear", cy)
    cy = ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cy.pk)
    # The secretariat follows the head: changing the head of a closed year would hand that year's records to
    # another unit after the fact. Read through the covenant's stable selector (imported here: covenant
    # depends on organisations, not the other way round at import time).
    from thidua.covenant.models import CycleState
    from thidua.covenant.selectors import cycle_get

    cycle = cycle_get(cluster_year=cy)
    if cycle is not None and cycle.state == CycleState.CLOSED:
        raise InvalidState(message=_("Kỳ thi đua năm %(year)d đã kết thúc: không thay đổi được cụm trưởng, cụm phó. "
                                     "Cơ quan tổ chức cần mở lại kỳ thi đua trước.") % {"year": cy.year})
    _validate_leadership(cy.cluster, cy.year, head_id, head_selection, deputy_id, deputy_selection)
    replaced = [f for f, old, new in (("head", cy.head_id, head_id), ("deputy", cy.deputy_id, deputy_id))
                if old is not None and old != new]
    reason = (reason or "").strip()
    if replaced and not reason:
        raise invalid(_("Cần ghi lý do khi thay đổi cụm trưởng, cụm phó đã được ghi nhận."), field="reason")
    before = {"head": cy.head_id, "head_selection": cy.head_selection, "deputy": cy.deputy_id,
              "deputy_selection": cy.deputy_selection}
    cy.head_id, cy.head_selection = head_id, head_selection if head_id else ""
    cy.deputy_id, cy.deputy_selection = deputy_id, deputy_selection if deputy_id else ""
    cy.save(update_fields=["head", "head_selection", "deputy", "deputy_selection"])
    audit_record(action="organisations.cluster_year.leadership_set", actor=actor, obj=cy,
                 payload={"before": before, "after": {"head": head_id, "head_selection": cy.head_selection,
                                                      "deputy": deputy_id, "deputy_selection": cy.deputy_selection},
                          "reason": reason})
    return cy
