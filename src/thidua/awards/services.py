"""Writes for awards. Every function is keyword-only, runs in one transaction, checks the caller's
permission and the current state, and records an audit entry (STYLE.md rule 2)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.awards import selectors
from thidua.awards.calendar import add_working_days
from thidua.awards.models import (
    AwardDecision,
    AwardLevel,
    AwardRecord,
    AwardType,
    BaseSalary,
    Basis,
    BlockerKind,
    BlockerRecord,
    DutyRating,
    Nomination,
    NominationDocument,
    NominationSource,
    NominationState,
    Person,
    RecipientKind,
    RecordSource,
    RuleOverride,
    Status,
)
from thidua.awards.rulesets import ruleset_for_year, ruleset_get
from thidua.awards.workflow import TRANSITIONS
from thidua.core.audit import audit_record
from thidua.core.errors import Conflict, ErrorDetail, InvalidInput, InvalidState, NotFound, invalid
from thidua.core.permissions import require_perm

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Signed scans: PDF or images, recognised by their first bytes (the name and declared type are not trusted).
DECISION_NUMBER = re.compile(r"^\d{1,6}/[0-9A-Za-zĐđ\-]{2,30}$")


def _unit(unit_id: int):
    from thidua.organisations.models import Unit

    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    return unit


def _catalogue_ready() -> None:
    """The catalogue comes with the data migration; after a database flush (transactional tests) it is
    empty until reloaded from the versioned file: reload it rather than refuse every nomination."""
    if not AwardType.objects.exists():
        from thidua.awards.catalogue import sync_catalogue
        from thidua.awards.models import Holiday

        sync_catalogue(AwardType, BaseSalary, Holiday)


def _year_ok(year, field="year") -> None:
    """An achievement year: from 1945 to the current year (a year that has not begun has no achievement)."""
    this_year = date.today().year
    if not isinstance(year, int) or isinstance(year, bool) or not (1945 <= year <= this_year):
        raise invalid(_("Năm phải từ 1945 đến năm hiện tại (%(y)d).") % {"y": this_year}, field=field)


def _decision_date_problems(decision_date: date, *, year: int | None = None, not_before: date | None = None,
                            future: bool = True) -> list[str]:
    """Why a decision date cannot be right: in the future, before the achievement year, or before the dossier was
    sent."""
    out = []
    if future and decision_date > date.today():
        out.append(_("Ngày quyết định không được sau hôm nay."))
    # A decision in the achievement year itself is normal for year-end titles decided in December; before it, never.
    if year is not None and decision_date.year < year:
        out.append(_("Ngày quyết định (%(d)s) không được trước năm thành tích %(y)d.")
                   % {"d": decision_date.strftime("%d/%m/%Y"), "y": year})
    if not_before is not None and decision_date < not_before:
        out.append(_("Ngày quyết định (%(d)s) không được trước ngày gửi hồ sơ (%(s)s).")
                   % {"d": decision_date.strftime("%d/%m/%Y"), "s": not_before.strftime("%d/%m/%Y")})
    return out


def _submitted_on(n) -> date | None:
    """The date the dossier was last sent (recorded by the submit service in the audit log)."""
    from thidua.core.selectors import audit_entries_for_object

    entry = audit_entries_for_object(obj=n).filter(action="awards.nomination.submit").first()
    if entry is None:
        return None
    raw = (entry.payload or {}).get("on")
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else timezone.localdate(entry.created_at)
    except ValueError:
        return timezone.localdate(entry.created_at)


# --- Catalogue ---------------------------------------------------------------------------------------------

EDITABLE = ("name", "proposer", "decider", "legal_basis", "status", "cash_multiple_collective",
            "cash_multiple_individual", "cash_legal_basis", "cash_status", "valid_from", "valid_to")


@transaction.atomic
def award_type_update(*, actor, code: str, **changes) -> AwardType:
    """The central board corrects a catalogue entry (e.g. a cash multiple once confirmed)."""
    require_perm(actor, "awards.manage_catalogue")
    at = AwardType.objects.select_for_update().filter(code=code).first()
    if at is None:
        raise NotFound()
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise invalid(_("Không được sửa trường: %(f)s.") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    errors = []
    for f in ("status", "cash_status"):
        if f in changes and changes[f] not in Status.values:
            errors.append(ErrorDetail(message=_("Mức xác nhận không hợp lệ."), field=f))
    for f in ("cash_multiple_collective", "cash_multiple_individual"):
        if changes.get(f) is not None:
            try:
                value = Decimal(str(changes[f]))
            except InvalidOperation:
                value = Decimal(-1)
            if value < 0 or value > 1000:
                errors.append(ErrorDetail(message=_("Hệ số phải là số từ 0 đến 1000."), field=f))
            else:
                changes[f] = value
    if "name" in changes and not str(changes["name"]).strip():
        errors.append(ErrorDetail(message=_("Cần nhập tên."), field="name"))
    if "legal_basis" in changes and not str(changes["legal_basis"]).strip():
        errors.append(ErrorDetail(message=_("Cần ghi căn cứ pháp lý."), field="legal_basis"))
    if errors:
        raise InvalidInput(details=errors)
    before = {f: getattr(at, f) for f in changes}
    for f, v in changes.items():
        setattr(at, f, v)
    at.save()
    audit_record(action="awards.award_type.updated", actor=actor, obj=at, payload={"before": before, "after": changes})
    return at


@transaction.atomic
def base_salary_set(*, actor, valid_from: date, amount_vnd: int, legal_basis: str,
                    status: str = Status.VERIFIED) -> BaseSalary:
    require_perm(actor, "awards.manage_catalogue")
    if not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise invalid(_("Mức lương cơ sở phải là số nguyên dương (đồng/tháng)."), field="amount_vnd")
    if not (legal_basis or "").strip():
        raise invalid(_("Cần ghi căn cứ pháp lý."), field="legal_basis")
    if status not in Status.values:
        raise invalid(_("Mức xác nhận không hợp lệ."), field="status")
    if BaseSalary.objects.filter(valid_from=valid_from).exists():
        raise Conflict(message=_("Đã có mức lương cơ sở áp dụng từ ngày này."))
    bs = BaseSalary.objects.create(valid_from=valid_from, amount_vnd=amount_vnd, legal_basis=legal_basis.strip(),
                                   status=status)
    audit_record(action="awards.base_salary.set", actor=actor, obj=bs,
                 payload={"valid_from": valid_from, "amount_vnd": amount_vnd, "legal_basis": legal_basis})
    return bs


OVERRIDE_ACTIONS = ("flag", "refuse")
# What a rule is about (which award, which organisers) is part of its identity, not a setting.
FIXED_PARAMS = ("award", "organiser")


def overridable_params(rule) -> dict:
    return {k: v for k, v in rule.params.items() if k not in FIXED_PARAMS}


def _check_override_params(rule, params) -> dict:
    """Each parameter keeps the shape it has in the rule-set file (a count stays a count, a list of award
    codes stays a list of catalogue codes)."""
    if not isinstance(params, dict) or not params:
        raise invalid(_("Cần ít nhất một tham số, ví dụ {\"max_count\": 2}."), field="params")
    unknown = set(params) - set(overridable_params(rule))
    if unknown:
        raise invalid(_("Tham số không thuộc quy tắc: %(p)s.") % {"p": ", ".join(sorted(unknown))}, field="params")
    codes = None
    errors = []
    for key, value in params.items():
        original = rule.params[key]
        if isinstance(original, bool):
            ok = isinstance(value, bool)
            msg = _("Tham số %(p)s phải là true hoặc false.")
        elif original is None or isinstance(original, int):
            ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1000)
            msg = _("Tham số %(p)s phải là số nguyên từ 0 đến 1000, hoặc null (không giới hạn).")
        elif isinstance(original, list):
            if codes is None:
                codes = set(AwardType.objects.values_list("code", flat=True))
            known = codes if key == "awards" else None
            ok = isinstance(value, list) and all(isinstance(v, str) and (known is None or v in known) for v in value)
            msg = (_("Tham số %(p)s phải là danh sách mã trong danh mục khen thưởng.") if key == "awards"
                   else _("Tham số %(p)s phải là danh sách chuỗi."))
        elif key == "action":
            ok = value in OVERRIDE_ACTIONS
            msg = _("Tham số %(p)s phải là \"flag\" (đánh dấu) hoặc \"refuse\" (từ chối).")
        else:
            ok = isinstance(value, str) and bool(value.strip())
            msg = _("Tham số %(p)s phải là một chuỗi khác rỗng.")
        if not ok:
            errors.append(ErrorDetail(message=str(msg) % {"p": key}, field="params"))
    if errors:
        raise InvalidInput(details=errors)
    return params


def _unconfirmed_rule(ruleset_code: str, rule_code: str):
    try:
        rs = ruleset_get(ruleset_code, with_overrides=False)
    except LookupError as exc:
        raise NotFound() from exc
    rule = rs.rule(rule_code)
    if rule is None:
        raise NotFound()
    if rule.status != "UNCONFIRMED":
        raise InvalidState(message=_("Chỉ được thiết lập các quy tắc chưa xác nhận; quy tắc này có căn cứ %(s)s.")
                           % {"s": rule.status})
    return rule


@transaction.atomic
def rule_override_set(*, actor, ruleset_code: str, rule_code: str, params: dict, legal_basis: str,
                      reason: str = "") -> RuleOverride:
    """Configure an UNCONFIRMED rule (e.g. the number of PM Certificates per cluster), with the basis shown as
    its citation and the reason for setting it. VERIFIED and HISTORIC rules come from the text of the law and
    are changed only by a new rule-set file."""
    require_perm(actor, "awards.manage_catalogue")
    rule = _unconfirmed_rule(ruleset_code, rule_code)
    params = _check_override_params(rule, params)
    errors = []
    if not (legal_basis or "").strip():
        errors.append(ErrorDetail(message=_("Cần ghi căn cứ của thiết lập."), field="legal_basis"))
    elif len(legal_basis.strip()) > 255:
        errors.append(ErrorDetail(message=_("Căn cứ tối đa 255 ký tự."), field="legal_basis"))
    if not (reason or "").strip():
        errors.append(ErrorDetail(message=_("Cần ghi lý do thiết lập."), field="reason"))
    if errors:
        raise InvalidInput(details=errors)
    before = RuleOverride.objects.filter(ruleset_code=ruleset_code, rule_code=rule_code).first()
    before_params = dict(before.params) if before else None
    obj, _created = RuleOverride.objects.update_or_create(
        ruleset_code=ruleset_code, rule_code=rule_code,
        defaults={"params": params, "legal_basis": legal_basis.strip(), "reason": reason.strip(),
                  "set_by": actor if actor.pk else None})
    audit_record(action="awards.rule_override.set", actor=actor, obj=obj,
                 payload={"ruleset": ruleset_code, "rule": rule_code, "params": params, "before": before_params,
                          "file_params": {k: rule.params[k] for k in params}, "legal_basis": legal_basis,
                          "reason": reason})
    return obj


@transaction.atomic
def rule_override_clear(*, actor, ruleset_code: str, rule_code: str, reason: str) -> None:
    """Go back to the rule-set file's parameters (audited, with the reason)."""
    require_perm(actor, "awards.manage_catalogue")
    _unconfirmed_rule(ruleset_code, rule_code)
    obj = RuleOverride.objects.select_for_update().filter(ruleset_code=ruleset_code, rule_code=rule_code).first()
    if obj is None:
        raise NotFound()
    if not (reason or "").strip():
        raise invalid(_("Cần ghi lý do thiết lập."), field="reason")
    audit_record(action="awards.rule_override.cleared", actor=actor, obj=obj,
                 payload={"ruleset": ruleset_code, "rule": rule_code, "params": obj.params, "reason": reason})
    obj.delete()


# --- Registry: persons, ratings, blockers, award history ---------------------------------------------------


def _check_national_id(value: str) -> str:
    value = (value or "").strip()
    if value and not re.fullmatch(r"\d{12}", value):
        raise invalid(_("Số định danh cá nhân gồm đúng 12 chữ số."), field="national_id")
    return value


@transaction.atomic
def person_create(*, actor, full_name: str, unit_id: int, national_id: str = "", birth_date: date | None = None,
                  position: str = "") -> Person:
    unit = _unit(unit_id)
    require_perm(actor, "awards.manage_registry", unit)
    if not (full_name or "").strip():
        raise invalid(_("Cần nhập họ và tên."), field="full_name")
    nid = _check_national_id(national_id)
    _check_birth_date(birth_date)
    if nid and Person.objects.filter(national_id=nid).exists():
        raise Conflict(message=_("Số định danh cá nhân này đã có trong danh sách."))
    p = Person.objects.create(full_name=full_name.strip(), unit=unit, national_id=nid, birth_date=birth_date,
                              position=position.strip())
    audit_record(action="awards.person.created", actor=actor, obj=p,
                 payload={"unit": unit.code, "has_national_id": bool(nid)})  # never the number itself
    return p


def _check_birth_date(value) -> None:
    if value is not None and not (date(1900, 1, 1) <= value <= date.today()):
        raise invalid(_("Ngày sinh không hợp lệ (từ 01/01/1900 đến hôm nay)."), field="birth_date")


PERSON_EDITABLE = ("full_name", "national_id", "birth_date", "position")


@transaction.atomic
def person_update(*, actor, person_id: int, **changes) -> Person:
    """Correct a person's record. The audit says which fields changed, never the national ID itself."""
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    require_perm(actor, "awards.manage_person", person)
    unknown = set(changes) - set(PERSON_EDITABLE)
    if unknown:
        raise invalid(_("Không được sửa trường: %(f)s.") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    if "full_name" in changes:
        changes["full_name"] = (changes["full_name"] or "").strip()
        if not changes["full_name"]:
            raise invalid(_("Cần nhập họ và tên."), field="full_name")
    if "national_id" in changes:
        changes["national_id"] = _check_national_id(changes["national_id"])
        if changes["national_id"] and Person.objects.filter(national_id=changes["national_id"]).exclude(
                pk=person.pk).exists():
            raise Conflict(message=_("Số định danh cá nhân này đã có trong danh sách."))
    if "birth_date" in changes:
        _check_birth_date(changes["birth_date"])
    if "position" in changes:
        changes["position"] = (changes["position"] or "").strip()
    return _save_changes(actor=actor, obj=person, changes=changes, action="awards.person.updated",
                         secret=("national_id",))


def _save_changes(*, actor, obj, changes: dict, action: str, secret: tuple[str, ...] = ()):
    """Save the fields whose value changes and audit which changed, with their values before and after (never
    the values of `secret` fields). Nothing changed: nothing saved, nothing audited."""
    changed = [f for f, v in changes.items() if getattr(obj, f) != v]
    if not changed:
        return obj
    shown = [f for f in changed if f not in secret]
    before = {f: getattr(obj, f) for f in shown}
    for f in changed:
        setattr(obj, f, changes[f])
    obj.save(update_fields=changed)
    audit_record(action=action, actor=actor, obj=obj,
                 payload={"changed": sorted(changed), "before": before, "after": {f: changes[f] for f in shown}})
    return obj


@transaction.atomic
def collective_facts_set(*, actor, unit_id: int, year: int, members: int, members_completed: int,
                         members_advanced: int, members_cstd_grassroots: int, tasks_excellent: bool,
                         unity: bool = True):
    """The figures Tập thể lao động xuất sắc is judged on, for one collective and year (created or corrected)."""
    from thidua.awards.models import CollectiveYearFacts

    unit = _unit(unit_id)
    require_perm(actor, "awards.manage_registry", unit)
    _year_ok(year)
    counts = {"members": members, "members_completed": members_completed, "members_advanced": members_advanced,
              "members_cstd_grassroots": members_cstd_grassroots}
    errors = []
    for f, v in counts.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > 10_000_000:
            errors.append(ErrorDetail(message=_("Phải là số nguyên không âm."), field=f))
    if not errors:
        if members < 1:
            errors.append(ErrorDetail(message=_("Tập thể phải có ít nhất 1 thành viên."), field="members"))
        if members_completed > members:
            errors.append(ErrorDetail(message=_("Số hoàn thành nhiệm vụ không được vượt tổng số thành viên."),
                                      field="members_completed"))
        if members_advanced > members_completed:
            errors.append(ErrorDetail(message=_("Số đạt Lao động tiên tiến không được vượt số hoàn thành nhiệm vụ."),
                                      field="members_advanced"))
        if members_cstd_grassroots > members_advanced:
            errors.append(ErrorDetail(message=_("Số đạt Chiến sĩ thi đua cơ sở không được vượt số đạt Lao động tiên "
                                                "tiến."), field="members_cstd_grassroots"))
    if errors:
        raise InvalidInput(details=errors)
    values = {**counts, "tasks_excellent": bool(tasks_excellent), "unity": bool(unity)}
    existing = CollectiveYearFacts.objects.select_for_update().filter(unit=unit, year=year).first()
    before = {f: getattr(existing, f) for f in values} if existing else None
    obj, _created = CollectiveYearFacts.objects.update_or_create(unit=unit, year=year, defaults=values)
    audit_record(action="awards.collective_facts.set", actor=actor, obj=obj,
                 payload={"unit": unit.code, "year": year, "before": before, "after": values})
    return obj


@transaction.atomic
def household_create(*, actor, head_name: str, address: str, unit_id: int, note: str = ""):
    """Register a household (hộ gia đình) managed by a unit, so that it can be proposed for the forms of
    commendation the catalogue allows for households."""
    from thidua.awards.models import Household

    unit = _unit(unit_id)
    require_perm(actor, "awards.manage_registry", unit)
    errors = []
    if not (head_name or "").strip():
        errors.append(ErrorDetail(message=_("Cần nhập họ và tên chủ hộ."), field="head_name"))
    if not (address or "").strip():
        errors.append(ErrorDetail(message=_("Cần nhập địa chỉ của hộ."), field="address"))
    if errors:
        raise InvalidInput(details=errors)
    h = Household.objects.create(head_name=head_name.strip()[:150], address=address.strip()[:255], unit=unit,
                                 note=(note or "").strip()[:255])
    audit_record(action="awards.household.created", actor=actor, obj=h,
                 payload={"unit": unit.code, "head_name": h.head_name, "address": h.address})
    return h


HOUSEHOLD_EDITABLE = ("head_name", "address", "note")


@transaction.atomic
def household_update(*, actor, household_id: int, **changes):
    """Correct a household's head, address or note (the managing unit changes only by a new registration, as
    a person's unit does). Audited with the fields before and after."""
    from thidua.awards.models import Household

    h = Household.objects.select_for_update().filter(pk=household_id).first()
    if h is None:
        raise NotFound()
    require_perm(actor, "awards.manage_household", h)
    unknown = set(changes) - set(HOUSEHOLD_EDITABLE)
    if unknown:
        raise invalid(_("Không được sửa trường: %(f)s.") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    changes = {f: " ".join(str(v or "").split()) for f, v in changes.items()}
    errors = []
    if "head_name" in changes:
        if not changes["head_name"]:
            errors.append(ErrorDetail(message=_("Cần nhập họ và tên chủ hộ."), field="head_name"))
        elif len(changes["head_name"]) > 150:
            errors.append(ErrorDetail(message=_("Họ và tên chủ hộ tối đa 150 ký tự."), field="head_name"))
    if "address" in changes:
        if not changes["address"]:
            errors.append(ErrorDetail(message=_("Cần nhập địa chỉ của hộ."), field="address"))
        elif len(changes["address"]) > 255:
            errors.append(ErrorDetail(message=_("Địa chỉ tối đa 255 ký tự."), field="address"))
    if "note" in changes and len(changes["note"]) > 255:
        errors.append(ErrorDetail(message=_("Ghi chú tối đa 255 ký tự."), field="note"))
    if errors:
        raise InvalidInput(details=errors)
    return _save_changes(actor=actor, obj=h, changes=changes, action="awards.household.updated")


@transaction.atomic
def duty_rating_set(*, actor, person_id: int, year: int, rating: int) -> DutyRating:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    require_perm(actor, "awards.manage_person", person)
    _year_ok(year)
    if rating not in DutyRating.Rating.values:
        raise invalid(_("Xếp loại không hợp lệ."), field="rating")
    obj, created = DutyRating.objects.update_or_create(person=person, year=year, defaults={"rating": rating})
    audit_record(action="awards.duty_rating.set", actor=actor, obj=obj, payload={"year": year, "rating": rating})
    return obj


@transaction.atomic
def blocker_record(*, actor, kind: str, starts_on: date, unit_id: int | None = None, person_id: int | None = None,
                   ends_on: date | None = None, reference: str = "", note: str = "",
                   household_id: int | None = None) -> BlockerRecord:
    """Record discipline, an investigation, inspection, audit, complaint or press report (NĐ 152/2025)."""
    from thidua.awards.models import Household

    require_perm(actor, "awards.record_blocker")
    if kind not in BlockerKind.values:
        raise invalid(_("Loại không hợp lệ."), field="kind")
    if sum(bool(x) for x in (unit_id, person_id, household_id)) != 1:
        raise invalid(_("Chọn một tập thể hoặc một cá nhân."), field="unit")
    if unit_id:
        _unit(unit_id)
    elif household_id:
        if not Household.objects.filter(pk=household_id).exists():
            raise NotFound()
    elif not Person.objects.filter(pk=person_id).exists():
        raise NotFound()
    if ends_on is not None and ends_on < starts_on:
        raise invalid(_("Ngày kết thúc không được trước ngày bắt đầu."), field="ends_on")
    b = BlockerRecord.objects.create(kind=kind, unit_id=unit_id, person_id=person_id, household_id=household_id,
                                     starts_on=starts_on, ends_on=ends_on, reference=reference.strip(),
                                     note=note.strip())
    audit_record(action="awards.blocker.recorded", actor=actor, obj=b,
                 payload={"kind": kind, "unit": unit_id, "person": person_id, "household": household_id,
                          "starts_on": starts_on,
                          "ends_on": ends_on, "reference": reference})
    return b


@transaction.atomic
def blocker_close(*, actor, blocker_id: int, ends_on: date, reference: str = "") -> BlockerRecord:
    require_perm(actor, "awards.record_blocker")
    b = BlockerRecord.objects.select_for_update().filter(pk=blocker_id).first()
    if b is None:
        raise NotFound()
    if ends_on < b.starts_on:
        raise invalid(_("Ngày kết thúc không được trước ngày bắt đầu."), field="ends_on")
    before = b.ends_on
    b.ends_on = ends_on
    if reference:
        b.reference = f"{b.reference}; {reference}".strip("; ")
    b.save(update_fields=["ends_on", "reference"])
    audit_record(action="awards.blocker.closed", actor=actor, obj=b, payload={"before": before, "ends_on": ends_on})
    return b


def _register(*, actor, award: AwardType, year: int, unit_id, person_id, decision_number: str, decision_date: date,
              signer: str, basis: str, source: str, nomination=None, achievement: str = "",
              note: str = "", household_id: int | None = None) -> AwardRecord:
    try:
        with transaction.atomic():
            rec = AwardRecord.objects.create(award_type=award, year=year, unit_id=unit_id, person_id=person_id,
                                             household_id=household_id,
                                             basis=basis, decision_number=decision_number, decision_date=decision_date,
                                             signer=signer, source=source, nomination=nomination,
                                             achievement=achievement[:255], note=note[:255])
    except IntegrityError as exc:
        raise Conflict(message=_("Thành tích năm %(y)d đã được ghi nhận %(a)s (một thành tích chỉ khen một lần, "
                                 "Luật Thi đua, khen thưởng Điều 5 khoản 2).") % {"y": year, "a": award.name}) from exc
    audit_record(action="awards.record.registered", actor=actor, obj=rec,
                 payload={"award": award.code, "year": year, "unit": unit_id, "person": person_id,
                          "household": household_id, "decision": decision_number, "decision_date": decision_date, "source": source})
    return rec


@transaction.atomic
def award_record_register(*, actor, award_code: str, year: int, decision_number: str, decision_date: date,
                          unit_id: int | None = None, person_id: int | None = None, signer: str = "",
                          basis: str = Basis.MERIT, note: str = "") -> AwardRecord:
    """Register an award received by a decision taken outside the system (history)."""
    require_perm(actor, "awards.import_history")
    award = selectors.award_type_get(code=award_code)
    _year_ok(year)
    if bool(unit_id) == bool(person_id):
        raise invalid(_("Chọn một tập thể hoặc một cá nhân."), field="unit")
    if unit_id:
        _unit(unit_id)
    elif not Person.objects.filter(pk=person_id).exists():
        raise NotFound()
    if basis not in Basis.values:
        raise invalid(_("Loại khen thưởng không hợp lệ."), field="basis")
    if not DECISION_NUMBER.match((decision_number or "").strip()):
        raise invalid(_("Số quyết định có dạng 231/QĐ-TTg."), field="decision_number")
    if not isinstance(decision_date, date):
        raise invalid(_("Cần nhập ngày quyết định."), field="decision_date")
    problems = _decision_date_problems(decision_date, year=year)
    if problems:
        raise InvalidInput(details=[ErrorDetail(message=str(m), field="decision_date") for m in problems])
    return _register(actor=actor, award=award, year=year, unit_id=unit_id, person_id=person_id,
                     decision_number=decision_number.strip(), decision_date=decision_date, signer=signer.strip(),
                     basis=basis, source=RecordSource.DECISION, note=note)


IMPORT_COLUMNS = ["Loại đối tượng", "Mã đơn vị", "Họ và tên", "Số định danh", "Mã danh hiệu", "Năm",
                  "Loại khen thưởng", "Số quyết định", "Ngày quyết định", "Người ký", "Địa chỉ hộ gia đình"]
# Files made before households could be imported have the first ten columns only; they are still accepted.
IMPORT_REQUIRED_COLUMNS = IMPORT_COLUMNS[:10]
IMPORT_KINDS = {"tập thể": RecipientKind.COLLECTIVE, "cá nhân": RecipientKind.INDIVIDUAL,
                "hộ gia đình": RecipientKind.HOUSEHOLD}


def _import_header_ok(header) -> bool:
    cells = [str(c or "").strip() for c in header]
    if cells[:len(IMPORT_REQUIRED_COLUMNS)] != IMPORT_REQUIRED_COLUMNS:
        return False
    extra = [c for c in cells[len(IMPORT_REQUIRED_COLUMNS):len(IMPORT_COLUMNS)] if c]
    return not extra or extra == IMPORT_COLUMNS[len(IMPORT_REQUIRED_COLUMNS):]


def _household_key(unit_id: int, head_name: str, address: str) -> tuple:
    """A household is known by its head and address within the unit that manages it (case and spacing do
    not make another household)."""
    return unit_id, " ".join(head_name.split()).casefold(), " ".join(address.split()).casefold()


def _import_code(value, units: dict) -> str:
    """A unit code as text. A code typed as a number in Excel lost its leading zeros ("01" became 1): it is
    taken back when exactly one unit's code differs from it only by leading zeros."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = str(value if value is not None else "").strip()
    if isinstance(value, int) and not isinstance(value, bool) and code not in units:
        matches = [c for c in units if c.isdigit() and c.lstrip("0") == code.lstrip("0")]
        if len(matches) == 1:
            return matches[0]
    return code


def _import_date(value) -> date | None:
    """A date cell: an Excel date, or text as 30/08/2021 (the Vietnamese way) or 2021-08-30."""
    from datetime import datetime

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def history_import_template() -> bytes:
    """The .xlsx to fill in: the header row and one example row per kind of nominee."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Lich su khen thuong"
    ws.append(IMPORT_COLUMNS)
    merit = str(Basis.MERIT.label)
    ws.append(["Tập thể", "01", None, None, "co-thi-dua-cap-bo-tinh", 2018, merit, "12/QĐ-UBND", "15/01/2019",
               "Chủ tịch", None])
    ws.append(["Cá nhân", "01", "Nguyễn Văn A", "001090000001", "chien-si-thi-dua-co-so", 2023, merit,
               "45/QĐ-UBND", "10/01/2024", "Giám đốc", None])
    ws.append(["Hộ gia đình", "01", "Trần Văn B", None, "giay-khen", 2022, merit, "78/QĐ-UBND", "01/02/2023",
               "Chủ tịch", "Thôn 1, xã X"])
    # Codes, ID numbers and dates typed as text (a code "01" must not become the number 1).
    for col in ("B", "D", "I"):
        ws.column_dimensions[col].number_format = "@"
        for row in range(1, ws.max_row + 1):
            ws[f"{col}{row}"].number_format = "@"
    for col, width in zip("ABCDEFGHIJK", (16, 12, 24, 16, 28, 8, 18, 16, 16, 16, 28), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@transaction.atomic
def history_import_excel(*, actor, content: bytes) -> dict:
    """Import award history from an .xlsx (columns IMPORT_COLUMNS; the last, the household's address, may be
    left out of files without households). Every row is checked first; any error rejects the whole file with
    row, column and reason, and nothing is saved.

    Nominees: a collective is the unit of "Mã đơn vị"; a person is found by national ID (created in that unit
    if new); a household by its head ("Họ và tên") and address within the unit (created if new)."""
    require_perm(actor, "awards.import_history")
    import openpyxl

    from thidua.awards.models import Household
    from thidua.organisations.models import Unit

    if len(content) > MAX_UPLOAD_BYTES:
        raise invalid(_("Tệp quá lớn (tối đa 10 MB)."), field="file")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file
        raise invalid(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."), field="file") from exc
    rows = list(wb.active.iter_rows(values_only=True))
    if not rows or not _import_header_ok(rows[0]):
        raise invalid(_("Dòng tiêu đề phải là: %(c)s (cột cuối chỉ cần khi có hộ gia đình).")
                      % {"c": ", ".join(IMPORT_COLUMNS)}, field="file")
    awards = {a.code: a for a in AwardType.objects.all()}
    units = dict(Unit.objects.values_list("code", "pk"))
    # Only the households of the units the file's household rows name (one query, not the whole registry).
    household_units = set()
    for r in rows[1:]:
        cells = list(r) + [None, None]
        if IMPORT_KINDS.get(" ".join(str(cells[0] or "").split()).lower()) == RecipientKind.HOUSEHOLD:
            code = _import_code(cells[1], units)
            if code in units:
                household_units.add(units[code])
    households: dict[tuple, list[int]] = {}
    for h in Household.objects.filter(unit_id__in=household_units).values("pk", "unit_id", "head_name", "address"):
        households.setdefault(_household_key(h["unit_id"], h["head_name"], h["address"]), []).append(h["pk"])
    errors: list[ErrorDetail] = []
    parsed = []
    seen = set()
    bases = {str(label).lower(): value for value, label in Basis.choices} | {v: v for v in Basis.values}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue
        cells = dict(zip(IMPORT_COLUMNS, list(row) + [None] * len(IMPORT_COLUMNS), strict=False))

        def err(col, msg, n=n):
            errors.append(ErrorDetail(message=str(msg), row=n, column=col))

        kind = IMPORT_KINDS.get(" ".join(str(cells["Loại đối tượng"] or "").split()).lower())
        if kind is None:
            err("Loại đối tượng", _("Phải là 'Tập thể', 'Cá nhân' hoặc 'Hộ gia đình'."))
        unit_code = _import_code(cells["Mã đơn vị"], units)
        if unit_code not in units:
            err("Mã đơn vị", _("Không có đơn vị mã %(c)s.") % {"c": unit_code or "—"})
        award = awards.get(str(cells["Mã danh hiệu"] or "").strip())
        if award is None:
            err("Mã danh hiệu", _("Không có trong danh mục khen thưởng."))
        elif kind and kind not in award.recipient_kinds:
            err("Mã danh hiệu", _("%(a)s không tặng cho đối tượng này.") % {"a": award.name})
        this_year = date.today().year
        try:
            year = int(cells["Năm"])
            if not 1945 <= year <= this_year:
                raise ValueError
        except (TypeError, ValueError):
            year = None
            err("Năm", _("Năm không hợp lệ (từ 1945 đến năm hiện tại %(y)d).") % {"y": this_year})
        basis = bases.get(str(cells["Loại khen thưởng"] or "merit").strip().lower())
        if basis is None:
            err("Loại khen thưởng", _("Loại khen thưởng không hợp lệ."))
        number = str(cells["Số quyết định"] or "").strip()
        if not DECISION_NUMBER.match(number):
            err("Số quyết định", _("Số quyết định có dạng 231/QĐ-TTg."))
        ddate = _import_date(cells["Ngày quyết định"])
        if ddate is None:
            err("Ngày quyết định", _("Ngày không hợp lệ (dạng 30/08/2021)."))
        else:
            for m in _decision_date_problems(ddate, year=year):
                err("Ngày quyết định", m)
        name = " ".join(str(cells["Họ và tên"] or "").split())
        nid = str(cells["Số định danh"] or "").strip()
        address = " ".join(str(cells["Địa chỉ hộ gia đình"] or "").split())
        if kind == RecipientKind.INDIVIDUAL:
            if not name:
                err("Họ và tên", _("Cần nhập họ và tên."))
            if not re.fullmatch(r"\d{12}", nid):
                err("Số định danh", _("Số định danh cá nhân gồm đúng 12 chữ số."))
        if kind == RecipientKind.HOUSEHOLD:
            if not name:
                err("Họ và tên", _("Cần nhập họ và tên chủ hộ."))
            elif len(name) > 150:
                err("Họ và tên", _("Họ và tên chủ hộ tối đa 150 ký tự."))
            if not address:
                err("Địa chỉ hộ gia đình", _("Cần nhập địa chỉ của hộ."))
            elif len(address) > 255:
                err("Địa chỉ hộ gia đình", _("Địa chỉ tối đa 255 ký tự."))
            if nid:
                # The household is known by its head and address; an ID number here would be kept nowhere.
                err("Số định danh", _("Để trống với hộ gia đình (hộ được nhận biết bằng chủ hộ và địa chỉ)."))
            if name and address and unit_code in units and len(
                    households.get(_household_key(units[unit_code], name, address), [])) > 1:
                err("Địa chỉ hộ gia đình", _("Đơn vị có nhiều hộ cùng chủ hộ và địa chỉ này; sửa danh sách hộ gia "
                                             "đình trước khi nhập."))
        elif address:
            err("Địa chỉ hộ gia đình", _("Chỉ ghi địa chỉ với hộ gia đình."))
        if kind == RecipientKind.HOUSEHOLD:
            who = _household_key(0, name, address)[1:]
        else:
            who = (nid,)
        key = (kind, unit_code, *who, award.code if award else None, year)
        if key in seen:
            err("Mã danh hiệu", _("Trùng với một dòng phía trên (một thành tích chỉ khen một lần)."))
        seen.add(key)
        parsed.append((n, kind, unit_code, name, nid, address, award, year, basis, number, ddate,
                       str(cells["Người ký"] or "")))
    if not parsed and not errors:
        raise invalid(_("Tệp không có dòng dữ liệu nào."), field="file")
    if errors:
        raise InvalidInput(message=_("Tệp có %(n)d lỗi; chưa lưu dòng nào.") % {"n": len(errors)}, details=errors)
    created = 0
    new_households = 0
    conflicts: list[ErrorDetail] = []
    for n, kind, unit_code, name, nid, address, award, year, basis, number, ddate, signer in parsed:
        unit_id, person_id, household_id = units[unit_code], None, None
        if kind == RecipientKind.INDIVIDUAL:
            person = Person.objects.filter(national_id=nid).first()
            if person is None:
                person = Person.objects.create(full_name=name, national_id=nid, unit_id=unit_id)
            unit_id, person_id = None, person.pk
        elif kind == RecipientKind.HOUSEHOLD:
            hkey = _household_key(unit_id, name, address)
            if not households.get(hkey):
                h = Household.objects.create(head_name=name, address=address, unit_id=unit_id)
                audit_record(action="awards.household.created", actor=actor, obj=h,
                             payload={"unit": unit_code, "head_name": name, "address": address, "source": "import",
                                      "row": n})
                households[hkey] = [h.pk]
                new_households += 1
            unit_id, household_id = None, households[hkey][0]
        try:
            _register(actor=actor, award=award, year=year, unit_id=unit_id, person_id=person_id,
                      household_id=household_id, decision_number=number, decision_date=ddate, signer=signer,
                      basis=basis, source=RecordSource.IMPORT)
        except Conflict as exc:
            # Already in the history: every such row is reported, then the whole import is refused (the
            # transaction is rolled back) so the file can be corrected and re-sent.
            conflicts.append(ErrorDetail(message=str(exc.message), row=n, column="Mã danh hiệu"))
            continue
        created += 1
    if conflicts:
        raise InvalidInput(message=_("Tệp có %(n)d lỗi; chưa lưu dòng nào.") % {"n": len(conflicts)},
                           details=conflicts)
    audit_record(action="awards.history.imported", actor=actor, obj=None,
                 payload={"rows": created, "new_households": new_households})
    return {"rows": created}


# --- Nominations -------------------------------------------------------------------------------------------


def _level_for(award: AwardType) -> str:
    return award.level


def _flag_duplicates(n: Nomination, actor) -> None:
    """Same nominee, same award and year proposed twice (duplicate); and the same nominee and year proposed for
    another award the rule set's "one achievement rewarded once" covers (overlap, with its citation)."""
    dups = list(selectors.duplicates_of(n).values_list("pk", flat=True))
    if dups:
        Nomination.objects.filter(pk__in=[*dups, n.pk]).update(duplicate_flag=True)
        n.duplicate_flag = True
        audit_record(action="awards.nomination.duplicate_flagged", actor=actor, obj=n, payload={"others": dups})
    overlaps = selectors.overlaps_of(n)
    if overlaps:
        others = [o["id"] for o in overlaps]
        rule = overlaps[0]["rule"]
        Nomination.objects.filter(pk__in=[*others, n.pk]).update(overlap_flag=True)
        n.overlap_flag = True
        audit_record(action="awards.nomination.overlap_flagged", actor=actor, obj=n,
                     payload={"others": others, "rule": rule.code, "action": rule.get("action"),
                              "legal_basis": rule.legal_basis})


@transaction.atomic
def nomination_create(*, actor, award_code: str, year: int, proposing_unit_id: int, nominee_unit_id: int | None = None,
                      nominee_person_id: int | None = None, nominee_household_id: int | None = None,
                      achievement: str = "") -> Nomination:
    """A unit proposes its own collective (itself), one of its people or a household it manages."""
    from thidua.awards.models import Household

    award = selectors.award_type_get(code=award_code)
    unit = _unit(proposing_unit_id)
    require_perm(actor, "awards.propose_for_unit", unit)
    _year_ok(year)
    if sum(bool(x) for x in (nominee_unit_id, nominee_person_id, nominee_household_id)) != 1:
        raise invalid(_("Chọn một tập thể, một cá nhân hoặc một hộ gia đình được đề nghị."), field="nominee")
    if nominee_household_id:
        household = Household.objects.filter(pk=nominee_household_id).first()
        if household is None or household.unit_id != unit.pk:
            raise invalid(_("Đơn vị chỉ đề nghị cho hộ gia đình do đơn vị mình quản lý."), field="nominee")
        kind = RecipientKind.HOUSEHOLD
    elif nominee_person_id:
        person = Person.objects.filter(pk=nominee_person_id).first()
        if person is None or person.unit_id != unit.pk:
            raise invalid(_("Đơn vị chỉ đề nghị cho cá nhân thuộc đơn vị mình."), field="nominee")
        kind = RecipientKind.INDIVIDUAL
    else:
        if nominee_unit_id != unit.pk:
            raise invalid(_("Đơn vị chỉ đề nghị cho tập thể của mình."), field="nominee")
        kind = RecipientKind.COLLECTIVE
    if kind not in award.recipient_kinds:
        raise invalid(_("%(a)s không tặng cho đối tượng này.") % {"a": award.name}, field="award")
    n = Nomination.objects.create(award_type=award, year=year, source=NominationSource.UNIT, level=_level_for(award),
                                  proposing_unit=unit, nominee_unit_id=nominee_unit_id,
                                  nominee_person_id=nominee_person_id, nominee_household_id=nominee_household_id,
                                  achievement=achievement.strip(), created_by=actor if actor.pk else None)
    audit_record(action="awards.nomination.created", actor=actor, obj=n,
                 payload={"award": award.code, "year": year, "proposing_unit": unit.code,
                          "nominee_unit": nominee_unit_id, "nominee_person": nominee_person_id,
                          "nominee_household": nominee_household_id})
    _flag_duplicates(n, actor)
    return n


@transaction.atomic
def nomination_create_from_conference(*, actor, cluster_year_id: int, unit_id: int, award_code: str,
                                      vote_summary: dict, minutes_document_id: int | None) -> Nomination:
    """A confirmed proposal of the cluster's review conference becomes a nomination of the member unit
    (the city's chair proposes it, Law Đ83 k4). Idempotent for the same cluster-year, unit and award."""
    from thidua.organisations.models import ClusterMembership, ClusterYear
    from thidua.organisations.selectors import is_secretariat, member_in_year

    _catalogue_ready()
    cy = ClusterYear.objects.select_related("cluster__organiser").filter(pk=cluster_year_id).first()
    if cy is None:
        raise NotFound()
    if not (actor.has_perm("organisations.manage_clusteryear", cy) or is_secretariat(actor, cy)
            or actor.has_perm("awards.process_nomination")):
        from thidua.core.errors import Forbidden

        raise Forbidden()
    award = selectors.award_type_get(code=award_code)
    if RecipientKind.COLLECTIVE not in award.recipient_kinds:
        raise invalid(_("%(a)s không tặng cho tập thể.") % {"a": award.name}, field="award_code")
    if not ClusterMembership.objects.filter(member_in_year(cy.year), cluster_id=cy.cluster_id, unit_id=unit_id).exists():
        raise invalid(_("Đơn vị không phải thành viên của cụm trong năm %(y)d.") % {"y": cy.year}, field="unit_id")
    existing = Nomination.objects.filter(cluster_year=cy, nominee_unit_id=unit_id, award_type=award).exclude(
        state=NominationState.WITHDRAWN).first()
    if existing is not None:
        return existing
    minutes = None
    if minutes_document_id:
        from thidua.documents.models import IssuedDocument

        minutes = IssuedDocument.objects.filter(pk=minutes_document_id).first()
        if minutes is None:
            raise invalid(_("Không tìm thấy biên bản hội nghị."), field="minutes_document_id")
    quota = selectors.proposal_quota(cluster_year=cy, award_code=award.code)
    if quota.max_count is not None:
        taken = Nomination.objects.filter(cluster_year=cy, award_type=award).exclude(state=NominationState.WITHDRAWN).count()
        if taken >= quota.max_count:
            raise Conflict(message=_("Cụm đã đủ %(m)d đề nghị %(a)s cho năm %(y)d (%(b)s).")
                           % {"m": quota.max_count, "a": award.name, "y": cy.year, "b": quota.legal_basis})
    n = Nomination.objects.create(award_type=award, year=cy.year, source=NominationSource.CONFERENCE,
                                  level=AwardLevel.GOVERNMENT if award.level == AwardLevel.GOVERNMENT else award.level,
                                  cluster_year=cy, proposing_unit_id=unit_id, nominee_unit_id=unit_id,
                                  vote_summary=dict(vote_summary or {}), minutes_document=minutes,
                                  created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(action="awards.nomination.created_from_conference", actor=actor, obj=n,
                 payload={"cluster_year": cy.pk, "unit": unit_id, "award": award.code, "vote_summary": vote_summary,
                          "minutes_document": minutes_document_id, "quota": quota.max_count,
                          "quota_basis": quota.legal_basis})
    _flag_duplicates(n, actor)
    return n


def _locked(actor, nomination_id: int) -> Nomination:
    n = selectors.nomination_get(user=actor, pk=nomination_id)
    return Nomination.objects.select_for_update(of=("self",)).select_related(
        "award_type", "proposing_unit", "nominee_unit", "nominee_person", "nominee_household",
        "cluster_year__cluster__organiser").get(pk=n.pk)


def _names(n: Nomination) -> tuple[str, str]:
    from thidua.organisations.models import Unit
    from thidua.organisations.selectors import annotate_as_of

    on = date(n.year, 12, 31)
    names = dict(annotate_as_of(Unit.objects.filter(pk__in=[n.proposing_unit_id, n.nominee_unit_id or 0]), on)
                 .values_list("pk", "as_of_name"))
    proposer = names.get(n.proposing_unit_id) or n.proposing_unit.code
    nominee = selectors.nominee_label(n, names)
    return proposer, nominee


# How a body signs and numbers its documents (NĐ 30/2020/NĐ-CP, Phụ lục I), by kind of unit in the registry.
# People's Committees of provinces and centrally governed cities sign "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" under
# the symbol UBND; a department (Sở) signs as its director under its own abbreviation (TTr-STC). Place names:
# organisations.selectors.place_name.
DEPARTMENT_KINDS = ("so-nganh",)


def _abbreviation(name: str) -> str:
    """Initials of a body's short name as used in document symbols: "Sở Tài chính" → "STC"."""
    import unicodedata

    letters = []
    for word in name.replace("–", " ").replace("-", " ").split():
        ch = word[0]
        if ch.isalpha():
            ch = "D" if ch in "Đđ" else unicodedata.normalize("NFD", ch)[0]
            letters.append(ch.upper())
    return "".join(letters) or "CQ"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


@dataclass(frozen=True)
class IssuerProfile:
    name: str            # the issuing body's name in the year, e.g. "Sở Tài chính thành phố Cần Thơ"
    parent: str | None   # heading line above the issuer (the body it belongs to), capitals
    issuer: str          # the issuer's heading line(s), capitals
    code: str            # abbreviation in the symbol: UBND, STC…
    place: str           # place name of the date line (NĐ 30/2020)
    authority: str       # "TM. ỦY BAN NHÂN DÂN" or "" (a head signing in their own name)
    title: str           # CHỦ TỊCH, GIÁM ĐỐC, THỦ TRƯỞNG CƠ QUAN
    province: str | None  # full name of the province or city the body belongs to ("Thành phố Cần Thơ")


def _issuer_profile(unit_id: int, on: date) -> IssuerProfile:
    """Heading, symbol, place and signature of the documents a unit issues, from its version in force on the date
    and the versions of the bodies above it (no administrative level is assumed)."""
    from thidua.organisations.selectors import CENTRAL_PLACE, PEOPLES_COMMITTEE_KINDS, place_name, version_on

    v = version_on(unit_id, on)
    if v is None:
        raise NotFound()
    kind = v.kind.code if v.kind_id else ""
    chain, seen, cur = [], {unit_id}, v
    while cur is not None and cur.parent_id and cur.parent_id not in seen:
        seen.add(cur.parent_id)
        cur = version_on(cur.parent_id, on)
        if cur is not None:
            chain.append(cur)
    province = v if kind in PEOPLES_COMMITTEE_KINDS else next(
        (p for p in chain if p.kind_id and p.kind.code in PEOPLES_COMMITTEE_KINDS), None)
    place = place_name(province.name) if province else CENTRAL_PLACE
    if kind in PEOPLES_COMMITTEE_KINDS:
        return IssuerProfile(name=f"Ủy ban nhân dân {_lower_first(v.name)}", parent=None,
                             issuer=f"ỦY BAN NHÂN DÂN\n{v.name.upper()}", code="UBND", place=place,
                             authority="TM. ỦY BAN NHÂN DÂN", title="CHỦ TỊCH", province=province.name)
    parent = chain[0] if chain else None
    parent_line = None
    if parent is not None:
        parent_line = (f"ỦY BAN NHÂN DÂN {parent.name.upper()}" if parent.kind_id
                       and parent.kind.code in PEOPLES_COMMITTEE_KINDS else parent.name.upper())
    short = v.short_name or v.name
    title = "GIÁM ĐỐC" if kind in DEPARTMENT_KINDS else "THỦ TRƯỞNG CƠ QUAN"
    return IssuerProfile(name=v.name, parent=parent_line, issuer=short.upper(), code=_abbreviation(short),
                         place=place, authority="", title=title, province=province.name if province else None)


def _addressee(n: Nomination, profile: IssuerProfile) -> str:
    """The body that decides the award (catalogue level), named for the proposer's province when it is local."""
    level = n.award_type.level
    if level in (AwardLevel.GOVERNMENT, AwardLevel.STATE):
        return "Thủ tướng Chính phủ"
    if level == AwardLevel.MINISTRY_PROVINCE and profile.province:
        return f"Chủ tịch Ủy ban nhân dân {_lower_first(profile.province)}"
    return n.award_type.decider or "Thủ trưởng cơ quan, đơn vị"


def _draft_spec(n: Nomination, kind: str, on: date):
    from thidua.documents.spec import BulletList, Heading, OfficialDocument, Paragraph, SignatureBlock, Table

    _proposer, nominee = _names(n)
    profile = _issuer_profile(n.proposing_unit_id, on)  # the body as it is on the document's date
    proposer = profile.name
    place = profile.place
    issuer = profile.issuer
    rs = ruleset_for_year(n.year)
    votes = n.vote_summary or {}
    vote_line = None
    if votes.get("votes") is not None:
        vote_line = (f"Kết quả bỏ phiếu kín của Cụm ({votes.get('title', '')}): {votes['votes']}/"
                     f"{votes.get('basis_count', '?')} phiếu, ngưỡng {votes.get('threshold', '?')}.")
    elif votes:
        parts = [f"{k}: {v}" for k, v in votes.items() if not isinstance(v, (dict, list))]
        vote_line = "Kết quả bình xét của Cụm: " + "; ".join(parts)
    signature = SignatureBlock(authority=profile.authority, title=profile.title, name="")
    if kind == "to_trinh":
        blocks = [
            Paragraph(f"Kính gửi: {_addressee(n, profile)}.", indent=False, align="center"),
            Paragraph(f"Căn cứ {rs.title_on(on)};"),
        ]
        if n.cluster_year_id:
            blocks.append(Paragraph(f"Căn cứ kết quả bình xét, suy tôn của {n.cluster_year.cluster.name} năm {n.year};"))
        blocks.append(Paragraph(f"{proposer} kính trình đề nghị tặng {n.award_type.name} cho {nominee} "
                                f"đã có thành tích xuất sắc trong năm {n.year}."))
        if vote_line:
            blocks.append(Paragraph(vote_line))
        blocks.append(Paragraph("(Có báo cáo thành tích và các thành phần hồ sơ kèm theo.)", italic=True))
        return OfficialDocument(issuer_parent=profile.parent, issuer=issuer, type_key="to_trinh", number=None,
                                issuer_code=profile.code,
                                place=place, date=on, title="TỜ TRÌNH",
                                subtitle=f"Về việc đề nghị tặng {n.award_type.name}", blocks=blocks,
                                signatures=[signature], recipients=["Như trên", "Lưu: VT, TĐKT"])
    rows = [["1", "Năm thành tích", str(n.year)], ["2", "Hình thức đề nghị", n.award_type.name],
            ["3", "Căn cứ", n.award_type.legal_basis]]
    blocks = [Heading("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", 1),
              Paragraph(f"{nominee}."),
              Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC", 1),
              Paragraph(n.achievement or "(Đơn vị bổ sung thành tích cụ thể, số liệu so với chỉ tiêu đăng ký.)"),
              Table(columns=["TT", "Nội dung", "Thông tin"], rows=rows, widths_mm=[15, 60, 90],
                    aligns=["center", "left", "left"])]
    if vote_line:
        blocks += [Heading("III. KẾT QUẢ BÌNH XÉT CỦA CỤM", 1), BulletList([vote_line])]
    return OfficialDocument(issuer_parent=profile.parent, issuer=issuer, type_key="bao_cao", number=None,
                            issuer_code=profile.code,
                            place=place, date=on, title="BÁO CÁO THÀNH TÍCH",
                            subtitle=f"Đề nghị tặng {n.award_type.name} năm {n.year}", blocks=blocks,
                            signatures=[signature], recipients=["Lưu: VT, TĐKT"])


@transaction.atomic
def nomination_generate_drafts(*, actor, nomination_id: int, on: date | None = None,
                               with_pdf: bool = False) -> list[NominationDocument]:
    """Draft the Tờ trình and the Báo cáo thành tích from the nomination's data (to edit, sign and upload)."""
    n = _locked(actor, nomination_id)
    require_perm(actor, "awards.edit_nomination", n)
    if n.state not in (NominationState.DRAFT, NominationState.RETURNED):
        raise InvalidState(message=_("Chỉ lập dự thảo khi hồ sơ đang soạn hoặc bị trả lại."))
    from thidua.documents.models import Audience
    from thidua.documents.services import document_issue

    made = []
    for req in selectors.dossier_requirements(n):
        if not req["generated"]:
            continue
        spec = _draft_spec(n, req["generated"], on or date.today())
        doc = document_issue(actor=actor, spec=spec, obj=n, cluster_year=n.cluster_year, unit=n.proposing_unit,
                             audience=Audience.UNIT, with_pdf=with_pdf)
        made.append(NominationDocument.objects.create(nomination=n, requirement=req["code"], issued_document=doc,
                                                      uploaded_by=actor if actor.pk else None))
    audit_record(action="awards.nomination.drafts_generated", actor=actor, obj=n,
                 payload={"documents": [d.issued_document_id for d in made]})
    return made


TO_TRINH = "to_trinh"


def _to_trinh_numbering(n: Nomination):
    """The proposing unit's register ("unit:<id>", symbol "TTr-UBND", calendar year of the document's date),
    as the Tờ trình of this nomination: every issue of it carries the same number."""
    from thidua.documents.services import Numbering, document_key_of, unit_scope

    return Numbering(scope=unit_scope(n.proposing_unit_id), document_key=document_key_of(n, "to-trinh"))


@transaction.atomic
def nomination_issue_to_trinh(*, actor, nomination_id: int, on: date | None = None,
                              with_pdf: bool = False) -> NominationDocument:
    """Issue the Tờ trình of a nomination (to be signed, then its scan uploaded): generated from the data like
    the draft, but registered with a number in the proposing unit's register ("Số: 05/TTr-UBND"). Drafts
    stay unnumbered. A re-issue (the dossier was corrected, e.g. after a return) is the same document: it
    keeps its number and its date, whatever day it is re-issued."""
    n = _locked(actor, nomination_id)
    require_perm(actor, "awards.edit_nomination", n)
    if n.state not in (NominationState.DRAFT, NominationState.RETURNED):
        raise InvalidState(message=_("Chỉ ban hành Tờ trình khi hồ sơ đang soạn hoặc bị trả lại."))
    if TO_TRINH not in {r["code"] for r in selectors.dossier_requirements(n)}:
        raise InvalidState(message=_("Hồ sơ của hình thức này không có Tờ trình."))
    from thidua.documents.models import Audience
    from thidua.documents.services import document_issue

    numbering = _to_trinh_numbering(n)
    first = (NominationDocument.objects.filter(nomination=n, requirement=TO_TRINH,
                                               issued_document__register_entry__document_key=numbering.document_key)
             .select_related("issued_document").order_by("created_at", "pk").first())
    issued_on = first.issued_document.issued_on if first else (on or timezone.localdate())
    spec = _draft_spec(n, TO_TRINH, issued_on)
    doc = document_issue(actor=actor, spec=spec, obj=n, cluster_year=n.cluster_year, unit=n.proposing_unit,
                         audience=Audience.UNIT, with_pdf=with_pdf, numbering=numbering)
    made = NominationDocument.objects.create(nomination=n, requirement=TO_TRINH, issued_document=doc,
                                             uploaded_by=actor if actor.pk else None)
    audit_record(action="awards.nomination.to_trinh_issued", actor=actor, obj=n,
                 payload={"document": doc.pk, "number": doc.symbol, "issued_on": issued_on, "reissue": bool(first)})
    return made


@transaction.atomic
def nomination_upload_document(*, actor, nomination_id: int, requirement: str, filename: str,
                               content: bytes) -> NominationDocument:
    """Attach a signed scan (PDF, PNG or JPEG, at most 10 MB), stored outside the web root under a generated name."""
    from thidua.documents.storage import store_bytes

    n = _locked(actor, nomination_id)
    require_perm(actor, "awards.edit_nomination", n)
    if n.state not in (NominationState.DRAFT, NominationState.RETURNED):
        raise InvalidState(message=_("Chỉ bổ sung hồ sơ khi đang soạn hoặc bị trả lại."))
    if requirement not in {r["code"] for r in selectors.dossier_requirements(n)}:
        raise invalid(_("Thành phần hồ sơ không thuộc danh mục của hình thức này."), field="requirement")
    if not content:
        raise invalid(_("Tệp rỗng."), field="file")
    if len(content) > MAX_UPLOAD_BYTES:
        raise invalid(_("Tệp quá lớn (tối đa 10 MB)."), field="file")
    from thidua.documents.storage import SCAN_TYPES, detect_file_type

    kind = detect_file_type(content)
    if kind is None or kind[1] not in SCAN_TYPES:
        raise invalid(_("Chỉ nhận bản quét PDF, PNG hoặc JPEG."), field="file")
    content_type, suffix = kind
    path, sha = store_bytes(content, folder="awards", suffix=suffix)
    doc = NominationDocument.objects.create(nomination=n, requirement=requirement, file_path=path, sha256=sha,
                                            original_name=(filename or "")[:255], content_type=content_type,
                                            size=len(content), signed=True, uploaded_by=actor if actor.pk else None)
    audit_record(action="awards.nomination.document_uploaded", actor=actor, obj=n,
                 payload={"requirement": requirement, "sha256": sha, "size": len(content), "type": content_type})
    return doc


def _public_comment_rule(n: Nomination):
    rules = ruleset_for_year(n.year).by_kind("public_comment")
    rule = rules[0] if rules else None
    if rule and n.award_type.code in (rule.get("awards") or []) and int(rule.get("working_days") or 0) > 0:
        return rule
    return None


def public_comment_applies(n: Nomination) -> bool:
    """Whether the rule set in force for the dossier's year posts this award for public comment."""
    try:
        return _public_comment_rule(n) is not None
    except LookupError:
        return False


def _clear_duplicate_flags(n: Nomination, actor) -> None:
    """A withdrawn dossier is no longer a duplicate of anyone: clear the flag of the dossiers (itself included)
    that have no other live duplicate left."""
    from thidua.awards.selectors import duplicates_of

    group = [n, *Nomination.objects.filter(pk__in=Nomination.objects.filter(
        award_type_id=n.award_type_id, year=n.year, duplicate_flag=True).exclude(pk=n.pk).values("pk"))]
    cleared = []
    for other in group:
        if not other.duplicate_flag:
            continue
        if other.pk == n.pk or not duplicates_of(other).exists():
            cleared.append(other.pk)
    if cleared:
        Nomination.objects.filter(pk__in=cleared).update(duplicate_flag=False)
        n.duplicate_flag = n.duplicate_flag and n.pk not in cleared
        audit_record(action="awards.nomination.duplicate_cleared", actor=actor, obj=n, payload={"cleared": cleared})


def _transition(*, actor, nomination_id: int, action: str, reason: str = "", on: date | None = None,
                payload: dict | None = None, check=None, apply=None) -> Nomination:
    t = TRANSITIONS[action]
    n = _locked(actor, nomination_id)
    require_perm(actor, t.perm, n if t.who == "proposer" else None)
    if n.state not in t.sources:
        raise InvalidState(message=_("Không thể %(a)s khi hồ sơ ở trạng thái “%(s)s”.")
                           % {"a": str(t.label).lower(), "s": n.get_state_display()})
    if t.needs_reason and not (reason or "").strip():
        raise invalid(_("Cần ghi rõ lý do."), field="reason")
    if check:
        check(n)
    before = n.state
    n.state = t.target
    if apply:
        apply(n)
    n.save()
    audit_record(action=f"awards.nomination.{action}", actor=actor, obj=n,
                 payload={"from": before, "to": n.state, "reason": reason, **(payload or {})})
    return n


def submission_problems(n: Nomination, *, on: date) -> tuple[list[ErrorDetail], dict]:
    """Why a dossier cannot be submitted: missing checklist items and the rules that block the nominee."""
    problems = []
    for item in selectors.checklist(n):
        if item.required and not item.done:
            problems.append(ErrorDetail(message=_("Thiếu thành phần hồ sơ: %(t)s (%(b)s).")
                                        % {"t": item.title, "b": item.legal_basis}, field=item.code))
    verdict = selectors.eligibility_check(award_code=n.award_type.code, year=n.year, unit_id=n.nominee_unit_id,
                                          person_id=n.nominee_person_id, household_id=n.nominee_household_id,
                                          cluster_year=n.cluster_year, on=on,
                                          exclude_nomination_id=n.pk, vote_summary=n.vote_summary,
                                          conference_winner=n.source == NominationSource.CONFERENCE)
    for r in verdict.reasons:
        if not r.ok:
            problems.append(ErrorDetail(message=f"{r.message} — {r.citation}", field="eligibility"))
    return problems, verdict.as_dict()


@transaction.atomic
def nomination_submit(*, actor, nomination_id: int, on: date | None = None) -> Nomination:
    """Send the dossier: refused, with every reason, while the checklist is incomplete or a rule blocks."""
    on = on or date.today()
    snapshot = {}

    def check(n):
        problems, verdict = submission_problems(n, on=on)
        if problems:
            raise InvalidInput(message=_("Chưa gửi được hồ sơ: %(n)d vấn đề cần xử lý.") % {"n": len(problems)},
                               details=problems)
        snapshot.update(verdict)

    def apply(n):
        n.eligibility = snapshot
        n.returned_reason = ""

    return _transition(actor=actor, nomination_id=nomination_id, action="submit", check=check, apply=apply,
                       payload={"on": on})


@transaction.atomic
def nomination_withdraw(*, actor, nomination_id: int, reason: str) -> Nomination:
    n = _transition(actor=actor, nomination_id=nomination_id, action="withdraw", reason=reason)
    _clear_duplicate_flags(n, actor)
    return n


@transaction.atomic
def nomination_return(*, actor, nomination_id: int, reason: str) -> Nomination:
    def apply(n):
        n.returned_reason = reason.strip()

    return _transition(actor=actor, nomination_id=nomination_id, action="return", reason=reason, apply=apply)


@transaction.atomic
def nomination_receive(*, actor, nomination_id: int) -> Nomination:
    return _transition(actor=actor, nomination_id=nomination_id, action="receive")


@transaction.atomic
def nomination_appraise(*, actor, nomination_id: int, note: str = "") -> Nomination:
    def apply(n):
        n.appraisal_note = note.strip()

    return _transition(actor=actor, nomination_id=nomination_id, action="appraise", apply=apply,
                       payload={"note": note})


@transaction.atomic
def nomination_open_comment(*, actor, nomination_id: int, on: date | None = None) -> Nomination:
    """Post the nominee for public comment for the rule's number of working days (NĐ 152/2025 Đ60 k3)."""
    on = on or date.today()
    days = {}

    def check(n):
        rule = _public_comment_rule(n)
        if rule is None:
            raise InvalidState(message=_("Hình thức này không phải lấy ý kiến nhân dân theo bộ quy tắc áp dụng."))
        days["n"], days["basis"] = int(rule.get("working_days")), rule.legal_basis

    def apply(n):
        # The period starts the day after the posting (Bộ luật Dân sự Điều 147): the posting day is not counted.
        n.comment_from = on
        n.comment_until = add_working_days(on + timedelta(days=1), days["n"])

    return _transition(actor=actor, nomination_id=nomination_id, action="open_comment", check=check, apply=apply,
                       payload={"from": on, "working_days": days.get("n")})


@transaction.atomic
def nomination_submit_pm(*, actor, nomination_id: int, on: date | None = None) -> Nomination:
    on = on or date.today()

    def check(n):
        if n.state == NominationState.APPRAISED and _public_comment_rule(n) is not None:
            raise InvalidState(message=_("Cần lấy ý kiến nhân dân trước khi trình (%(b)s).")
                               % {"b": _public_comment_rule(n).legal_basis})
        if n.state == NominationState.PUBLIC_COMMENT and n.comment_until and on <= n.comment_until:
            raise InvalidState(message=_("Chưa hết thời hạn lấy ý kiến (đến hết ngày %(d)s).")
                               % {"d": n.comment_until.strftime("%d/%m/%Y")})

    return _transition(actor=actor, nomination_id=nomination_id, action="submit_pm", check=check, payload={"on": on})


def _check_decision(number: str, decision_date, signer: str) -> list[ErrorDetail]:
    errors = []
    if not DECISION_NUMBER.match(number):
        errors.append(ErrorDetail(message=_("Số quyết định có dạng 231/QĐ-TTg."), field="decision_number"))
    if not (signer or "").strip():
        errors.append(ErrorDetail(message=_("Cần ghi người ký quyết định."), field="signer"))
    if decision_date is None:
        errors.append(ErrorDetail(message=_("Cần nhập ngày quyết định."), field="decision_date"))
    elif decision_date > date.today():
        errors.append(ErrorDetail(message=_("Ngày quyết định không được sau hôm nay."), field="decision_date"))
    return errors


def _decision_fits(n: Nomination, decision_date: date) -> list[str]:
    """The decision date against this dossier: not before its achievement year, nor before it was sent."""
    # (a date in the future is reported once, by _check_decision)
    return _decision_date_problems(decision_date, year=n.year, not_before=_submitted_on(n), future=False)


def _decision_for(*, actor, number: str, decision_date: date, signer: str, note: str) -> AwardDecision:
    """The decision, recorded once: the same number and date again is the same decision (and must have the
    same signer)."""
    d = AwardDecision.objects.select_for_update().filter(number=number, decision_date=decision_date).first()
    if d is not None:
        if d.signer != signer:
            raise Conflict(message=_("Quyết định %(n)s ngày %(d)s đã được ghi nhận với người ký “%(s)s”.")
                           % {"n": number, "d": decision_date.strftime("%d/%m/%Y"), "s": d.signer})
        return d
    d = AwardDecision.objects.create(number=number, decision_date=decision_date, signer=signer, note=note[:255],
                                     recorded_by=actor if actor.pk else None)
    audit_record(action="awards.decision.recorded", actor=actor, obj=d,
                 payload={"number": number, "decision_date": decision_date, "signer": signer, "note": note})
    return d


@transaction.atomic
def nomination_decide(*, actor, nomination_id: int, decision_number: str, decision_date: date, signer: str,
                      note: str = "") -> Nomination:
    """Record the decision (e.g. "231/QĐ-TTg") and register the award into the nominee's history."""
    number = (decision_number or "").strip()
    errors = _check_decision(number, decision_date, signer)
    if errors:
        raise InvalidInput(details=errors)

    def check(n):
        problems = _decision_fits(n, decision_date)
        if problems:
            raise InvalidInput(details=[ErrorDetail(message=str(m), field="decision_date") for m in problems])

    def apply(n):
        decision = _decision_for(actor=actor, number=number, decision_date=decision_date, signer=signer.strip(),
                                 note=note.strip())
        _record_decision(actor=actor, n=n, decision=decision, note=note.strip())

    return _transition(actor=actor, nomination_id=nomination_id, action="decide", check=check, apply=apply,
                       payload={"decision_number": number, "decision_date": decision_date, "signer": signer})


def _record_decision(*, actor, n: Nomination, decision: AwardDecision, note: str) -> None:
    """Write the decision onto the nomination and register the award into the nominee's history (one path for
    a single decision and for one decision covering several nominations)."""
    n.decision = decision
    n.decision_number, n.decision_date, n.decision_signer = decision.number, decision.decision_date, decision.signer
    n.decision_note = note[:255]
    _register(actor=actor, award=n.award_type, year=n.year, unit_id=n.nominee_unit_id,
              person_id=n.nominee_person_id, household_id=n.nominee_household_id, decision_number=decision.number,
              decision_date=decision.decision_date, signer=decision.signer, basis=Basis.MERIT,
              source=RecordSource.NOMINATION, nomination=n, achievement=n.achievement, note=n.decision_note)


MAX_DECISION_NOMINATIONS = 500


@transaction.atomic
def decision_apply(*, actor, nomination_ids: list[int], decision_number: str, decision_date: date, signer: str,
                   note: str = "") -> AwardDecision:
    """One decision for several nominations (a decision usually lists many collectives and persons): every
    nomination must be at "submitted to the Prime Minister"; each is decided and its award registered into the
    history, all in one transaction. Any problem refuses the whole, with one reason per nomination."""
    require_perm(actor, "awards.process_nomination")
    number = (decision_number or "").strip()
    signer = (signer or "").strip()
    note = (note or "").strip()
    errors = _check_decision(number, decision_date, signer)
    ids = list(dict.fromkeys(int(i) for i in nomination_ids or []))
    if not ids:
        errors.append(ErrorDetail(message=_("Chọn ít nhất một hồ sơ."), field="nominations"))
    elif len(ids) > MAX_DECISION_NOMINATIONS:
        errors.append(ErrorDetail(message=_("Một lần ghi nhận tối đa %(m)d hồ sơ.") % {"m": MAX_DECISION_NOMINATIONS},
                                  field="nominations"))
    if errors:
        raise InvalidInput(details=errors)
    visible = selectors.nominations_for(user=actor).filter(pk__in=ids).values("pk")
    locked = {n.pk: n for n in Nomination.objects.select_for_update(of=("self",)).select_related(
        "award_type", "nominee_unit", "nominee_person", "nominee_household").filter(pk__in=visible).order_by("pk")}
    selectors.nominations_page_rows(list(locked.values()))
    problems = []
    for pk in ids:
        n = locked.get(pk)
        if n is None:
            problems.append(ErrorDetail(message=_("Không tìm thấy hồ sơ số %(n)d.") % {"n": pk}, field="nominations"))
        elif n.state != NominationState.SUBMITTED_PM:
            problems.append(ErrorDetail(
                message=_("Hồ sơ số %(n)d (%(a)s – %(w)s, năm %(y)d) đang ở trạng thái “%(s)s”, chưa ở bước đã trình "
                          "Thủ tướng Chính phủ.") % {"n": pk, "a": n.award_type.name, "w": n.nominee_name,
                                                    "y": n.year, "s": n.get_state_display()},
                field="nominations"))
        else:
            for m in _decision_fits(n, decision_date):
                problems.append(ErrorDetail(message=_("Hồ sơ số %(n)d (%(w)s, năm %(y)d): %(m)s")
                                            % {"n": pk, "w": n.nominee_name, "y": n.year, "m": m},
                                            field="nominations"))
    if problems:
        raise InvalidState(message=_("Chưa ghi nhận quyết định: %(k)d hồ sơ không hợp lệ; không hồ sơ nào được "
                                     "cập nhật.") % {"k": len(problems)}, details=problems)
    decision = _decision_for(actor=actor, number=number, decision_date=decision_date, signer=signer, note=note)
    conflicts = []
    for pk in ids:
        n = locked[pk]
        n.state = NominationState.DECIDED
        try:
            _record_decision(actor=actor, n=n, decision=decision, note=note)
        except Conflict as exc:
            conflicts.append(ErrorDetail(message=_("Hồ sơ số %(n)d: %(m)s") % {"n": pk, "m": exc.message},
                                         field="nominations"))
            continue
        n.save()
        audit_record(action="awards.nomination.decide", actor=actor, obj=n,
                     payload={"from": NominationState.SUBMITTED_PM, "to": n.state, "decision": decision.pk,
                              "decision_number": number, "decision_date": decision_date, "signer": signer,
                              "batch": ids})
    if conflicts:
        raise Conflict(message=_("Chưa ghi nhận quyết định: %(k)d hồ sơ đã có khen thưởng cho cùng thành tích; "
                                 "không hồ sơ nào được cập nhật.") % {"k": len(conflicts)}, details=conflicts)
    audit_record(action="awards.decision.applied", actor=actor, obj=decision, payload={"nominations": ids})
    return decision


@transaction.atomic
def nomination_mark_awarded(*, actor, nomination_id: int, awarded_on: date | None = None) -> Nomination:
    def apply(n):
        n.awarded_on = awarded_on or timezone.localdate()

    return _transition(actor=actor, nomination_id=nomination_id, action="award", apply=apply)


SERVICE_FOR_ACTION = {
    "submit": nomination_submit, "withdraw": nomination_withdraw, "return": nomination_return,
    "receive": nomination_receive, "appraise": nomination_appraise, "open_comment": nomination_open_comment,
    "submit_pm": nomination_submit_pm, "decide": nomination_decide, "award": nomination_mark_awarded,
}
