"""Writes of the covenant: the cycle, the criteria table and bands, registrations, documents and signatures.

House style (organisations/services.py): keyword-only, one transaction, scoped fetch (404) → permission
(403) → state (409) → validation (422) → write → audit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.core.audit import audit_record
from thidua.core.errors import (
    Conflict,
    ErrorDetail,
    Forbidden,
    InvalidInput,
    InvalidState,
    NotFound,
    invalid,
)
from thidua.covenant import workflow as wf
from thidua.covenant.access import member_unit_ids, roles_of, runs_year, visible_cluster_year, works_for
from thidua.covenant.models import (
    Amendment,
    ClassificationBand,
    Commitment,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    CycleState,
    MemberCampaign,
    MemberTarget,
    Method,
    NationalCampaign,
    Registration,
    RegistrationStatus,
    ScoredBy,
    Signature,
    YearCycle,
)
from thidua.covenant.validation import (
    BandInput,
    Node,
    bonus_ceiling,
    build_tree,
    field_limit_error,
    validate_bands,
    validate_criteria,
)

# --- Cycle -------------------------------------------------------------------------------------------


def _cycle_locked(cy) -> YearCycle:
    cycle = YearCycle.objects.select_for_update().filter(cluster_year=cy).first()
    if cycle is None:
        cycle = YearCycle.objects.create(cluster_year=cy, **wf.default_deadlines(cy.year))
        cycle = YearCycle.objects.select_for_update().get(pk=cycle.pk)
    return cycle


@transaction.atomic
def cycle_ensure(*, actor, cluster_year_id: int) -> YearCycle:
    """Start the cycle of a cluster-year (state draft, default deadlines) if it has none. Anyone who runs the
    year may do it; opening a page never writes."""
    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    existing = YearCycle.objects.filter(cluster_year=cy).first()
    if existing is not None:
        return existing
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    cycle = _cycle_locked(cy)
    audit_record(action="covenant.cycle.created", actor=actor, obj=cycle,
                 payload={"cluster_year": cy.pk, "deadlines": {f: getattr(cycle, f) for f in wf.DEADLINE_FIELDS}})
    return cycle


def _touch_content(cy) -> None:
    """The covenant's content changed: documents issued before now are stale and cannot be signed."""
    YearCycle.objects.filter(cluster_year=cy).update(content_changed_at=timezone.now())


def _check_requirement(name: str, cy, cycle: YearCycle) -> None:
    if not name:
        return
    if name == "criteria_valid":
        cs = _pending_set(cy)
        if cs is None:
            raise InvalidState(message=_("Chưa có bộ tiêu chí cho kỳ thi đua này."))
        errors = criteria_set_errors(cs)
        if errors:
            raise InvalidInput(message=_("Bộ tiêu chí chưa hợp lệ, chưa thể mở đăng ký."), details=errors)
        if not cs.bands.exists():
            raise InvalidState(message=_("Chưa khai báo các mức xếp loại của bộ tiêu chí."))
    elif name == "no_signature":
        cs = _pending_set(cy)
        if cs is not None and Signature.objects.filter(criteria_set=cs).exists():
            raise InvalidState(message=_("Đã có đơn vị ký giao ước; không thể trả về dự thảo."))
    elif name == "all_signed":
        missing = unsigned_members(cy)
        if missing:
            raise InvalidState(message=_("Còn %(n)d đơn vị thành viên chưa ký văn bản giao ước hiện hành.")
                               % {"n": len(missing)})
    else:  # pragma: no cover - a typo in the table
        raise ValueError(name)


@transaction.atomic
def cycle_transition(*, actor, cluster_year_id: int, action: str, reason: str = "") -> YearCycle:
    """Take one transition of the annual cycle (workflow.TRANSITIONS), with its role, state, reason and
    requirement checks; recorded in the audit log with the reason."""
    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    t = wf.TRANSITIONS.get(action)
    if t is None:
        raise invalid(_("Thao tác không tồn tại."), field="action")
    if not wf.role_allowed(action, roles_of(actor, cy)):
        raise Forbidden()
    cycle = _cycle_locked(cy)
    if not wf.state_allowed(action, cycle.state):
        raise InvalidState(message=_("Không thể \"%(a)s\" khi kỳ thi đua đang ở trạng thái \"%(s)s\".")
                           % {"a": t.label, "s": cycle.get_state_display()})
    if msg := wf.require_reason(action, reason):
        raise invalid(msg, field="reason")
    _check_requirement(t.requirement, cy, cycle)
    if action == "seal":
        cs = _pending_set(cy)
        if cs is not None and cs.status == CriteriaSetStatus.DRAFT:
            _freeze(actor, cy, cs, cycle)  # freezes the table and seals the cycle, audited there
            return cycle
    before = cycle.state
    cycle.state = t.to_state
    cycle.last_reason = (reason or "").strip()
    cycle.save(update_fields=["state", "last_reason", "updated_at"])
    audit_record(action=f"covenant.cycle.{action}", actor=actor, obj=cycle,
                 payload={"from": before, "to": t.to_state, "reason": cycle.last_reason})
    return cycle


def cycle_require(*, cluster_year, activity: str) -> None:
    """Refuse a step of another app (workflow.ACTIVITIES: reports, scoring) that the cycle's current state
    does not allow, with a message naming the state and the states that allow it. Called inside that
    app's service transaction; a cluster-year whose cycle was never started allows none of them."""
    label, states = wf.ACTIVITIES[activity]
    state = YearCycle.objects.filter(cluster_year=cluster_year).values_list("state", flat=True).first()
    if wf.activity_allowed(activity, state):
        return
    allowed = ", ".join(str(CycleState(s).label) for s in states)
    if state is None:
        raise InvalidState(message=_("Kỳ thi đua chưa bắt đầu chu trình năm: chưa thể thực hiện %(a)s "
                                     "(được thực hiện ở giai đoạn: %(allowed)s).") % {"a": label, "allowed": allowed})
    raise InvalidState(message=_("Kỳ thi đua đang ở giai đoạn \"%(s)s\": không thể thực hiện %(a)s "
                                 "(được thực hiện ở giai đoạn: %(allowed)s).")
                       % {"s": CycleState(state).label, "a": label, "allowed": allowed})


@transaction.atomic
def cycle_set_deadlines(*, actor, cluster_year_id: int, **dates: date | None) -> YearCycle:
    """Change the dates of a cluster-year (secretariat of the year or organiser)."""
    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    unknown = set(dates) - set(wf.DEADLINE_FIELDS)
    if unknown:
        raise invalid(_("Mốc thời gian không tồn tại: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    cycle = _cycle_locked(cy)
    errors = []
    for name, value in dates.items():
        if value is not None and not (cy.year - 1 <= value.year <= cy.year + 2):
            errors.append(ErrorDetail(message=_("Ngày phải nằm trong khoảng năm %(a)d–%(b)d.")
                                      % {"a": cy.year - 1, "b": cy.year + 2}, field=name))
    if not errors:
        # The milestones follow the cycle: registration, mid-year report, year-end report, conference,
        # award dossiers (workflow.DEADLINES order); a later milestone may not come before an earlier one.
        merged = {f: dates.get(f, getattr(cycle, f)) for f in wf.DEADLINE_FIELDS}
        labels = {d.field: d.label for d in wf.DEADLINES}
        set_fields = [f for f in wf.DEADLINE_FIELDS if merged[f] is not None]
        for i, later in enumerate(set_fields):
            for earlier in set_fields[:i]:
                if merged[later] < merged[earlier]:
                    errors.append(ErrorDetail(message=_("%(b)s (%(bd)s) không được trước %(a)s (%(ad)s).")
                                              % {"b": labels[later], "bd": merged[later].strftime("%d/%m/%Y"),
                                                 "a": str(labels[earlier]).lower(),
                                                 "ad": merged[earlier].strftime("%d/%m/%Y")},
                                              field=later))
                    break
    if errors:
        raise InvalidInput(details=errors)
    before = {f: getattr(cycle, f) for f in dates}
    for name, value in dates.items():
        setattr(cycle, name, value)
    cycle.save()
    _touch_content(cy)  # the covenant and the plan print these dates
    audit_record(action="covenant.cycle.deadlines_changed", actor=actor, obj=cycle,
                 payload={"before": before, "after": dates})
    return cycle


# --- Criteria sets -----------------------------------------------------------------------------------


def _pending_set(cy) -> CriteriaSet | None:
    """The version being prepared or signed: the latest draft, else the frozen one."""
    sets = CriteriaSet.objects.filter(cluster_year=cy)
    return (sets.filter(status=CriteriaSetStatus.DRAFT).order_by("-version").first()
            or sets.filter(status=CriteriaSetStatus.FROZEN).order_by("-version").first())


def _set_for_edit(actor, criteria_set_id: int) -> tuple[CriteriaSet, object]:
    cs = CriteriaSet.objects.select_related("cluster_year__cluster").filter(pk=criteria_set_id).first()
    if cs is None:
        raise NotFound()
    cy = visible_cluster_year(user=actor, cluster_year_id=cs.cluster_year_id)
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    cs = CriteriaSet.objects.select_for_update().get(pk=cs.pk)
    if cs.status != CriteriaSetStatus.DRAFT:
        raise InvalidState(message=_("Bộ tiêu chí đã khóa; mọi thay đổi phải qua một bản sửa đổi có đánh số."))
    if cs.amendment_number == 0:
        cycle = YearCycle.objects.filter(cluster_year=cy).first()
        if cycle is not None and wf.state_index(cycle.state) >= wf.state_index(CycleState.COVENANT_SIGNED):
            raise InvalidState(message=_("Giao ước đã ký; mọi thay đổi phải qua một bản sửa đổi có đánh số."))
    return cs, cy


def criteria_set_errors(cs: CriteriaSet) -> list[ErrorDetail]:
    nodes = list(Criterion.objects.filter(criteria_set=cs).select_related("parent"))
    return validate_criteria(total_points=cs.total_points,
                             nodes=[Node.from_criterion(c, c.parent.code if c.parent_id else "") for c in nodes])


@transaction.atomic
def criteria_set_create(*, actor, cluster_year_id: int, title: str, total_points=Decimal(100),
                        legal_basis: str = "") -> CriteriaSet:
    """A new, empty draft criteria table for a cluster-year (only when it has none in draft)."""
    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    if CriteriaSet.objects.filter(cluster_year=cy).exists():
        raise Conflict(message=_("Kỳ thi đua đã có bộ tiêu chí; hãy sửa bộ hiện có hoặc lập bản sửa đổi."))
    total = _decimal(total_points, "total_points", column=(CriteriaSet, "total_points"))
    if not (title or "").strip():
        raise invalid(_("Cần nhập tên bộ tiêu chí."), field="title")
    if total <= 0:
        raise invalid(_("Tổng điểm chuẩn phải lớn hơn 0."), field="total_points")
    _cycle_locked(cy)
    cs = CriteriaSet.objects.create(cluster_year=cy, title=title.strip(), total_points=total,
                                    legal_basis=legal_basis.strip())
    audit_record(action="covenant.criteria_set.created", actor=actor, obj=cs,
                 payload={"title": cs.title, "total_points": total, "legal_basis": cs.legal_basis})
    return cs


def _copy_into(source: CriteriaSet, target: CriteriaSet) -> dict[int, Criterion]:
    mapping: dict[int, Criterion] = {}
    nodes = list(Criterion.objects.filter(criteria_set=source).order_by("parent_id", "order", "code"))
    pending = [c for c in nodes]
    while pending:
        rest = []
        for c in pending:
            if c.parent_id and c.parent_id not in mapping:
                rest.append(c)
                continue
            old_id = c.pk
            c.pk = None
            c.id = None
            c.criteria_set = target
            c.parent = mapping.get(c.parent_id) if c.parent_id else None
            c.save(force_insert=True)
            mapping[old_id] = c
        if len(rest) == len(pending):  # pragma: no cover - a cycle cannot be stored
            break
        pending = rest
    for b in ClassificationBand.objects.filter(criteria_set=source):
        ClassificationBand.objects.create(criteria_set=target, label=b.label, min_points=b.min_points,
                                          max_points=b.max_points, order=b.order)
    return mapping


@transaction.atomic
def criteria_set_copy_previous(*, actor, cluster_year_id: int) -> CriteriaSet:
    """Start this year's table as a copy of the in-force table of the cluster's latest earlier year."""
    from thidua.covenant.selectors import current_criteria_set
    from thidua.organisations.models import ClusterYear

    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    if CriteriaSet.objects.filter(cluster_year=cy).exists():
        raise Conflict(message=_("Kỳ thi đua đã có bộ tiêu chí; hãy sửa bộ hiện có hoặc lập bản sửa đổi."))
    source = None
    for prev in ClusterYear.objects.filter(cluster_id=cy.cluster_id, year__lt=cy.year).order_by("-year"):
        source = current_criteria_set(cluster_year=prev)
        if source is not None:
            break
    if source is None:
        raise InvalidState(message=_("Các năm trước của cụm chưa có bộ tiêu chí để sao chép."))
    _cycle_locked(cy)
    title = source.title.replace(str(source.cluster_year.year), str(cy.year))
    cs = CriteriaSet.objects.create(cluster_year=cy, title=title, total_points=source.total_points,
                                    legal_basis=source.legal_basis, copied_from=source)
    _copy_into(source, cs)
    audit_record(action="covenant.criteria_set.copied", actor=actor, obj=cs,
                 payload={"from": source.pk, "from_year": source.cluster_year.year})
    return cs


@transaction.atomic
def criteria_set_update(*, actor, criteria_set_id: int, title: str | None = None, total_points=None,
                        legal_basis: str | None = None) -> CriteriaSet:
    cs, cy = _set_for_edit(actor, criteria_set_id)
    changes = {}
    if title is not None:
        if not title.strip():
            raise invalid(_("Cần nhập tên bộ tiêu chí."), field="title")
        changes["title"] = title.strip()
    if total_points is not None:
        total = _decimal(total_points, "total_points", column=(CriteriaSet, "total_points"))
        if total <= 0:
            raise invalid(_("Tổng điểm chuẩn phải lớn hơn 0."), field="total_points")
        changes["total_points"] = total
    if legal_basis is not None:
        changes["legal_basis"] = legal_basis.strip()
    for k, v in changes.items():
        setattr(cs, k, v)
    cs.save()
    _touch_content(cy)
    audit_record(action="covenant.criteria_set.updated", actor=actor, obj=cs, payload=changes)
    return cs


CRITERION_FIELDS = ("code", "title", "guidance", "method", "max_points", "step", "unit_of_measure",
                    "higher_is_better", "extra_points_cap", "points_per_occurrence", "cap", "auto_award_code",
                    "evidence_required", "scored_by", "national_campaign_id")
DECIMAL_FIELDS = ("max_points", "step", "extra_points_cap", "points_per_occurrence", "cap")


def _decimal(value, field: str, *, allow_none: bool = False, column: tuple | None = None,
             label: str = "") -> Decimal | None:
    """Parse a number typed by a user. With `column` (model, field name) the value must also fit that
    column's digits and decimal places; the error names the field (`label`, else its verbose name)."""
    if value in (None, ""):
        if allow_none:
            return None
        value = 0
    try:
        d = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise invalid(_("Giá trị \"%(v)s\" không phải là số.") % {"v": value}, field=field) from None
    if not d.is_finite():
        raise invalid(_("Giá trị \"%(v)s\" không phải là số.") % {"v": value}, field=field)
    if column is not None:
        model, name = column
        reason = field_limit_error(d, model, name)
        if reason:
            label = label or str(model._meta.get_field(name).verbose_name).capitalize()
            raise invalid(f"{label}: {reason}", field=field)
    return d


def _clean_criterion_fields(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if key not in CRITERION_FIELDS:
            raise invalid(_("Trường %(f)s không sửa được.") % {"f": key}, field=key)
        if key in DECIMAL_FIELDS:
            value = _decimal(value, key, allow_none=(key == "step"), column=(Criterion, key))
        elif key in ("code", "title", "guidance", "unit_of_measure", "auto_award_code"):
            value = (value or "").strip()
        out[key] = value
    if "method" in out and out["method"] not in Method.values:
        raise invalid(_("Cách chấm không hợp lệ."), field="method")
    if "scored_by" in out and out["scored_by"] not in ScoredBy.values:
        raise invalid(_("Người chấm không hợp lệ."), field="scored_by")
    if out.get("national_campaign_id") and not NationalCampaign.objects.filter(pk=out["national_campaign_id"]).exists():
        raise invalid(_("Phong trào toàn quốc không tồn tại."), field="national_campaign")
    if "code" in out and not out["code"]:
        raise invalid(_("Thiếu mã tiêu chí."), field="code")
    if "title" in out and not out["title"]:
        raise invalid(_("Thiếu nội dung tiêu chí."), field="title")
    for key in ("code", "unit_of_measure"):
        if key in out and len(out[key]) > Criterion._meta.get_field(key).max_length:
            raise invalid(_("Quá dài."), field=key)
    return out


def _node_errors(node: Criterion, parent: Criterion | None) -> list[ErrorDetail]:
    """Checks of one node on its own (the whole-table rules are in criteria_set_errors)."""
    probe = Node.from_criterion(node, parent.code if parent else "")
    if node.method == Method.GROUP:
        return []  # a group's children and sums are checked on the whole table
    errors = validate_criteria(total_points=Decimal(1), nodes=[probe])
    return [e for e in errors if e.field not in ("total_points", "parent", "criteria")]


@transaction.atomic
def criterion_add(*, actor, criteria_set_id: int, parent_id: int | None = None, **fields) -> Criterion:
    """Add a criterion (or group) to a draft table; it goes last among its siblings."""
    cs, cy = _set_for_edit(actor, criteria_set_id)
    data = _clean_criterion_fields(fields)
    parent = None
    if parent_id:
        parent = Criterion.objects.filter(pk=parent_id, criteria_set=cs).first()
        if parent is None:
            raise invalid(_("Nhóm cha không thuộc bộ tiêu chí này."), field="parent")
        if parent.method != Method.GROUP:
            raise invalid(_("Chỉ thêm tiêu chí con vào một nhóm tiêu chí."), field="parent")
        depth = 1
        p = parent
        while p.parent_id:
            depth += 1
            p = p.parent
        if depth >= 3:
            raise invalid(_("Cây tiêu chí chỉ có tối đa 3 cấp (nhóm → tiêu chí → tiêu chí con)."), field="parent")
    if Criterion.objects.filter(criteria_set=cs, code=data.get("code", "")).exists():
        raise invalid(_("Mã tiêu chí %(code)s bị trùng.") % {"code": data.get("code")}, field="code")
    order = (Criterion.objects.filter(criteria_set=cs, parent=parent).aggregate(m=Max("order"))["m"] or 0) + 1
    node = Criterion(criteria_set=cs, parent=parent, order=order, **data)
    errors = _node_errors(node, parent)
    if errors:
        raise InvalidInput(details=errors)
    node.save()
    _touch_content(cy)
    audit_record(action="covenant.criterion.added", actor=actor, obj=node,
                 payload={"criteria_set": cs.pk, "parent": parent_id, **{k: v for k, v in data.items()}})
    return node


@transaction.atomic
def criterion_update(*, actor, criterion_id: int, **fields) -> Criterion:
    node = Criterion.objects.filter(pk=criterion_id).first()
    if node is None:
        raise NotFound()
    cs, cy = _set_for_edit(actor, node.criteria_set_id)
    node = Criterion.objects.select_for_update(of=("self",)).select_related("parent").get(pk=criterion_id)
    data = _clean_criterion_fields(fields)
    if "code" in data and Criterion.objects.filter(criteria_set=cs, code=data["code"]).exclude(pk=node.pk).exists():
        raise invalid(_("Mã tiêu chí %(code)s bị trùng.") % {"code": data["code"]}, field="code")
    if data.get("method", node.method) != Method.GROUP and node.children.exists():
        raise invalid(_("Tiêu chí đang có tiêu chí con nên phải là nhóm."), field="method")
    before = {k: getattr(node, k) for k in data}
    for k, v in data.items():
        setattr(node, k, v)
    errors = _node_errors(node, node.parent)
    if errors:
        raise InvalidInput(details=errors)
    node.save()
    _touch_content(cy)
    audit_record(action="covenant.criterion.updated", actor=actor, obj=node, payload={"before": before, "after": data})
    return node


@transaction.atomic
def criterion_delete(*, actor, criterion_id: int) -> None:
    """Delete a criterion of a draft table with its sub-criteria and the targets registered on them."""
    node = Criterion.objects.filter(pk=criterion_id).first()
    if node is None:
        raise NotFound()
    cs, cy = _set_for_edit(actor, node.criteria_set_id)
    payload = {"code": node.code, "title": node.title, "criteria_set": cs.pk,
               "children": list(node.children.values_list("code", flat=True))}
    audit_record(action="covenant.criterion.deleted", actor=actor, obj=node, payload=payload)
    node.delete()
    _touch_content(cy)


@transaction.atomic
def criterion_move(*, actor, criterion_id: int, direction: str) -> Criterion:
    """Move a criterion one place up or down among its siblings (renumbering them 1..n)."""
    node = Criterion.objects.filter(pk=criterion_id).first()
    if node is None:
        raise NotFound()
    cs, cy = _set_for_edit(actor, node.criteria_set_id)
    if direction not in ("up", "down"):
        raise invalid(_("Hướng di chuyển không hợp lệ."), field="direction")
    siblings = list(Criterion.objects.select_for_update().filter(criteria_set=cs, parent_id=node.parent_id)
                    .order_by("order", "code"))
    i = next(k for k, s in enumerate(siblings) if s.pk == node.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
    for k, s in enumerate(siblings, start=1):
        if s.order != k:
            s.order = k
            s.save(update_fields=["order"])
    _touch_content(cy)
    audit_record(action="covenant.criterion.moved", actor=actor, obj=node,
                 payload={"direction": direction, "order": [s.code for s in siblings]})
    return Criterion.objects.get(pk=node.pk)


@transaction.atomic
def bands_replace(*, actor, criteria_set_id: int, bands: list[dict]) -> list[ClassificationBand]:
    """Replace the classification bands of a draft table (validated as a whole)."""
    cs, cy = _set_for_edit(actor, criteria_set_id)
    inputs = []
    for i, b in enumerate(bands, start=1):
        try:
            lo = _decimal(b.get("min_points"), f"bands[{i}].min_points", allow_none=True,
                          column=(ClassificationBand, "min_points"),
                          label=_("Mức %(i)d, từ điểm") % {"i": i})
            hi = _decimal(b.get("max_points"), f"bands[{i}].max_points", allow_none=True,
                          column=(ClassificationBand, "max_points"),
                          label=_("Mức %(i)d, đến điểm") % {"i": i})
        except InvalidInput as exc:
            raise InvalidInput(details=exc.details) from None
        inputs.append(BandInput(label=(b.get("label") or "").strip(), min_points=lo, max_points=hi))
    if not inputs:
        raise invalid(_("Cần ít nhất một mức xếp loại."), field="bands")
    nodes = list(Criterion.objects.filter(criteria_set=cs).select_related("parent"))
    roots, _errs = build_tree([Node.from_criterion(c, c.parent.code if c.parent_id else "") for c in nodes])
    errors = validate_bands(bands=inputs, total_points=cs.total_points, bonus=bonus_ceiling(roots))
    if errors:
        raise InvalidInput(details=errors)
    before = list(cs.bands.values("label", "min_points", "max_points"))
    cs.bands.all().delete()
    made = [ClassificationBand.objects.create(criteria_set=cs, label=b.label, min_points=b.min_points,
                                              max_points=b.max_points, order=k)
            for k, b in enumerate(sorted(inputs, key=lambda b: -b.min_points), start=1)]
    _touch_content(cy)
    audit_record(action="covenant.bands.replaced", actor=actor, obj=cs,
                 payload={"before": before, "after": [{"label": b.label, "min": b.min_points, "max": b.max_points}
                                                      for b in made]})
    return made


@transaction.atomic
def criteria_replace_from_rows(*, actor, criteria_set_id: int, nodes: list[Node], source: str = "") -> int:
    """Replace the whole tree of a draft table with validated rows (Excel import). All or nothing: any
    error rejects everything, reported with row and column."""
    cs, cy = _set_for_edit(actor, criteria_set_id)
    errors = validate_criteria(total_points=cs.total_points, nodes=nodes)
    if errors:
        raise InvalidInput(message=_("Tệp không hợp lệ, chưa có dữ liệu nào được lưu."), details=errors)
    if Signature.objects.filter(criteria_set=cs).exists():
        raise InvalidState(message=_("Đã có đơn vị ký bộ tiêu chí này."))
    cs.criteria.all().delete()
    by_code: dict[str, Criterion] = {}
    order: dict[str, int] = {}
    for n in nodes:
        key = n.parent_code or ""
        order[key] = order.get(key, 0) + 1
        by_code[n.code] = Criterion.objects.create(
            criteria_set=cs, parent=by_code.get(n.parent_code) if n.parent_code else None, code=n.code,
            title=n.title, guidance=getattr(n, "guidance", ""), order=order[key], method=n.method,
            max_points=n.max_points, step=n.step, unit_of_measure=n.unit_of_measure,
            higher_is_better=getattr(n, "higher_is_better", True), extra_points_cap=n.extra_points_cap,
            points_per_occurrence=n.points_per_occurrence, cap=n.cap, auto_award_code=n.auto_award_code,
            evidence_required=getattr(n, "evidence_required", False),
            scored_by=getattr(n, "scored_by", ScoredBy.SCORERS),
            national_campaign_id=getattr(n, "national_campaign_id", None))
    _touch_content(cy)
    audit_record(action="covenant.criteria_set.imported", actor=actor, obj=cs,
                 payload={"rows": len(nodes), "source": source})
    return len(nodes)


@transaction.atomic
def amendment_create(*, actor, cluster_year_id: int, reason: str) -> Amendment:
    """Open a numbered amendment of a signed table: a new draft version copied from the frozen one. The
    frozen version stays in force until every member has signed the amended covenant."""
    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    if not (reason or "").strip():
        raise invalid(_("Cần nêu lý do sửa đổi."), field="reason")
    _cycle_locked(cy)
    frozen = CriteriaSet.objects.filter(cluster_year=cy, status=CriteriaSetStatus.FROZEN).order_by("-version").first()
    if frozen is None:
        raise InvalidState(message=_("Chỉ sửa đổi được bộ tiêu chí đã ký; bản dự thảo thì sửa trực tiếp."))
    if CriteriaSet.objects.filter(cluster_year=cy, status=CriteriaSetStatus.DRAFT).exists():
        raise Conflict(message=_("Đang có một bản sửa đổi chưa ký xong."))
    number = (Amendment.objects.filter(cluster_year=cy).aggregate(m=Max("number"))["m"] or 0) + 1
    version = (CriteriaSet.objects.filter(cluster_year=cy).aggregate(m=Max("version"))["m"] or 0) + 1
    new = CriteriaSet.objects.create(cluster_year=cy, version=version, amendment_number=number, title=frozen.title,
                                     total_points=frozen.total_points, legal_basis=frozen.legal_basis,
                                     copied_from=frozen)
    mapping = _copy_into(frozen, new)
    for t in MemberTarget.objects.filter(criterion__criteria_set=frozen):
        MemberTarget.objects.create(cluster_year=cy, unit_id=t.unit_id, criterion=mapping[t.criterion_id],
                                    target_value=t.target_value, note=t.note, updated_by_id=t.updated_by_id)
    amendment = Amendment.objects.create(cluster_year=cy, number=number, previous_set=frozen, criteria_set=new,
                                         reason=reason.strip(), created_by=actor if actor.pk else None)
    _touch_content(cy)
    audit_record(action="covenant.amendment.created", actor=actor, obj=amendment,
                 payload={"number": number, "version": version, "previous": frozen.pk, "reason": amendment.reason})
    return amendment


# --- National campaigns ------------------------------------------------------------------------------


@transaction.atomic
def national_campaign_create(*, actor, title: str, launched_by: str = "", legal_basis: str = "",
                             start_year: int | None = None, end_year: int | None = None,
                             description: str = "") -> NationalCampaign:
    """Register a nationwide movement (organiser admins; the system actor)."""
    from thidua.accounts.selectors import grants_for

    g = grants_for(actor)
    if not (g.is_superuser or g.organiser_admin or g.cluster_admin):
        raise Forbidden()
    title = (title or "").strip()
    if not title:
        raise invalid(_("Cần nhập tên phong trào."), field="title")
    if NationalCampaign.objects.filter(title__iexact=title).exists():
        raise Conflict(message=_("Phong trào này đã có."))
    if start_year and end_year and end_year < start_year:
        raise invalid(_("Năm kết thúc trước năm bắt đầu."), field="end_year")
    nc = NationalCampaign.objects.create(title=title, launched_by=launched_by.strip(), legal_basis=legal_basis.strip(),
                                         start_year=start_year, end_year=end_year, description=description.strip())
    audit_record(action="covenant.national_campaign.created", actor=actor, obj=nc,
                 payload={"title": title, "launched_by": nc.launched_by, "legal_basis": nc.legal_basis})
    return nc


# --- Registrations -----------------------------------------------------------------------------------


def _registration_for_member(actor, cluster_year_id: int, unit_id: int, *, lock: bool = True):
    """The member's registration, for its own officers/leaders only (NotFound for anyone else, so that
    member A never learns anything about member B's draft)."""
    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    members = member_unit_ids(cy)
    if unit_id not in members or not works_for(actor, unit_id):
        raise NotFound()
    reg = Registration.objects.filter(cluster_year=cy, unit_id=unit_id).first()
    if reg is None:
        reg = Registration.objects.create(cluster_year=cy, unit_id=unit_id)
    if lock:
        reg = Registration.objects.select_for_update().get(pk=reg.pk)
    return cy, reg


def _require_registration_open(cy) -> None:
    cycle = YearCycle.objects.filter(cluster_year=cy).first()
    if cycle is None or cycle.state != CycleState.REGISTRATION_OPEN:
        raise InvalidState(message=_("Kỳ thi đua chưa mở đăng ký (hoặc đã kết thúc đăng ký)."))


@transaction.atomic
def registration_save(*, actor, cluster_year_id: int, unit_id: int, targets: dict[int, object] | None = None,
                      campaigns: list[dict] | None = None, commitments: list[dict] | None = None) -> Registration:
    """Save a member's draft registration: targets {criterion_id: value} for the quantitative criteria of the
    table being signed, its own campaigns [{title, description, national_campaign_id}] and commitments
    [{text, national_campaign_id}] (lists replace what was there)."""
    cy, reg = _registration_for_member(actor, cluster_year_id, unit_id)
    _require_registration_open(cy)
    if reg.status not in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED):
        raise InvalidState(message=_("Đăng ký đã gửi; chỉ sửa được khi bị trả lại."))
    cs = _pending_set(cy)
    errors: list[ErrorDetail] = []
    clean_targets: dict[int, Decimal] = {}
    if targets:
        quantitative = dict(Criterion.objects.filter(criteria_set=cs, method=Method.QUANTITATIVE)
                            .values_list("pk", "code")) if cs else {}
        for cid, value in targets.items():
            try:
                cid = int(cid)
            except (TypeError, ValueError):
                errors.append(ErrorDetail(message=_("Tiêu chí không hợp lệ."), field="targets"))
                continue
            if cid not in quantitative:
                errors.append(ErrorDetail(message=_("Tiêu chí không phải tiêu chí định lượng của bộ tiêu chí đang đăng ký."),
                                          field=f"target_{cid}"))
                continue
            if value in (None, ""):
                continue
            try:
                d = _decimal(value, f"target_{cid}", column=(MemberTarget, "target_value"),
                             label=_("Chỉ tiêu %(code)s") % {"code": quantitative[cid]})
            except InvalidInput as exc:
                errors.extend(exc.details)
                continue
            if d < 0:
                errors.append(ErrorDetail(message=_("Chỉ tiêu không được âm."), field=f"target_{cid}"))
                continue
            clean_targets[cid] = d
    nc_ids = set(NationalCampaign.objects.values_list("pk", flat=True))
    for i, c in enumerate(campaigns or [], start=1):
        if not (c.get("title") or "").strip():
            errors.append(ErrorDetail(message=_("Phong trào %(i)d: thiếu chủ đề.") % {"i": i}, field=f"campaign_{i}"))
        elif len(c["title"].strip()) > 255:
            errors.append(ErrorDetail(message=_("Phong trào %(i)d: chủ đề quá dài.") % {"i": i}, field=f"campaign_{i}"))
        if c.get("national_campaign_id") and int(c["national_campaign_id"]) not in nc_ids:
            errors.append(ErrorDetail(message=_("Phong trào toàn quốc không tồn tại."), field=f"campaign_{i}"))
    for i, c in enumerate(commitments or [], start=1):
        if not (c.get("text") or "").strip():
            errors.append(ErrorDetail(message=_("Cam kết %(i)d: thiếu nội dung.") % {"i": i}, field=f"commitment_{i}"))
        if c.get("national_campaign_id") and int(c["national_campaign_id"]) not in nc_ids:
            errors.append(ErrorDetail(message=_("Phong trào toàn quốc không tồn tại."), field=f"commitment_{i}"))
    if errors:
        raise InvalidInput(details=errors)
    user = actor if actor.pk else None
    if targets is not None:
        for cid, value in clean_targets.items():
            MemberTarget.objects.update_or_create(unit_id=unit_id, criterion_id=cid,
                                                  defaults={"cluster_year": cy, "target_value": value,
                                                            "updated_by": user})
        cleared = [int(cid) for cid, v in targets.items() if v in (None, "")]
        MemberTarget.objects.filter(unit_id=unit_id, criterion_id__in=cleared).delete()
    if campaigns is not None:
        reg.campaigns.all().delete()
        for k, c in enumerate(campaigns, start=1):
            MemberCampaign.objects.create(registration=reg, title=c["title"].strip(),
                                          description=(c.get("description") or "").strip(),
                                          national_campaign_id=c.get("national_campaign_id") or None, order=k)
    if commitments is not None:
        reg.commitments.all().delete()
        for k, c in enumerate(commitments, start=1):
            Commitment.objects.create(registration=reg, text=c["text"].strip(),
                                      national_campaign_id=c.get("national_campaign_id") or None, order=k)
    reg.save()
    audit_record(action="covenant.registration.saved", actor=actor, obj=reg,
                 payload={"targets": {str(k): v for k, v in clean_targets.items()},
                          "campaigns": [c.get("title") for c in campaigns or []],
                          "commitments": len(commitments or [])})
    return reg


@transaction.atomic
def registration_submit(*, actor, cluster_year_id: int, unit_id: int) -> Registration:
    """The member sends its registration to the secretariat. Every quantitative criterion needs a target."""
    cy, reg = _registration_for_member(actor, cluster_year_id, unit_id)
    _require_registration_open(cy)
    if reg.status not in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED):
        raise InvalidState(message=_("Đăng ký đã được gửi."))
    cs = _pending_set(cy)
    missing = list(Criterion.objects.filter(criteria_set=cs, method=Method.QUANTITATIVE)
                   .exclude(targets__unit_id=unit_id).order_by("code").values_list("pk", "code"))
    if missing:
        # Field names are those of the form and the API (target_<criterion id>), so each error sits at its field.
        raise InvalidInput(message=_("Chưa đăng ký chỉ tiêu cho các tiêu chí: %(c)s.")
                           % {"c": ", ".join(code for _pk, code in missing)},
                           details=[ErrorDetail(message=_("Thiếu chỉ tiêu của tiêu chí %(code)s.") % {"code": code},
                                                field=f"target_{pk}") for pk, code in missing])
    if not reg.campaigns.exists():
        raise invalid(_("Cần đăng ký ít nhất một phong trào thi đua của đơn vị."), field="campaigns")
    reg.status = RegistrationStatus.SUBMITTED
    reg.submitted_at = timezone.now()
    reg.submitted_by = actor if actor.pk else None
    reg.return_reason = ""
    reg.save()
    _touch_content(cy)
    audit_record(action="covenant.registration.submitted", actor=actor, obj=reg, payload={"unit": unit_id})
    return reg


def _registration_for_review(actor, registration_id: int):
    reg = Registration.objects.filter(pk=registration_id).first()
    if reg is None:
        raise NotFound()
    cy = visible_cluster_year(user=actor, cluster_year_id=reg.cluster_year_id)
    roles = roles_of(actor, cy)
    if not runs_year(roles):
        # Members see only their own registration: another member's is "not found".
        if works_for(actor, reg.unit_id):
            raise Forbidden()
        raise NotFound()
    return cy, Registration.objects.select_for_update().get(pk=reg.pk)


@transaction.atomic
def registration_return(*, actor, registration_id: int, reason: str) -> Registration:
    """The secretariat sends a submitted (or accepted, before signing) registration back with a reason."""
    cy, reg = _registration_for_review(actor, registration_id)
    _require_registration_open(cy)
    if reg.status not in (RegistrationStatus.SUBMITTED, RegistrationStatus.ACCEPTED):
        raise InvalidState(message=_("Chỉ trả lại được đăng ký đã gửi."))
    if not (reason or "").strip():
        raise invalid(_("Cần nêu lý do trả lại."), field="reason")
    reg.status = RegistrationStatus.RETURNED
    reg.return_reason = reason.strip()
    reg.reviewed_at = timezone.now()
    reg.reviewed_by = actor if actor.pk else None
    reg.save()
    _touch_content(cy)
    audit_record(action="covenant.registration.returned", actor=actor, obj=reg,
                 payload={"unit": reg.unit_id, "reason": reg.return_reason})
    return reg


@transaction.atomic
def registration_accept(*, actor, registration_id: int) -> Registration:
    cy, reg = _registration_for_review(actor, registration_id)
    _require_registration_open(cy)
    if reg.status != RegistrationStatus.SUBMITTED:
        raise InvalidState(message=_("Chỉ chấp nhận được đăng ký đã gửi."))
    reg.status = RegistrationStatus.ACCEPTED
    reg.reviewed_at = timezone.now()
    reg.reviewed_by = actor if actor.pk else None
    reg.save()
    _touch_content(cy)
    audit_record(action="covenant.registration.accepted", actor=actor, obj=reg, payload={"unit": reg.unit_id})
    return reg


# --- Documents and signatures ------------------------------------------------------------------------


def current_covenant_document(cy, cs: CriteriaSet | None = None):
    """The latest covenant document issued for the table being signed, or None."""
    from thidua.core.audit import object_ref
    from thidua.documents.models import IssuedDocument

    cs = cs or _pending_set(cy)
    if cs is None:
        return None
    object_type, object_id = object_ref(cs)
    return (IssuedDocument.objects.filter(type_key="giao_uoc", object_type=object_type, object_id=object_id)
            .order_by("-created_at", "-id").first())


def unsigned_members(cy, cs: CriteriaSet | None = None) -> list[int]:
    """Member units of the year without a signature on the current covenant document."""
    members = member_unit_ids(cy)
    doc = current_covenant_document(cy, cs)
    if doc is None:
        return members
    signed = set(Signature.objects.filter(document=doc, document_sha256=doc.docx_sha256)
                 .values_list("unit_id", flat=True))
    return [u for u in members if u not in signed]


def missing_targets(cy, cs: CriteriaSet, members: list[int]) -> dict[str, list[str]]:
    """{criterion code: [member short names]} for every quantitative criterion of `cs` that a member has no
    target for (an amendment may add such a criterion after the registrations were accepted)."""
    from thidua.organisations.models import Unit
    from thidua.organisations.selectors import annotate_as_of, year_end

    quantitative = list(Criterion.objects.filter(criteria_set=cs, method=Method.QUANTITATIVE)
                        .order_by("code").values_list("pk", "code"))
    have = set(MemberTarget.objects.filter(criterion__criteria_set=cs, unit_id__in=members)
               .values_list("criterion_id", "unit_id"))
    names = dict(annotate_as_of(Unit.objects.filter(pk__in=members), year_end(cy.year))
                 .values_list("pk", "as_of_short_name"))
    out: dict[str, list[str]] = {}
    for pk, code in quantitative:
        lacking = [str(names.get(u) or u) for u in sorted(members, key=lambda u: str(names.get(u) or u))
                   if (pk, u) not in have]
        if lacking:
            out[code] = lacking
    return out


@transaction.atomic
def covenant_document_issue(*, actor, cluster_year_id: int, with_pdf: bool = True):
    """Generate the Giao ước thi đua of the table being signed (secretariat/organiser). Needs a valid table
    and every member's registration accepted. A new issue replaces the previous one for signing."""
    from thidua.covenant.documents import covenant_spec
    from thidua.documents.services import document_issue

    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    cycle = _cycle_locked(cy)
    cs = _pending_set(cy)
    if cs is None:
        raise InvalidState(message=_("Chưa có bộ tiêu chí cho kỳ thi đua này."))
    if cs.status == CriteriaSetStatus.FROZEN:
        raise InvalidState(message=_("Giao ước đã được ký đủ; văn bản đã ký không lập lại."))
    if cs.amendment_number == 0 and cycle.state != CycleState.REGISTRATION_OPEN:
        raise InvalidState(message=_("Chỉ lập văn bản giao ước khi kỳ thi đua đang mở đăng ký."))
    errors = criteria_set_errors(cs)
    if errors:
        raise InvalidInput(message=_("Bộ tiêu chí chưa hợp lệ."), details=errors)
    members = member_unit_ids(cy)
    accepted = set(Registration.objects.filter(cluster_year=cy, status=RegistrationStatus.ACCEPTED)
                   .values_list("unit_id", flat=True))
    if set(members) - accepted:
        raise InvalidState(message=_("Còn %(n)d đơn vị thành viên chưa được chấp nhận đăng ký thi đua.")
                           % {"n": len(set(members) - accepted)})
    missing = missing_targets(cy, cs, members)
    if missing:
        raise InvalidState(
            message=_("Chưa thể lập văn bản giao ước: còn thiếu chỉ tiêu đăng ký cho tiêu chí định lượng (%(list)s).")
            % {"list": "; ".join(f"{code}: {', '.join(units)}" for code, units in missing.items())})
    spec = covenant_spec(cy=cy, cs=cs)
    doc = document_issue(actor=actor, spec=spec, obj=cs, cluster_year=cy, with_pdf=with_pdf)
    # Content is as of this document: later changes make it stale again.
    YearCycle.objects.filter(pk=cycle.pk).update(content_changed_at=doc.created_at)
    audit_record(action="covenant.document.issued", actor=actor, obj=cs,
                 payload={"document": str(doc.uid), "docx_sha256": doc.docx_sha256})
    return doc


@transaction.atomic
def plan_document_issue(*, actor, cluster_year_id: int, with_pdf: bool = True):
    """Generate the Kế hoạch (plan) of the year from the cycle's dates and the table in force."""
    from thidua.covenant.documents import plan_spec
    from thidua.covenant.selectors import current_criteria_set
    from thidua.documents.services import Numbering, cluster_scope, document_issue, document_key_of

    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    if not runs_year(roles_of(actor, cy)):
        raise Forbidden()
    cycle = _cycle_locked(cy)
    cs = current_criteria_set(cluster_year=cy)
    if cs is None:
        raise InvalidState(message=_("Chưa có bộ tiêu chí cho kỳ thi đua này."))
    # Numbered in the cluster's KH-CTĐ register, one number per year's plan (a re-issue keeps it).
    doc = document_issue(actor=actor, spec=plan_spec(cy=cy, cs=cs, cycle=cycle), obj=cycle, cluster_year=cy,
                         with_pdf=with_pdf,
                         numbering=Numbering(scope=cluster_scope(cy.cluster_id), document_key=document_key_of(cycle)))
    return doc


SCAN_MAX_BYTES = 20 * 1024 * 1024


def _scan_suffix(data: bytes) -> str | None:
    from thidua.documents.storage import SCAN_TYPES, detect_file_type

    kind = detect_file_type(data)
    return kind[1] if kind and kind[1] in SCAN_TYPES else None


@transaction.atomic
def signature_confirm(*, actor, cluster_year_id: int, unit_id: int, document_sha256: str,
                      scan: bytes | None = None, scan_name: str = "") -> Signature:
    """A member's leader confirms the covenant: records who, when and the SHA-256 of the exact document
    version. The hash given must be the current document's (a regenerated document needs a new
    signature). When every current member has signed, the table freezes and the cycle is sealed."""
    from thidua.covenant.access import leads

    cy = visible_cluster_year(user=actor, cluster_year_id=cluster_year_id)
    members = member_unit_ids(cy)
    if unit_id not in members:
        raise NotFound()
    if not leads(actor, unit_id):
        if works_for(actor, unit_id) or runs_year(roles_of(actor, cy, members)):
            raise Forbidden(message=_("Chỉ lãnh đạo của đơn vị mới ký giao ước thay mặt đơn vị."))
        raise NotFound()
    cycle = _cycle_locked(cy)
    cs = _pending_set(cy)
    if cs is None or cs.status != CriteriaSetStatus.DRAFT:
        raise InvalidState(message=_("Không có văn bản giao ước nào đang chờ ký."))
    doc = current_covenant_document(cy, cs)
    if doc is None:
        raise InvalidState(message=_("Văn bản giao ước chưa được lập."))
    if cycle.content_changed_at and doc.created_at < cycle.content_changed_at:
        raise InvalidState(message=_("Nội dung giao ước đã thay đổi sau khi lập văn bản; thư ký cụm cần lập lại văn bản."))
    if (document_sha256 or "").strip().lower() != doc.docx_sha256:
        raise Conflict(message=_("Văn bản bạn xác nhận không phải phiên bản hiện hành (mã SHA-256 khác)."))
    if Signature.objects.filter(document=doc, unit_id=unit_id).exists():
        raise Conflict(message=_("Đơn vị đã ký văn bản này."))
    scan_path = scan_hash = ""
    if scan:
        if len(scan) > SCAN_MAX_BYTES:
            raise invalid(_("Tệp bản chụp quá lớn (tối đa 20 MB)."), field="scan")
        suffix = _scan_suffix(scan)
        if suffix is None:
            raise invalid(_("Bản chụp phải là tệp PDF, PNG hoặc JPEG."), field="scan")
        from thidua.documents.storage import store_bytes

        scan_path, scan_hash = store_bytes(scan, folder="covenant-scans", suffix=suffix)
    system = actor.pk is None
    sig = Signature.objects.create(
        cluster_year=cy, unit_id=unit_id, criteria_set=cs, document=doc, document_sha256=doc.docx_sha256,
        signed_by=None if system else actor, signed_by_system=system,
        signer_name="" if system else (actor.full_name or actor.username),
        signer_position="" if system else getattr(actor, "position", ""),
        signed_at=timezone.now(), scan_path=scan_path, scan_sha256=scan_hash, scan_name=(scan_name or "")[:255])
    audit_record(action="covenant.signature.confirmed", actor=actor, obj=sig,
                 payload={"unit": unit_id, "document": str(doc.uid), "sha256": doc.docx_sha256,
                          "on_behalf_by_system": system, "scan_sha256": scan_hash})
    if not unsigned_members(cy, cs):
        _freeze(actor, cy, cs, cycle)
    return sig


def _freeze(actor, cy, cs: CriteriaSet, cycle: YearCycle) -> None:
    now = timezone.now()
    for old in CriteriaSet.objects.filter(cluster_year=cy, status=CriteriaSetStatus.FROZEN).exclude(pk=cs.pk):
        old.status = CriteriaSetStatus.SUPERSEDED
        old.save(update_fields=["status"])
        audit_record(action="covenant.criteria_set.superseded", actor=actor, obj=old, payload={"by": cs.pk})
    cs.status = CriteriaSetStatus.FROZEN
    cs.frozen_at = now
    cs.save(update_fields=["status", "frozen_at"])
    audit_record(action="covenant.criteria_set.frozen", actor=actor, obj=cs,
                 payload={"version": cs.version, "amendment": cs.amendment_number})
    if cycle.state == CycleState.REGISTRATION_OPEN:
        before = cycle.state
        cycle.state = CycleState.COVENANT_SIGNED
        cycle.last_reason = ""
        cycle.save(update_fields=["state", "last_reason", "updated_at"])
        audit_record(action="covenant.cycle.seal", actor=actor, obj=cycle,
                     payload={"from": before, "to": cycle.state, "reason": "", "automatic": True})


@transaction.atomic
def signature_attach_scan(*, actor, signature_id: int, scan: bytes, scan_name: str = "") -> Signature:
    """Attach the scan of the paper original to a signature (the member's own people or the secretariat)."""
    from thidua.documents.storage import store_bytes

    sig = Signature.objects.filter(pk=signature_id).first()
    if sig is None:
        raise NotFound()
    cy = visible_cluster_year(user=actor, cluster_year_id=sig.cluster_year_id)
    if not (works_for(actor, sig.unit_id) or runs_year(roles_of(actor, cy))):
        raise NotFound()
    if not scan:
        raise invalid(_("Chưa chọn tệp."), field="scan")
    if len(scan) > SCAN_MAX_BYTES:
        raise invalid(_("Tệp bản chụp quá lớn (tối đa 20 MB)."), field="scan")
    suffix = _scan_suffix(scan)
    if suffix is None:
        raise invalid(_("Bản chụp phải là tệp PDF, PNG hoặc JPEG."), field="scan")
    sig = Signature.objects.select_for_update().get(pk=sig.pk)
    sig.scan_path, sig.scan_sha256 = store_bytes(scan, folder="covenant-scans", suffix=suffix)
    sig.scan_name = (scan_name or "")[:255]
    sig.save(update_fields=["scan_path", "scan_sha256", "scan_name"])
    audit_record(action="covenant.signature.scan_attached", actor=actor, obj=sig, payload={"sha256": sig.scan_sha256})
    return sig
