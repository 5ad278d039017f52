"""Reads for awards: catalogue, cash, rule-derived quotas and blockers, eligibility verdicts, nominations
(scoped to the caller), award history of units (following mergers as of a date) and persons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from thidua.accounts.selectors import grants_for
from thidua.awards import eligibility as elig
from thidua.awards.models import (
    AwardRecord,
    AwardType,
    BaseSalary,
    BlockerKind,
    BlockerRecord,
    CollectiveYearFacts,
    Household,
    Nomination,
    NominationDocument,
    NominationState,
    Person,
    RecipientKind,
)
from thidua.awards.rulesets import RuleSet, ruleset_for_year, ruleset_on
from thidua.core.errors import NotFound
from thidua.organisations.selectors import annotate_as_of, cluster_years_for, unit_lineage_ids

# --- Catalogue and cash ----------------------------------------------------------------------------------


def catalogue_list(*, on: date | None = None) -> QuerySet[AwardType]:
    """The catalogue is public reference data (every signed-in user may read it)."""
    qs = AwardType.objects.all()
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return qs.order_by("sort_order", "code")


def award_type_get(*, code: str) -> AwardType:
    at = AwardType.objects.filter(code=code).first()
    if at is None:
        raise NotFound()
    return at


def base_salary_on(on: date) -> BaseSalary | None:
    return BaseSalary.objects.filter(valid_from__lte=on).order_by("-valid_from").first()


@dataclass(frozen=True)
class Cash:
    amount_vnd: int | None
    multiple: Decimal | None
    base_salary_vnd: int | None
    legal_basis: str
    status: str


def cash_for(*, award: AwardType, recipient_kind: str, on: date) -> Cash:
    """Cash = multiple × base salary in force on the date (rounded to the đồng). Status is the weaker of
    the two sources (an UNCONFIRMED multiple or base salary makes the amount UNCONFIRMED)."""
    multiple = award.cash_multiple_collective if recipient_kind == RecipientKind.COLLECTIVE else award.cash_multiple_individual
    salary = base_salary_on(on)
    if multiple is None or salary is None:
        return Cash(None, multiple, salary.amount_vnd if salary else None, award.cash_legal_basis, award.cash_status)
    amount = int((Decimal(salary.amount_vnd) * multiple).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    order = ["VERIFIED", "HISTORIC", "UNCONFIRMED"]
    status = max(award.cash_status, salary.status, key=order.index)
    return Cash(amount, multiple, salary.amount_vnd, f"{award.cash_legal_basis}; {salary.legal_basis}", status)


# --- Rule-derived contracts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    max_count: int | None
    legal_basis: str
    status: str  # "VERIFIED" | "HISTORIC" | "UNCONFIRMED"


def _quota_rule(rs: RuleSet, cluster_year, award_code: str):
    central = cluster_year.cluster.organiser.code in rs.central_organisers
    wanted = "central" if central else "other"
    for rule in rs.for_award("cluster_quota", award_code):
        if rule.get("organiser", "any") in (wanted, "any"):
            return rule
    return None


def proposal_quota(*, cluster_year, award_code: str) -> Quota:
    """How many of an award a cluster may propose for its year, from the rule set in force for the year."""
    rs = ruleset_for_year(cluster_year.year)
    rule = _quota_rule(rs, cluster_year, award_code)
    if rule is None:
        return Quota(max_count=None, legal_basis="", status="UNCONFIRMED")
    mc = rule.get("max_count")
    return Quota(max_count=int(mc) if mc is not None else None, legal_basis=rule.legal_basis, status=rule.status)


@dataclass(frozen=True)
class Blocker:
    reason: str
    citation: str
    record_id: int
    kind: str = ""
    status: str = ""


def _blocker_rule(on: date):
    try:
        rs = ruleset_on(on)
    except LookupError:
        return None
    rules = rs.by_kind("blockers")
    return rules[0] if rules else None


def _blockers(qs: QuerySet[BlockerRecord], on: date) -> list[Blocker]:
    rule = _blocker_rule(on)
    kinds = set(rule.get("kinds") or []) if rule else set(BlockerKind.values)
    citation = rule.legal_basis if rule else _("Chưa có bộ quy tắc cho ngày này")
    status = rule.status if rule else "UNCONFIRMED"
    active = qs.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)).filter(kind__in=kinds)
    out = []
    for b in active.order_by("starts_on", "pk"):
        reason = b.get_kind_display()
        if b.reference:
            reason = f"{reason} ({b.reference})"
        out.append(Blocker(reason=str(reason), citation=citation, record_id=b.pk, kind=b.kind, status=status))
    return out


def can_see_blockers(*, user, unit_id: int | None = None, person_id: int | None = None,
                     household_id: int | None = None) -> bool:
    """Blockers (discipline, investigations…) of a nominee are read by the central board, which records them, and
    by the nominee's own unit (the scope of /awards/blockers/ and of the unit's figures); never by the other
    members of a cluster who can see the dossier."""
    from thidua.awards.rules import is_central_board

    g = grants_for(user)
    if g.is_superuser or is_central_board(user):
        return True
    if household_id:
        unit_id = Household.objects.filter(pk=household_id).values_list("unit_id", flat=True).first()
    elif person_id:
        unit_id = Person.objects.filter(pk=person_id).values_list("unit_id", flat=True).first()
    return bool(unit_id) and unit_id in g.member_units


def blockers_for_unit(*, unit_id: int, on: date) -> list[Blocker]:
    """Why a unit may not be proposed on a date (NĐ 152/2025), each with its citation and record id."""
    return _blockers(BlockerRecord.objects.filter(unit_id=unit_id), on)


def blockers_for_person(*, person_id: int, on: date) -> list[Blocker]:
    return _blockers(BlockerRecord.objects.filter(person_id=person_id), on)


def blockers_for_household(*, household_id: int, on: date) -> list[Blocker]:
    return _blockers(BlockerRecord.objects.filter(household_id=household_id), on)


def _recipient_filter(unit_id, person_id, household_id, prefix: str = "") -> dict:
    if household_id:
        return {f"{prefix}household_id": household_id}
    if unit_id:
        return {f"{prefix}unit_id": unit_id}
    return {f"{prefix}person_id": person_id}


def overlap_rule(rs: RuleSet, award: AwardType):
    """The rule set's reading of "one achievement rewarded once" across different awards, if it has one
    and it covers this award's kind (titles are yearly and may accompany a commendation)."""
    for rule in rs.by_kind("achievement_overlap"):
        if award.kind in (rule.get("award_kinds") or []):
            return rule
    return None


def overlaps_of(nomination: Nomination) -> list[dict]:
    """overlapping_nominations for a saved nomination (none for a year no rule set covers)."""
    try:
        rs = ruleset_for_year(nomination.year)
    except LookupError:
        return []
    return overlapping_nominations(rs, award=nomination.award_type, year=nomination.year,
                                   unit_id=nomination.nominee_unit_id, person_id=nomination.nominee_person_id,
                                   household_id=nomination.nominee_household_id, exclude_nomination_id=nomination.pk)


def overlapping_nominations(rs: RuleSet, *, award: AwardType, year: int, unit_id=None, person_id=None,
                            household_id=None, exclude_nomination_id: int | None = None) -> list[dict]:
    """Other live nominations of the same nominee, same achievement year, for a DIFFERENT award of a kind the
    rule covers (the same award twice is the duplicate check). Each with the rule that judges it."""
    rule = overlap_rule(rs, award)
    if rule is None:
        return []
    f = {}
    if household_id:
        f["nominee_household_id"] = household_id
    elif unit_id:
        f["nominee_unit_id"] = unit_id
    else:
        f["nominee_person_id"] = person_id
    qs = (Nomination.objects.filter(year=year, award_type__kind__in=rule.get("award_kinds") or [], **f)
          .exclude(award_type=award).exclude(state__in=[NominationState.WITHDRAWN]).order_by("pk"))
    if exclude_nomination_id:
        qs = qs.exclude(pk=exclude_nomination_id)
    return [{"id": pk, "award_name": name, "rule": rule}
            for pk, name in qs.values_list("pk", "award_type__name")]


# --- Unit names ------------------------------------------------------------------------------------------


def unit_name_subquery(ref: str = "pk", on: date | None = None):
    """The unit's name on a date, or its last name when it no longer exists then (a unit merged away keeps the
    name it had, e.g. "Tỉnh Hải Dương"), as a subquery to annotate any queryset holding a unit id in `ref`."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from thidua.organisations.models import UnitVersion
    from thidua.organisations.selectors import active_on

    on = on or date.today()
    versions = UnitVersion.objects.filter(unit_id=OuterRef(ref)).order_by("-valid_from").values("name")[:1]
    current = UnitVersion.objects.filter(active_on(on), unit_id=OuterRef(ref)).order_by("-valid_from").values("name")[:1]
    return Coalesce(Subquery(current), Subquery(versions))


# --- Persons ---------------------------------------------------------------------------------------------


def persons_for(*, user) -> QuerySet[Person]:
    from thidua.awards.rules import is_central_board

    g = grants_for(user)
    qs = Person.objects.select_related("unit")
    if g.is_superuser or is_central_board(user):
        return qs
    return qs.filter(unit_id__in=g.member_units)


PICK_LIMIT = 500


def _name_matches(field: str, word: str) -> Q:
    """`word` anywhere in `field`, ignoring case. PostgreSQL folds the case of every letter, SQLite's LIKE only of
    ASCII ones: trying the word as typed, in lower, upper and title case finds "Vũ" from "vũ" on both."""
    q = Q()
    for variant in {word, word.lower(), word.upper(), word.capitalize()}:
        q |= Q(**{f"{field}__icontains": variant})
    return q


def pick_list(qs: QuerySet, *, name_field: str, search: str = "", selected=None,
              limit: int = PICK_LIMIT) -> tuple[list, bool]:
    """Rows for a pick-list from `qs`, which the caller has already scoped to the user: those whose name holds
    every word of `search`, at most `limit`, plus the row already chosen (`selected`, a posted id) when the search
    or the limit left it out, so that a choice is checked against the user's scope, not against the cut list.
    Returns the rows and whether the list was cut. Two queries at most, whatever the number of rows."""
    narrowed = qs
    for word in (search or "")[:100].split()[:10]:
        narrowed = narrowed.filter(_name_matches(name_field, word))
    rows = list(narrowed.order_by(name_field, "pk")[:limit + 1])
    cut = len(rows) > limit
    rows = rows[:limit]
    try:
        pk = int(selected) if selected not in (None, "") else None
    except (TypeError, ValueError):
        pk = None
    if pk is not None and all(r.pk != pk for r in rows):
        rows += list(qs.filter(pk=pk))
    return rows, cut


def person_get(*, user, pk: int) -> Person:
    p = persons_for(user=user).filter(pk=pk).first()
    if p is None:
        raise NotFound()
    return p


def national_id_for(*, user, person: Person) -> str:
    """The full number only for those who need it (the central board, the person's own unit); masked otherwise."""
    return person.national_id if user.has_perm("awards.view_national_id", person) else person.masked_national_id


def attach_shown_national_ids(*, user, persons) -> None:
    """`shown_id` on each person of a page: full or masked, decided once for the page (no query per row)."""
    from thidua.awards.rules import is_central_board

    g = grants_for(user)
    everyone = g.is_superuser or is_central_board(user)
    own = g.officer_units | g.leader_units
    for p in persons:
        p.shown_id = p.national_id if (everyone or p.unit_id in own) else p.masked_national_id


def households_for(*, user) -> QuerySet[Household]:
    """Households managed by the units the user works on (all of them for the central board)."""
    from thidua.awards.rules import is_central_board

    g = grants_for(user)
    qs = Household.objects.select_related("unit")
    if g.is_superuser or is_central_board(user):
        return qs
    return qs.filter(unit_id__in=g.member_units)


def attach_household_can_edit(*, user, households) -> None:
    """`can_edit` on each household of a page (perm awards.manage_household), decided once for the page."""
    from thidua.awards.rules import is_central_board

    g = grants_for(user)
    everyone = g.is_superuser or is_central_board(user)
    own = g.officer_units | g.leader_units
    for h in households:
        h.can_edit = everyone or h.unit_id in own


def household_get(*, user, pk: int) -> Household:
    h = households_for(user=user).filter(pk=pk).first()
    if h is None:
        raise NotFound()
    return h


def units_for(*, user) -> QuerySet:
    """Units whose registry data (persons, households, collective figures) the user may read."""
    from thidua.awards.rules import is_central_board
    from thidua.organisations.models import Unit

    g = grants_for(user)
    qs = Unit.objects.all()
    if g.is_superuser or is_central_board(user):
        return qs
    return qs.filter(pk__in=g.member_units)


def editable_units_for(*, user) -> QuerySet:
    """Units for which the user keeps the registry (perm awards.manage_registry)."""
    from thidua.awards.rules import is_central_board
    from thidua.organisations.models import Unit

    g = grants_for(user)
    if g.is_superuser or is_central_board(user):
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=g.officer_units | g.leader_units)


def collective_facts_for(*, user, unit_id: int) -> QuerySet[CollectiveYearFacts]:
    if not units_for(user=user).filter(pk=unit_id).exists():
        raise NotFound()
    return CollectiveYearFacts.objects.filter(unit_id=unit_id).order_by("-year")


def unconfirmed_rules() -> list[dict]:
    """Every UNCONFIRMED rule of every rule set, with the file's parameters and the board's setting if any."""
    from thidua.awards.models import RuleOverride
    from thidua.awards.rulesets import load_rulesets

    overrides = {(o.ruleset_code, o.rule_code): o for o in RuleOverride.objects.select_related("set_by")}
    out = []
    for rs in reversed(load_rulesets()):
        for r in rs.rules:
            if r.status == "UNCONFIRMED" and r.params:
                out.append({"ruleset": rs, "rule": r, "override": overrides.get((rs.code, r.code))})
    return out


# --- Award history ---------------------------------------------------------------------------------------


def unit_lineage_as_of(*, unit_id: int, as_of: date | None) -> set[int]:
    """The unit and the units merged or renamed into it by `as_of` (all of them when as_of is None)."""
    return unit_lineage_ids(unit_id=unit_id, on=as_of)


def award_history_for_unit(*, user, unit_id: int, as_of: date | None = None) -> list[AwardRecord]:
    """Awards of a unit and of its predecessors (mergers, renamings) decided by `as_of`, newest first.

    Each record carries `recipient_name` (the recipient's name in the award's year) and `inherited`
    (True when received by a predecessor). Decisions are public: every signed-in user may read them.
    """
    if not user.is_authenticated:
        raise NotFound()
    from thidua.organisations.models import Unit

    if not Unit.objects.filter(pk=unit_id).exists():
        raise NotFound()
    ids = unit_lineage_as_of(unit_id=unit_id, as_of=as_of)
    qs = AwardRecord.objects.filter(unit_id__in=ids).select_related("award_type")
    if as_of is not None:
        qs = qs.filter(decision_date__lte=as_of)
    records = list(qs.order_by("-year", "-decision_date", "pk"))
    _attach_names(records)
    for r in records:
        r.inherited = r.unit_id != unit_id
    return records


def _attach_names(records: list[AwardRecord]) -> None:
    """Names as of each award's year end, one query per distinct year (bounded by the years shown)."""
    from thidua.organisations.models import Unit

    by_year: dict[int, set[int]] = {}
    for r in records:
        if r.unit_id:
            by_year.setdefault(r.year, set()).add(r.unit_id)
    names: dict[tuple[int, int], str] = {}
    for year, ids in by_year.items():
        for pk, name in annotate_as_of(Unit.objects.filter(pk__in=ids), date(year, 12, 31)).values_list("pk", "as_of_name"):
            names[(pk, year)] = name
    for r in records:
        r.recipient_name = names.get((r.unit_id, r.year)) if r.unit_id else None


def award_history_for_person(*, user, person_id: int, as_of: date | None = None) -> list[AwardRecord]:
    person_get(user=user, pk=person_id)
    qs = AwardRecord.objects.filter(person_id=person_id).select_related("award_type")
    if as_of is not None:
        qs = qs.filter(decision_date__lte=as_of)
    return list(qs.order_by("-year", "-decision_date", "pk"))


# --- Nominations -----------------------------------------------------------------------------------------


def nominations_for(*, user) -> QuerySet[Nomination]:
    from thidua.awards.rules import is_central_board, is_central_observer

    g = grants_for(user)
    qs = Nomination.objects.select_related("award_type", "proposing_unit", "nominee_unit", "nominee_person",
                                           "nominee_household",
                                           "cluster_year__cluster")
    if g.is_superuser or is_central_board(user) or is_central_observer(user):
        return qs
    if g.is_empty:
        return qs.none()
    return qs.filter(
        Q(proposing_unit_id__in=g.member_units) | Q(nominee_unit_id__in=g.member_units)
        | Q(nominee_person__unit_id__in=g.member_units) | Q(nominee_household__unit_id__in=g.member_units)
        | Q(cluster_year__in=cluster_years_for(user=user).values("pk"))
    )


def nomination_get(*, user, pk: int) -> Nomination:
    n = nominations_for(user=user).filter(pk=pk).first()
    if n is None:
        raise NotFound()
    return n


def can_see_dossier_files(*, user, nomination: Nomination) -> bool:
    """The dossier's files (signed scans, drafts, the issued Tờ trình) are for the proposing unit and the bodies
    that process it (the central board), not for every member of the cluster that can see the dossier exists."""
    from thidua.awards.rules import is_central_board

    g = grants_for(user)
    if g.is_superuser or is_central_board(user):
        return True
    return nomination.proposing_unit_id in g.member_units


VOTE_LABELS = {
    "votes": _("Số phiếu đồng ý"), "basis_count": _("Số phiếu căn cứ"), "threshold": _("Ngưỡng"),
    "title": _("Nội dung bỏ phiếu"), "ballot": _("Cuộc bỏ phiếu số"), "rank": _("Thứ hạng"),
    "leading": _("Dẫn đầu cụm"), "quorum_met": _("Đủ số đại biểu"), "figures": _("Số liệu kiểm phiếu"),
    "issued": _("phiếu phát ra"), "returned": _("phiếu thu về"), "valid": _("phiếu hợp lệ"),
    "invalid": _("phiếu không hợp lệ"), "blank": _("phiếu trắng"), "yes": _("đồng ý"), "no": _("không đồng ý"),
}


def _vote_value(value) -> str:
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if isinstance(value, dict):
        return ", ".join(f"{VOTE_LABELS.get(k, k)}: {_vote_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_vote_value(v) for v in value)
    return str(value)


def vote_summary_lines(summary: dict | None) -> list[str]:
    """A conference's vote summary as sentences for people (labels in Vietnamese, yes/no, nested figures)."""
    return [f"{VOTE_LABELS.get(k, k)}: {_vote_value(v)}" for k, v in (summary or {}).items()]


def nominations_page_rows(rows) -> None:
    """Nominee names for a page of nominations, in one query (names as of each nomination's year)."""
    from thidua.organisations.models import Unit

    ids = {r.nominee_unit_id for r in rows if r.nominee_unit_id} | {r.proposing_unit_id for r in rows}
    names = dict(annotate_as_of(Unit.objects.filter(pk__in=ids), date.today()).values_list("pk", "as_of_name"))
    for r in rows:
        r.nominee_name = nominee_label(r, names)
        r.proposer_name = names.get(r.proposing_unit_id, "")


@dataclass
class ChecklistItem:
    code: str
    title: str
    required: bool
    legal_basis: str
    generated: str | None
    documents: list
    done: bool


def dossier_requirements(nomination: Nomination) -> list[dict]:
    from thidua.awards.catalogue import load_catalogue_file

    data = load_catalogue_file()
    reqs = data.get("requirements", {})
    entry = next((a for a in data["awards"] if a["code"] == nomination.award_type.code), None)
    codes = (entry or {}).get("dossier") or ["to_trinh", "bao_cao_thanh_tich"]
    out = []
    for code in codes:
        r = reqs.get(code, {"title": code})
        if r.get("when") == "conference" and nomination.source != "conference":
            continue
        out.append({"code": code, "title": r.get("title", code), "required": r.get("required", True),
                    "legal_basis": r.get("legal_basis", ""), "generated": r.get("generated")})
    return out


def checklist(nomination: Nomination) -> list[ChecklistItem]:
    """The dossier checklist (data in catalogue.yaml). An item is done when a signed file is uploaded
    for it; a generated draft alone does not complete it (it must be signed and scanned)."""
    docs = list(NominationDocument.objects.filter(nomination=nomination).select_related("issued_document")
                .order_by("-created_at"))
    items = []
    for r in dossier_requirements(nomination):
        mine = [d for d in docs if d.requirement == r["code"]]
        done = any(d.signed for d in mine) or (r["code"] == "bien_ban_binh_xet_cum" and nomination.minutes_document_id)
        items.append(ChecklistItem(code=r["code"], title=r["title"], required=r["required"],
                                   legal_basis=r["legal_basis"], generated=r["generated"], documents=mine,
                                   done=bool(done)))
    return items


def duplicates_of(nomination: Nomination) -> QuerySet[Nomination]:
    """Same nominee, same award and year, proposed again (by another unit or at another level)."""
    qs = Nomination.objects.filter(award_type_id=nomination.award_type_id, year=nomination.year).exclude(
        pk=nomination.pk).exclude(state=NominationState.WITHDRAWN)
    if nomination.nominee_unit_id:
        return qs.filter(nominee_unit_id=nomination.nominee_unit_id)
    if nomination.nominee_household_id:
        return qs.filter(nominee_household_id=nomination.nominee_household_id)
    return qs.filter(nominee_person_id=nomination.nominee_person_id)


def nominee_label(n: Nomination, unit_names: dict[int, str]) -> str:
    if n.nominee_person_id:
        return n.nominee_person.full_name
    if n.nominee_household_id:
        return str(n.nominee_household)
    return unit_names.get(n.nominee_unit_id, "")


def percent(part: int, whole: int, *, threshold=None) -> str:
    """A share in Vietnamese notation, one decimal, rounded half up (399 of 400: "99,8"), except that a share
    below its threshold is never shown as reaching it (3999 of 4000 against 100: "99,9", not "100")."""
    if not whole:
        return "0"
    tenths = (2000 * part + whole) // (2 * whole)  # round half up, in integers
    if threshold is not None and 100 * part < float(threshold) * whole and tenths >= float(threshold) * 10:
        tenths = (1000 * part) // whole
    return f"{tenths // 10},{tenths % 10}"


# --- Eligibility -----------------------------------------------------------------------------------------


def eligibility_check(*, award_code: str, year: int, unit_id: int | None = None, person_id: int | None = None,
                      household_id: int | None = None, cluster_year=None, on: date | None = None,
                      exclude_nomination_id: int | None = None, vote_summary: dict | None = None,
                      conference_winner: bool = False, show_blockers: bool = True) -> elig.Verdict:
    """Judge one nominee (a collective, a person or a household) for one award and achievement year under
    the rule set in force for that year.

    The caller has fetched the nominee through a scoped selector. `on` is the date blockers are read at.
    `show_blockers=False` (a viewer outside `can_see_blockers`) leaves blockers out of the verdict entirely:
    neither their reasons nor their effect on the result are shown.
    Rules written for another kind of nominee (the individual chains, the collective's figures) are not
    silently skipped: the verdict says they do not apply to this kind of nominee.
    """
    award = award_type_get(code=award_code)
    try:
        rs = ruleset_for_year(year)
    except LookupError:
        v = elig.Verdict(award_code=award.code, award_name=award.name, year=year, ruleset_code="", ruleset_title="",
                         eligible=False, applicable=False)
        v.reasons.append(elig.Reason(False, _("Chưa có bộ quy tắc nào áp dụng cho năm %(y)d.") % {"y": year},
                                     award.legal_basis, "UNCONFIRMED", "no_ruleset"))
        v.missing.append(_("cần bổ sung bộ quy tắc của thời kỳ này"))
        return v
    on = on or date.today()
    v = elig.Verdict(award_code=award.code, award_name=award.name, year=year, ruleset_code=rs.code,
                     ruleset_title=rs.title, eligible=True)
    if household_id:
        kind = RecipientKind.HOUSEHOLD
    else:
        kind = RecipientKind.COLLECTIVE if unit_id else RecipientKind.INDIVIDUAL
    kind_label = RecipientKind(kind).label

    def add(ok, message, citation, status, rule, missing=None):
        v.reasons.append(elig.Reason(bool(ok), str(message), citation, status, rule))
        if not ok:
            v.eligible = False
            if missing:
                v.missing.append(str(missing))

    if kind not in (award.recipient_kinds or []):
        add(False, _("%(a)s không tặng cho đối tượng này.") % {"a": award.name}, award.legal_basis, award.status,
            "recipient_kind")
    # An achievement year that has not started yet cannot be judged.
    if year > date.today().year:
        add(False, _("Năm thành tích %(y)d chưa diễn ra: chỉ xét thành tích của năm hiện tại và các năm trước.")
            % {"y": year}, award.legal_basis, award.status, "future_year", _("chọn năm thành tích đã diễn ra"))
    # Blockers (discipline being considered, investigation, inspection, audit, complaint, press reports).
    if not show_blockers:
        blockers = None
        v.reasons.append(elig.Reason(True, _("Việc xem xét kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại chỉ hiển "
                                             "thị với đơn vị được đề nghị và cơ quan xét khen thưởng."), "", "",
                                     "blockers_hidden"))
    elif household_id:
        blockers = blockers_for_household(household_id=household_id, on=on)
    elif unit_id:
        blockers = blockers_for_unit(unit_id=unit_id, on=on)
    else:
        blockers = blockers_for_person(person_id=person_id, on=on)
    for b in blockers or []:
        add(False, _("Chưa xét khen thưởng: %(r)s.") % {"r": b.reason}, b.citation, b.status, "blockers",
            _("chờ kết luận: %(r)s") % {"r": b.reason})
    if blockers == []:
        rule = (rs.by_kind("blockers") or [None])[0]
        if rule:
            add(True, _("Không có trường hợp đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại."),
                rule.legal_basis, rule.status, rule.code)
    # One achievement, one award (Law Đ5 k2).
    once = (rs.by_kind("one_achievement_once") or [None])[0]
    if once:
        same = AwardRecord.objects.filter(award_type=award, year=year)
        same = same.filter(**_recipient_filter(unit_id, person_id, household_id))
        if exclude_nomination_id:
            # The dossier's own decision is not "another" award of the same achievement.
            same = same.exclude(nomination_id=exclude_nomination_id)
        rec = same.first()
        if rec:
            add(False, _("Thành tích năm %(y)d đã được khen %(a)s (Quyết định %(d)s).")
                % {"y": year, "a": award.name, "d": rec.decision_number}, once.legal_basis, once.status, once.code)
    # The same achievement proposed for another award (Law Đ5 k2; how it applies is data: flag or refuse).
    for o in overlapping_nominations(rs, award=award, year=year, unit_id=unit_id, person_id=person_id,
                                     household_id=household_id, exclude_nomination_id=exclude_nomination_id):
        rule = o["rule"]
        refuse = rule.get("action") == "refuse"
        add(not refuse, _("Cùng thành tích năm %(y)d đang được đề nghị %(a)s (hồ sơ số %(n)d).")
            % {"y": year, "a": o["award_name"], "n": o["id"]}, rule.legal_basis, rule.status, rule.code,
            _("chọn một hình thức cho thành tích năm %(y)d") % {"y": year})
    # Cluster route: quota and membership.
    cluster_required = False
    if cluster_year is None:
        # Awards the rule set gives only through a cluster's review (the Government Flag to the collective leading
        # the cluster, Law Đ25 k2): without the cluster's result there is nothing to judge the nominee on.
        for rule in rs.for_award("cluster_quota", award.code):
            if rule.get("requires_cluster"):
                add(False, _("%(a)s chỉ xét tặng tập thể dẫn đầu cụm, khối thi đua: hồ sơ phải có kết quả bình xét, "
                             "suy tôn và biên bản của cụm, khối.") % {"a": award.name}, rule.legal_basis, rule.status,
                    rule.code, _("cần kết quả bình xét của cụm, khối thi đua"))
                cluster_required = True
                break
    else:
        rule = _quota_rule(rs, cluster_year, award.code)
        if rule is not None:
            mc = rule.get("max_count")
            taken = Nomination.objects.filter(cluster_year=cluster_year, award_type=award).exclude(
                state=NominationState.WITHDRAWN)
            if exclude_nomination_id:
                taken = taken.exclude(pk=exclude_nomination_id)
            n = taken.count()
            if mc is None:
                add(True, _("Không giới hạn số lượng đề nghị của cụm (chưa có quy định số lượng)."), rule.legal_basis,
                    rule.status, rule.code)
            else:
                add(n < int(mc), _("Cụm đã có %(n)d/%(m)d đề nghị %(a)s cho năm %(y)d.")
                    % {"n": n, "m": int(mc), "a": award.name, "y": cluster_year.year}, rule.legal_basis, rule.status,
                    rule.code, _("vượt số lượng cụm được đề nghị"))
            if rule.get("leading_only"):
                # The cluster's acclamation ballot (suy tôn) designates the leading collective: a confirmed
                # winner handed over by the conference counts as leading unless the summary says otherwise.
                vs = vote_summary or {}
                if "leading" in vs:
                    leading = bool(vs["leading"])
                elif "rank" in vs:
                    leading = vs["rank"] == 1
                else:
                    leading = conference_winner
                add(leading, _("Tập thể dẫn đầu cụm (theo kết quả bình xét, suy tôn của cụm).") if leading
                    else _("Chưa có kết quả bình xét xác định tập thể này dẫn đầu cụm."), rule.legal_basis, rule.status,
                    rule.code, _("cần kết quả bình xét của cụm xác định tập thể dẫn đầu"))
    # Individual chains.
    names = dict(AwardType.objects.values_list("code", "name"))
    chain = [r for r in elig.chain_rules(rs) if r.get("award") == award.code]
    if chain and not person_id:
        for rule in chain:
            v.reasons.append(elig.Reason(True, _("Quy tắc %(r)s chỉ áp dụng cho cá nhân; không xét với %(k)s.")
                                         % {"r": rule.code, "k": str(kind_label).lower()}, rule.legal_basis,
                                         rule.status, rule.code))
    if person_id and chain:
        results = elig.chains_single(rs, person_id=person_id, year=year)
        _years, disc_until = elig.person_years(rs, person_id=person_id, year=year)
        basis = (rs.by_kind("chain_basis") or [None])[0]
        if basis:
            add(True, _("Chỉ tính khen thưởng thường xuyên (công trạng); khen đột xuất, chuyên đề không làm căn cứ."),
                basis.legal_basis, basis.status, basis.code)
        # Several routes may lead to one award: eligible if any route is met (No lower award first, NĐ 152/2025).
        route_ok = False
        route_missing: list[str] = []
        for rule in chain:
            reasons, missing = elig.explain_chain(rule, results[rule.code], award_names=names, disc_until=disc_until,
                                                  year=year)
            v.reasons.extend(reasons)
            route_ok = route_ok or results[rule.code].eligible
            route_missing += missing
        if not route_ok:
            v.eligible = False
            v.missing.extend(route_missing)
    # Tập thể lao động xuất sắc.
    for rule in rs.for_award("collective_labour", award.code):
        if not unit_id:
            v.reasons.append(elig.Reason(True, _("Quy tắc %(r)s chỉ áp dụng cho tập thể; không xét với %(k)s.")
                                         % {"r": rule.code, "k": str(kind_label).lower()}, rule.legal_basis,
                                         rule.status, rule.code))
            continue
        facts = CollectiveYearFacts.objects.filter(unit_id=unit_id, year=year).first()
        if facts is None:
            add(False, _("Chưa có số liệu bình xét của tập thể năm %(y)d.") % {"y": year}, rule.legal_basis, rule.status,
                rule.code, _("cần nhập số liệu bình xét của tập thể"))
            continue
        m = max(facts.members, 1)
        pct_done = 100 * facts.members_completed / m
        pct_adv = 100 * facts.members_advanced / m
        add(facts.tasks_excellent, _("Tập thể hoàn thành xuất sắc nhiệm vụ."), rule.legal_basis, rule.status, rule.code,
            _("cần hoàn thành xuất sắc nhiệm vụ"))
        add(pct_done >= rule.get("min_completed_pct"), _("%(p)s%% thành viên hoàn thành nhiệm vụ (cần %(k)s%%).")
            % {"p": percent(facts.members_completed, m, threshold=rule.get("min_completed_pct")),
               "k": rule.get("min_completed_pct")}, rule.legal_basis, rule.status, rule.code,
            _("cần 100% thành viên hoàn thành nhiệm vụ"))
        need_adv = -(-int(rule.get("min_advanced_pct")) * facts.members // 100)
        add(pct_adv >= rule.get("min_advanced_pct"), _("%(p)s%% thành viên đạt Lao động tiên tiến (cần ≥ %(k)s%%).")
            % {"p": percent(facts.members_advanced, m, threshold=rule.get("min_advanced_pct")),
               "k": rule.get("min_advanced_pct")}, rule.legal_basis, rule.status, rule.code,
            _("cần thêm %(n)d người đạt Lao động tiên tiến") % {"n": max(need_adv - facts.members_advanced, 0)})
        add(facts.members_cstd_grassroots >= rule.get("min_cstd"), _("%(n)d cá nhân đạt Chiến sĩ thi đua cơ sở (cần ≥ %(k)s).")
            % {"n": facts.members_cstd_grassroots, "k": rule.get("min_cstd")}, rule.legal_basis, rule.status, rule.code,
            _("cần ít nhất %(k)s cá nhân đạt Chiến sĩ thi đua cơ sở") % {"k": rule.get("min_cstd")})
        if rule.get("unity"):
            add(facts.unity, _("Nội bộ đoàn kết."), rule.legal_basis, rule.status, rule.code, _("cần nội bộ đoàn kết"))
    has_criteria = cluster_required or bool(chain and person_id) or bool(unit_id and rs.for_award("collective_labour", award.code)) or (
        cluster_year is not None and _quota_rule(rs, cluster_year, award.code) is not None)
    if not has_criteria:
        # No rule judged this nominee: never shown or returned as eligible (the appraiser decides on the dossier).
        v.applicable = False
        v.eligible = False
        v.missing.append(str(_("cơ quan thẩm định xem xét theo hồ sơ")))
        v.reasons.append(elig.Reason(True, _("Bộ quy tắc %(rs)s chưa có tiêu chuẩn đã xác nhận cho %(a)s với đối tượng này: "
                                             "cơ quan thẩm định xem xét theo hồ sơ.") % {"rs": rs.code, "a": award.name},
                                     award.legal_basis, "UNCONFIRMED", "no_rule"))
    return v


def nomination_verdict(*, user, nomination: Nomination) -> elig.Verdict:
    """The verdict shown on a dossier's page. A decided dossier is judged as of its decision (a blocker recorded
    years later does not undo it; its own award is not "another award" of the achievement). Blockers appear only
    to those who may see them (`can_see_blockers`)."""
    n = nomination
    return eligibility_check(award_code=n.award_type.code, year=n.year, unit_id=n.nominee_unit_id,
                             person_id=n.nominee_person_id, household_id=n.nominee_household_id,
                             cluster_year=n.cluster_year, on=n.decision_date or None,
                             exclude_nomination_id=n.pk, vote_summary=n.vote_summary,
                             conference_winner=n.source == "conference",
                             show_blockers=can_see_blockers(user=user, unit_id=n.nominee_unit_id,
                                                            person_id=n.nominee_person_id,
                                                            household_id=n.nominee_household_id))
