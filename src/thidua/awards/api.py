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
    else:
        from thidua.organisations.selectors import unit_get

        unit_get(user=request.user, pk=q.unit_id)
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
