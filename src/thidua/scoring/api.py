"""API of scoring: reports, scores, reconciliation (overrides, compute, freeze, publish), ranking and
indicators of a cluster-year. Reads go through the scoped selectors, writes through the services."""


from decimal import Decimal

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from thidua.core.errors import NotFound
from thidua.organisations.selectors import cluster_year_get
from thidua.scoring import selectors, services

router = Router(tags=["Kết quả và chấm điểm"])


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class RankingOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str | None
    rank: int
    total: Decimal
    base_points: Decimal
    bonus_points: Decimal
    penalty_points: Decimal
    classification: str | None
    tie_unresolved: bool


class RankingPage(Schema):
    state: str
    published: bool
    rows: list[RankingOut]


def _cy(request, code: str, year: int):
    return cluster_year_get(user=request.user, code=code, year=year)


@router.get("/scoring/{code}/{year}/ranking", response=RankingPage, summary="Xếp hạng của kỳ thi đua")
def ranking(request, code: str, year: int):
    cy = _cy(request, code, year)
    config = selectors.config_of(cluster_year=cy)
    rows = selectors.results_for(user=request.user, cluster_year=cy)
    return {"state": config.state, "published": config.state == "published", "rows": [
        {"unit_id": r.unit_id, "unit_code": r.unit.code, "unit_name": r.unit.as_of_name, "rank": r.rank,
         "total": r.total, "base_points": r.base_points, "bonus_points": r.bonus_points,
         "penalty_points": r.penalty_points, "classification": r.classification,
         "tie_unresolved": r.tie_unresolved} for r in rows]}


class EntryIn(StrictIn):
    criterion_id: int
    actual_value: Decimal | None = None
    narrative: str = Field("", max_length=5000)
    self_score: Decimal | None = None
    occurrences: int | None = None


class ReportIn(StrictIn):
    unit_id: int
    kind: str = Field(..., pattern="^(midyear|year_end)$")
    summary: str = Field("", max_length=20000)
    entries: list[EntryIn] = []


class EntryOut(Schema):
    criterion_id: int
    criterion_code: str = Field(alias="criterion.code")
    actual_value: Decimal | None
    narrative: str
    self_score: Decimal | None
    occurrences: int | None


class ReportOut(Schema):
    id: int
    unit_id: int
    kind: str
    status: str
    summary: str
    returned_reason: str


class ReportDetailOut(ReportOut):
    entries: list[EntryOut]


@router.get("/scoring/{code}/{year}/reports", response=list[ReportOut], summary="Báo cáo bạn được xem")
def list_reports(request, code: str, year: int):
    cy = _cy(request, code, year)
    return list(selectors.reports_for(user=request.user, cluster_year=cy).order_by("unit__code", "kind"))


@router.get("/scoring/{code}/{year}/reports/{report_id}", response=ReportDetailOut)
def get_report(request, code: str, year: int, report_id: int):
    cy = _cy(request, code, year)
    report = selectors.report_get(user=request.user, cluster_year=cy, pk=report_id)
    report.entries_list = list(selectors.entries_of(report=report))
    return {**{k: getattr(report, k) for k in ("id", "unit_id", "kind", "status", "summary", "returned_reason")},
            "entries": report.entries_list}


@router.post("/scoring/{code}/{year}/reports", response={201: ReportOut}, summary="Lưu báo cáo (bản nháp) của đơn vị mình")
def save_report(request, code: str, year: int, payload: ReportIn):
    cy = _cy(request, code, year)
    report = services.report_save(actor=request.user, cluster_year=cy, unit_id=payload.unit_id, kind=payload.kind,
                                  summary=payload.summary, entries=[e.dict() for e in payload.entries])
    return Status(201, report)


@router.post("/scoring/{code}/{year}/reports/{report_id}/submit", response=ReportOut)
def submit_report(request, code: str, year: int, report_id: int):
    cy = _cy(request, code, year)
    selectors.report_get(user=request.user, cluster_year=cy, pk=report_id)
    return services.report_submit(actor=request.user, cluster_year=cy, report_id=report_id)


class ReasonIn(StrictIn):
    reason: str = Field(..., max_length=5000)


@router.post("/scoring/{code}/{year}/reports/{report_id}/return", response=ReportOut, summary="Trả lại báo cáo (thư ký cụm)")
def return_report(request, code: str, year: int, report_id: int, payload: ReasonIn):
    cy = _cy(request, code, year)
    selectors.report_get(user=request.user, cluster_year=cy, pk=report_id)
    return services.report_return(actor=request.user, cluster_year=cy, report_id=report_id, reason=payload.reason)


class ScoreIn(StrictIn):
    role: str = Field(..., pattern="^(cross|panel|central)$")
    scorer_unit_id: int
    unit_id: int
    criterion_id: int
    points: Decimal
    comment: str = Field("", max_length=5000)


class ScoreOut(Schema):
    id: int
    role: str
    scorer_unit_id: int
    unit_id: int
    criterion_id: int
    points: Decimal
    comment: str


@router.get("/scoring/{code}/{year}/scores", response=list[ScoreOut], summary="Điểm chấm bạn được xem")
def list_scores(request, code: str, year: int, unit_id: int | None = None):
    cy = _cy(request, code, year)
    qs = selectors.scores_for(user=request.user, cluster_year=cy)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return list(qs.order_by("unit_id", "criterion_id", "role", "scorer_unit_id")[:5000])


@router.post("/scoring/{code}/{year}/scores", response={201: ScoreOut}, summary="Chấm điểm (theo phân công)")
def set_score(request, code: str, year: int, payload: ScoreIn):
    cy = _cy(request, code, year)
    return Status(201, services.score_set(actor=request.user, cluster_year=cy, **payload.dict()))


class OverrideIn(StrictIn):
    unit_id: int
    criterion_id: int
    points: Decimal
    reason: str = Field(..., max_length=5000)


class OverrideOut(Schema):
    id: int
    unit_id: int
    criterion_id: int
    points: Decimal
    reason: str
    is_correction: bool


@router.post("/scoring/{code}/{year}/reconciliation/overrides", response={201: OverrideOut},
             summary="Thống nhất điểm thủ công (có lý do)")
def set_override(request, code: str, year: int, payload: OverrideIn):
    cy = _cy(request, code, year)
    return Status(201, services.override_set(actor=request.user, cluster_year=cy, **payload.dict()))


@router.post("/scoring/{code}/{year}/reconciliation/corrections", response={201: OverrideOut},
             summary="Đính chính sau khi công bố (có lý do, ghi nhật ký)")
def correct(request, code: str, year: int, payload: OverrideIn):
    cy = _cy(request, code, year)
    return Status(201, services.result_correct(actor=request.user, cluster_year=cy, **payload.dict()))


class StateOut(Schema):
    state: str


@router.post("/scoring/{code}/{year}/reconciliation/{action}", response=StateOut,
             summary="Tính điểm, khóa, công bố kết quả (compute | freeze | publish)")
def results_action(request, code: str, year: int, action: str):
    cy = _cy(request, code, year)
    fn = {"compute": services.results_compute, "freeze": services.results_freeze,
          "publish": services.results_publish}.get(action)
    if fn is None:
        raise NotFound()
    fn(actor=request.user, cluster_year=cy)
    return {"state": selectors.config_of(cluster_year=cy).state}


class IndicatorRowOut(Schema):
    code: str
    name: str
    unit_of_measure: str
    cluster_total: Decimal | None
    national: Decimal | None
    share_percent: Decimal | None
    members_reported: int
    members_expected: int
    members: list[dict]


@router.get("/scoring/{code}/{year}/indicators", response=list[IndicatorRowOut], summary="Chỉ tiêu kinh tế - xã hội và tỷ trọng")
def indicators(request, code: str, year: int):
    cy = _cy(request, code, year)
    return [{"code": s["indicator"].code, "name": s["indicator"].name,
             "unit_of_measure": s["indicator"].unit_of_measure, "cluster_total": s["cluster_total"],
             "national": s["national"], "share_percent": s["share"],
             "members_reported": s["reported"], "members_expected": s["expected"],
             "members": [{"unit_id": m["unit_id"], "code": m["code"], "value": (str(m["value"]) if m["value"] is not None
                                                                               else None)} for m in s["members"]]}
            for s in selectors.indicator_shares(cluster_year=cy)]


class IndicatorValueIn(StrictIn):
    indicator_id: int
    unit_id: int | None = None
    value: Decimal
    source: str = Field("", max_length=255)


@router.post("/scoring/{code}/{year}/indicators", response={201: dict}, summary="Nhập số liệu chỉ tiêu")
def set_indicator(request, code: str, year: int, payload: IndicatorValueIn):
    cy = _cy(request, code, year)
    iv = services.indicator_value_set(actor=request.user, cluster_year=cy, **payload.dict())
    return Status(201, {"id": iv.pk, "value": str(iv.value)})
