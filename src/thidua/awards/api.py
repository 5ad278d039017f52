"""API for awards: catalogue, eligibility verdicts with reasons and citations, nominations and their
workflow, award history of a unit as of a date. Same selectors and services as the pages."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from thidua.awards import selectors, services
from thidua.awards.workflow import TRANSITIONS
from thidua.core.api import NumberedPagination
from thidua.core.errors import NotFound, invalid

router = Router(tags=["Khen thưởng"])


class AwardTypeOut(Schema):
    code: str
    name: str
    kind: str
    form: str
    level: str
    recipient_kinds: list[str]
    proposer: str
    decider: str
    legal_basis: str
    status: str
    cash_multiple_collective: float | None
    cash_multiple_individual: float | None
    cash_legal_basis: str
    cash_status: str


class ReasonOut(Schema):
    ok: bool
    message: str
    citation: str
    status: str
    rule: str


class VerdictOut(Schema):
    award_code: str
    award_name: str
    year: int
    ruleset_code: str
    ruleset_title: str
    eligible: bool
    applicable: bool
    reasons: list[ReasonOut]
    missing: list[str]


class EligibilityQuery(Schema):
    award: str = Field(..., max_length=60)
    year: int = Field(..., ge=1945, le=2200)
    unit_id: int | None = None
    person_id: int | None = None
    household_id: int | None = None


class NominationOut(Schema):
    id: int
    award_code: str = Field(alias="award_type.code")
    award_name: str = Field(alias="award_type.name")
    year: int
    source: str
    state: str
    proposing_unit_id: int
    nominee_unit_id: int | None
    nominee_person_id: int | None
    nominee_household_id: int | None
    cluster_year_id: int | None
    duplicate_flag: bool
    overlap_flag: bool
    decision_id: int | None
    decision_number: str
    decision_date: date | None
    decision_signer: str
    returned_reason: str


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=2000)
    decision_number: str = Field("", max_length=60)
    decision_date: date | None = None
    signer: str = Field("", max_length=150)


class RecordOut(Schema):
    award_code: str = Field(alias="award_type.code")
    award_name: str = Field(alias="award_type.name")
    year: int
    basis: str
    unit_id: int | None
    recipient_name: str | None = None
    inherited: bool = False
    decision_number: str
    decision_date: date
    signer: str
    note: str


class HistoryQuery(Schema):
    on: date | None = None


@router.get("/awards/catalogue", response=list[AwardTypeOut], summary="Danh mục danh hiệu, hình thức khen thưởng")
def catalogue(request):
    return list(selectors.catalogue_list())


@router.get("/awards/eligibility", response=VerdictOut, summary="Kiểm tra điều kiện (lý do và căn cứ)")
def eligibility(request, q: Query[EligibilityQuery]):
    if sum(bool(x) for x in (q.unit_id, q.person_id, q.household_id)) != 1:
        raise invalid(_("Chọn một tập thể (unit_id), một cá nhân (person_id) hoặc một hộ gia đình (household_id)."),
                      field="unit_id")
    if q.person_id:
        selectors.person_get(user=request.user, pk=q.person_id)
    elif q.household_id:
        selectors.household_get(user=request.user, pk=q.household_id)
    elif not selectors.units_for(user=request.user).filter(pk=q.unit_id).exists():
        # The awards scope of a unit (its own people, the central board), as for its figures and blockers:
        # a unit merely visible in the organisations directory is not enough.
        raise NotFound()
    return selectors.eligibility_check(award_code=q.award, year=q.year, unit_id=q.unit_id, person_id=q.person_id,
                                       household_id=q.household_id)


@router.get("/awards/nominations", response=list[NominationOut], summary="Hồ sơ đề nghị trong phạm vi được xem")
@paginate(NumberedPagination)
def nominations(request):
    return selectors.nominations_for(user=request.user).order_by("-year", "-created_at", "-pk")


@router.get("/awards/nominations/{nomination_id}", response=NominationOut, summary="Một hồ sơ đề nghị")
def nomination(request, nomination_id: int):
    return selectors.nomination_get(user=request.user, pk=nomination_id)


@router.post("/awards/nominations/{nomination_id}/actions/{action}", response=NominationOut,
             summary="Chuyển trạng thái hồ sơ (gửi, tiếp nhận, trả lại, thẩm định, trình, quyết định…)")
def nomination_action(request, nomination_id: int, action: str, payload: ActionIn):
    if action not in TRANSITIONS:
        raise NotFound()
    kwargs = {"actor": request.user, "nomination_id": nomination_id}
    if action in ("withdraw", "return"):
        kwargs["reason"] = payload.reason
    elif action == "appraise":
        kwargs["note"] = payload.reason
    elif action == "decide":
        kwargs.update(decision_number=payload.decision_number, decision_date=payload.decision_date,
                      signer=payload.signer, note=payload.reason)
    return services.SERVICE_FOR_ACTION[action](**kwargs)


class IssuedDocumentOut(Schema):
    id: int = Field(alias="issued_document.id")
    requirement: str
    number: int | None = Field(alias="issued_document.number")
    symbol: str = Field(alias="issued_document.symbol")
    issued_on: date = Field(alias="issued_document.issued_on")
    title: str = Field(alias="issued_document.title")
    uid: str

    @staticmethod
    def resolve_uid(obj) -> str:
        return str(obj.issued_document.uid)


@router.post("/awards/nominations/{nomination_id}/to-trinh", response={201: IssuedDocumentOut},
             summary="Ban hành Tờ trình của hồ sơ, có số trong sổ của đơn vị trình (ban hành lại giữ số và ngày)")
def nomination_issue_to_trinh(request, nomination_id: int):
    selectors.nomination_get(user=request.user, pk=nomination_id)
    return Status(201, services.nomination_issue_to_trinh(actor=request.user, nomination_id=nomination_id))


@router.get("/awards/units/{unit_id}/history", response=list[RecordOut],
            summary="Lịch sử khen thưởng của đơn vị (kể cả đơn vị đã hợp nhất) tính đến một ngày")
def unit_history(request, unit_id: int, q: Query[HistoryQuery]):
    return selectors.award_history_for_unit(user=request.user, unit_id=unit_id, as_of=q.on)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision_number: str = Field(..., max_length=60)
    decision_date: date
    signer: str = Field(..., max_length=150)
    note: str = Field("", max_length=255)
    nomination_ids: list[int] = Field(..., max_length=500)


class DecisionOut(Schema):
    id: int
    number: str
    decision_date: date
    signer: str
    note: str
    nomination_ids: list[int]


def _decision_out(d) -> dict:
    return {"id": d.pk, "number": d.number, "decision_date": d.decision_date, "signer": d.signer, "note": d.note,
            "nomination_ids": sorted(d.nominations.values_list("pk", flat=True))}


@router.post("/awards/decisions", response={201: DecisionOut},
             summary="Ghi nhận một quyết định cho nhiều hồ sơ đã trình Thủ tướng (từ chối toàn bộ nếu có hồ sơ không hợp lệ)")
def decision_apply(request, payload: DecisionIn):
    d = services.decision_apply(actor=request.user, nomination_ids=payload.nomination_ids,
                                decision_number=payload.decision_number, decision_date=payload.decision_date,
                                signer=payload.signer, note=payload.note)
    return Status(201, _decision_out(d))


# --- Registry: persons, households, duty ratings, collective figures --------------------------------------
# The same selectors (scope: 404 outside it) and services (permission, validation, audit) as the pages.


class PersonOut(Schema):
    id: int
    uid: str
    full_name: str
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    national_id: str = Field(alias="shown_id", description="Đầy đủ với người được xem, dạng che với người khác")
    national_id_masked: bool = Field(alias="id_masked")
    birth_date: date | None
    position: str

    @staticmethod
    def resolve_uid(obj) -> str:
        return str(obj.uid)


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    full_name: str = Field(..., max_length=150)
    unit_id: int
    national_id: str = Field("", max_length=12)
    birth_date: date | None = None
    position: str = Field("", max_length=150)


class PersonPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    full_name: str | None = Field(None, max_length=150)
    national_id: str | None = Field(None, max_length=12)
    birth_date: date | None = None
    position: str | None = Field(None, max_length=150)


class PersonQuery(Schema):
    unit_id: int | None = None


def _shown(user, person):
    """The national ID as the caller may see it (awards.view_national_id), on the object for PersonOut."""
    person.shown_id = selectors.national_id_for(user=user, person=person)
    person.id_masked = person.shown_id != person.national_id
    return person


class PersonPagination(NumberedPagination):
    """Pages of persons: full or masked ID decided once for the page (no query per row)."""

    def paginate_queryset(self, queryset, pagination, **params):
        out = super().paginate_queryset(queryset, pagination, **params)
        selectors.attach_shown_national_ids(user=params["request"].user, persons=out["items"])
        for p in out["items"]:
            p.id_masked = p.shown_id != p.national_id
        return out


@router.get("/awards/persons", response=list[PersonOut],
            summary="Danh sách cá nhân trong phạm vi được xem (số định danh che nếu không cần xem)")
@paginate(PersonPagination)
def persons(request, q: Query[PersonQuery]):
    qs = selectors.persons_for(user=request.user).order_by("full_name", "pk")
    if q.unit_id:
        qs = qs.filter(unit_id=q.unit_id)
    return qs


@router.get("/awards/persons/{int:person_id}", response=PersonOut, summary="Một cá nhân")
def person(request, person_id: int):
    return _shown(request.user, selectors.person_get(user=request.user, pk=person_id))


@router.post("/awards/persons", response={201: PersonOut}, summary="Thêm cá nhân vào danh sách của đơn vị")
def person_create(request, payload: PersonIn):
    p = services.person_create(actor=request.user, **payload.dict())
    return Status(201, _shown(request.user, selectors.person_get(user=request.user, pk=p.pk)))


@router.patch("/awards/persons/{int:person_id}", response=PersonOut,
              summary="Sửa thông tin cá nhân (chỉ các trường gửi lên)")
def person_update(request, person_id: int, payload: PersonPatch):
    selectors.person_get(user=request.user, pk=person_id)
    changes = payload.dict(exclude_unset=True)
    for f in ("full_name", "national_id", "position"):
        if f in changes and changes[f] is None:
            changes[f] = ""
    services.person_update(actor=request.user, person_id=person_id, **changes)
    return _shown(request.user, selectors.person_get(user=request.user, pk=person_id))


class HouseholdOut(Schema):
    id: int
    uid: str
    head_name: str
    address: str
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    note: str

    @staticmethod
    def resolve_uid(obj) -> str:
        return str(obj.uid)


class HouseholdIn(Schema):
    model_config = ConfigDict(extra="forbid")
    head_name: str = Field(..., max_length=150)
    address: str = Field(..., max_length=255)
    unit_id: int
    note: str = Field("", max_length=255)


class HouseholdPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    head_name: str | None = Field(None, max_length=150)
    address: str | None = Field(None, max_length=255)
    note: str | None = Field(None, max_length=255)


@router.get("/awards/households", response=list[HouseholdOut], summary="Hộ gia đình trong phạm vi được xem")
@paginate(NumberedPagination)
def households(request, q: Query[PersonQuery]):
    qs = selectors.households_for(user=request.user).order_by("head_name", "pk")
    if q.unit_id:
        qs = qs.filter(unit_id=q.unit_id)
    return qs


@router.get("/awards/households/{int:household_id}", response=HouseholdOut, summary="Một hộ gia đình")
def household(request, household_id: int):
    return selectors.household_get(user=request.user, pk=household_id)


@router.post("/awards/households", response={201: HouseholdOut}, summary="Thêm hộ gia đình do đơn vị quản lý")
def household_create(request, payload: HouseholdIn):
    h = services.household_create(actor=request.user, **payload.dict())
    return Status(201, selectors.household_get(user=request.user, pk=h.pk))


@router.patch("/awards/households/{int:household_id}", response=HouseholdOut,
              summary="Sửa chủ hộ, địa chỉ, ghi chú (chỉ các trường gửi lên)")
def household_update(request, household_id: int, payload: HouseholdPatch):
    selectors.household_get(user=request.user, pk=household_id)
    changes = {f: ("" if v is None else v) for f, v in payload.dict(exclude_unset=True).items()}
    services.household_update(actor=request.user, household_id=household_id, **changes)
    return selectors.household_get(user=request.user, pk=household_id)


class RatingOut(Schema):
    year: int
    rating: int
    label: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_rating_display())


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(..., ge=0, le=3, description="0 không hoàn thành, 1 hoàn thành, 2 tốt, 3 xuất sắc")


@router.get("/awards/persons/{int:person_id}/ratings", response=list[RatingOut],
            summary="Xếp loại hoàn thành nhiệm vụ của một cá nhân, năm gần nhất trước")
@paginate(NumberedPagination)
def person_ratings(request, person_id: int):
    return selectors.person_get(user=request.user, pk=person_id).ratings.order_by("-year")


@router.put("/awards/persons/{int:person_id}/ratings/{int:year}", response=RatingOut,
            summary="Ghi hoặc sửa xếp loại của một năm")
def person_rating_set(request, person_id: int, year: int, payload: RatingIn):
    selectors.person_get(user=request.user, pk=person_id)
    return services.duty_rating_set(actor=request.user, person_id=person_id, year=year, rating=payload.rating)


class FactsOut(Schema):
    year: int
    members: int
    members_completed: int
    members_advanced: int
    members_cstd_grassroots: int
    tasks_excellent: bool
    unity: bool


class FactsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    members: int = Field(..., ge=0, le=10_000_000)
    members_completed: int = Field(..., ge=0, le=10_000_000)
    members_advanced: int = Field(..., ge=0, le=10_000_000)
    members_cstd_grassroots: int = Field(..., ge=0, le=10_000_000)
    tasks_excellent: bool
    unity: bool = True


@router.get("/awards/units/{int:unit_id}/facts", response=list[FactsOut],
            summary="Số liệu bình xét Tập thể lao động xuất sắc của một tập thể, năm gần nhất trước")
@paginate(NumberedPagination)
def unit_facts(request, unit_id: int):
    return selectors.collective_facts_for(user=request.user, unit_id=unit_id)


@router.put("/awards/units/{int:unit_id}/facts/{int:year}", response=FactsOut,
            summary="Ghi hoặc sửa số liệu của một năm")
def unit_facts_set(request, unit_id: int, year: int, payload: FactsIn):
    selectors.collective_facts_for(user=request.user, unit_id=unit_id)
    return services.collective_facts_set(actor=request.user, unit_id=unit_id, year=year, **payload.dict())
