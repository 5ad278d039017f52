"""API of the review conference: set-up, attendance, ballots, online voting with receipts, paper counts,
results and confirmation. The same scoped selectors and services as the pages."""

from datetime import date

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from thidua.conference import selectors, services
from thidua.conference.documents import conference_minutes_issue, results_report_issue
from thidua.conference.models import BallotMethod
from thidua.core.api import NumberedPagination
from thidua.core.errors import NotFound

router = Router(tags=["Hội nghị tổng kết, bỏ phiếu"])


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class ConferenceOut(Schema):
    id: int
    cluster: str = Field(alias="cluster_year.cluster.code")
    year: int = Field(alias="cluster_year.year")
    held_on: date
    place: str
    host_id: int
    chair: str
    secretary: str
    central_leader: str
    quorum: str
    state: str

    @staticmethod
    def resolve_quorum(obj):
        return f"{obj.quorum_numerator}/{obj.quorum_denominator}"


class ConferenceIn(StrictIn):
    cluster_year_id: int
    held_on: date
    place: str = Field(max_length=255)
    host_id: int | None = None
    chair: str = Field("", max_length=255)
    secretary: str = Field("", max_length=255)
    central_leader: str = Field("", max_length=255)
    quorum_numerator: int = 2
    quorum_denominator: int = 3
    agenda: list[str] = []


class ConferencePatch(StrictIn):
    held_on: date | None = None
    place: str | None = Field(None, max_length=255)
    host_id: int | None = None
    chair: str | None = Field(None, max_length=255)
    secretary: str | None = Field(None, max_length=255)
    central_leader: str | None = Field(None, max_length=255)
    quorum_numerator: int | None = None
    quorum_denominator: int | None = None
    quorum_legal_basis: str | None = Field(None, max_length=255)
    notes: str | None = Field(None, max_length=4000)
    agenda: list[str] | None = None


class CancelIn(StrictIn):
    reason: str = Field(max_length=2000)


class DelegateIn(StrictIn):
    unit_id: int
    full_name: str = Field(max_length=255)
    position: str = Field("", max_length=255)
    user_id: int | None = None


class DelegateOut(Schema):
    id: int
    unit_id: int
    full_name: str
    position: str
    checked_in: bool
    on_counting_committee: bool


class CheckInIn(StrictIn):
    present: bool = True


class CommitteeIn(StrictIn):
    delegate_ids: list[int]


class CandidateOut(Schema):
    id: int
    unit_id: int | None
    label: str
    position: int
    blocked_reason: str
    blocked_citation: str


class BallotOut(Schema):
    id: int
    conference_id: int
    kind: str
    award_code: str
    title: str
    method: str
    round: int
    state: str
    voter_basis: str
    pass_basis: str
    threshold: str
    seats: int
    max_choices: int
    allow_abstain: bool
    tie_rule: str
    legal_basis: str
    rule_status: str
    candidates: list[CandidateOut]

    @staticmethod
    def resolve_threshold(obj):
        return selectors.threshold_text(obj)

    @staticmethod
    def resolve_candidates(obj):
        return list(obj.candidates.all())


class BallotIn(StrictIn):
    kind: str
    method: str = BallotMethod.ONLINE
    award_code: str = ""
    title: str = Field("", max_length=500)
    motion_text: str = Field("", max_length=500)
    candidate_unit_ids: list[int] | None = None
    voter_basis: str | None = None
    pass_basis: str | None = None
    threshold_numerator: int | None = None
    threshold_denominator: int | None = None
    threshold_strict: bool | None = None
    seats: int | None = None
    max_choices: int | None = None
    allow_abstain: bool | None = None
    tie_rule: str | None = None


class CastIn(StrictIn):
    candidate_ids: list[int] = []
    abstain: bool = False


class ReceiptOut(Schema):
    receipt: str
    message: str


class PaperCountIn(StrictIn):
    committee_member_id: int
    issued: int
    returned: int
    unused: int
    valid: int
    invalid: int
    blank: int = 0
    votes: dict[int, int]
    notes: str = Field("", max_length=2000)


class CommitteeMemberIn(StrictIn):
    committee_member_id: int


class VoterOut(Schema):
    voter_key: str
    unit_id: int
    voted_on: date


class DocumentOut(Schema):
    uid: str
    title: str
    symbol: str
    number: int | None

    @staticmethod
    def resolve_uid(obj):
        return str(obj.uid)


@router.get("/conferences", response=list[ConferenceOut], summary="Các hội nghị tổng kết được xem")
@paginate(NumberedPagination)
def list_conferences(request):
    return selectors.conferences_for(user=request.user)


@router.post("/conferences", response={201: ConferenceOut}, summary="Tạo hội nghị tổng kết của kỳ thi đua")
def create_conference(request, payload: ConferenceIn):
    conf = services.conference_create(actor=request.user, **payload.dict())
    return Status(201, selectors.conference_get(user=request.user, conference_id=conf.pk))


@router.get("/conferences/{int:conference_id}", response=ConferenceOut, summary="Hội nghị")
def get_conference(request, conference_id: int):
    return selectors.conference_get(user=request.user, conference_id=conference_id)


@router.patch("/conferences/{int:conference_id}", response=ConferenceOut,
              summary="Sửa thông tin hội nghị, chương trình (khi hội nghị chưa kết thúc)")
def patch_conference(request, conference_id: int, payload: ConferencePatch):
    services.conference_update(actor=request.user, conference_id=conference_id, **payload.dict(exclude_none=True))
    return selectors.conference_get(user=request.user, conference_id=conference_id)


@router.get("/conferences/{int:conference_id}/delegates", response=list[DelegateOut], summary="Đại biểu, điểm danh")
def list_delegates(request, conference_id: int):
    conf = selectors.conference_get(user=request.user, conference_id=conference_id)
    return list(conf.delegates.order_by("unit__code", "id"))


@router.post("/conferences/{int:conference_id}/delegates", response={201: DelegateOut}, summary="Mời đại biểu")
def add_delegate(request, conference_id: int, payload: DelegateIn):
    return Status(201, services.delegate_add(actor=request.user, conference_id=conference_id, **payload.dict()))


@router.delete("/delegates/{int:delegate_id}", response={204: None},
               summary="Xóa đại biểu mời nhầm (khi chưa được tính trong cuộc bỏ phiếu nào)")
def remove_delegate(request, delegate_id: int):
    services.delegate_remove(actor=request.user, delegate_id=delegate_id)
    return Status(204, None)


@router.post("/delegates/{int:delegate_id}/check-in", response=DelegateOut, summary="Điểm danh đại biểu")
def check_in(request, delegate_id: int, payload: CheckInIn):
    return services.delegate_check_in(actor=request.user, delegate_id=delegate_id, present=payload.present)


@router.post("/conferences/{int:conference_id}/counting-committee", response=list[DelegateOut],
             summary="Bầu Ban kiểm phiếu")
def set_committee(request, conference_id: int, payload: CommitteeIn):
    return services.counting_committee_set(actor=request.user, conference_id=conference_id,
                                           delegate_ids=payload.delegate_ids)


@router.get("/conferences/{int:conference_id}/ballots", response=list[BallotOut], summary="Các cuộc bỏ phiếu")
def list_ballots(request, conference_id: int):
    conf = selectors.conference_get(user=request.user, conference_id=conference_id)
    return selectors.ballots_of(conference=conf)


@router.post("/conferences/{int:conference_id}/ballots", response={201: BallotOut}, summary="Tạo cuộc bỏ phiếu")
def create_ballot(request, conference_id: int, payload: BallotIn):
    data = {k: v for k, v in payload.dict().items() if v is not None}
    b = services.ballot_create(actor=request.user, conference_id=conference_id, **data)
    return Status(201, selectors.ballot_get(user=request.user, ballot_id=b.pk))


@router.post("/conferences/{int:conference_id}/minutes", response={201: DocumentOut},
             summary="Lập Biên bản hội nghị (.docx, PDF)")
def issue_minutes(request, conference_id: int):
    return Status(201, conference_minutes_issue(actor=request.user, conference_id=conference_id))


@router.post("/conferences/{int:conference_id}/results-report", response={201: DocumentOut},
             summary="Lập Báo cáo kết quả bình xét, suy tôn gửi cơ quan tổ chức (khi mọi kết quả đã xác nhận)")
def issue_results_report(request, conference_id: int):
    return Status(201, results_report_issue(actor=request.user, conference_id=conference_id))


@router.get("/ballots/{int:ballot_id}", response=BallotOut, summary="Cuộc bỏ phiếu")
def get_ballot(request, ballot_id: int):
    return selectors.ballot_get(user=request.user, ballot_id=ballot_id)


def _transition(fn):
    def view(request, ballot_id: int):
        fn(actor=request.user, ballot_id=ballot_id)
        return selectors.ballot_get(user=request.user, ballot_id=ballot_id)
    return view


for _name, _fn, _summary in (("open", services.ballot_open, "Mở bỏ phiếu (kiểm tra số thành viên tối thiểu)"),
                             ("close", services.ballot_close, "Khóa hòm phiếu"),
                             ("publish", services.ballot_publish, "Công bố kết quả, mã biên nhận và các phiếu"),
                             ("confirm", services.ballot_confirm, "Xác nhận kết quả")):
    router.post(f"/ballots/{{int:ballot_id}}/{_name}", response=BallotOut, summary=_summary,
                operation_id=f"conference_ballot_{_name}")(_transition(_fn))


@router.post("/ballots/{int:ballot_id}/cancel", response=BallotOut,
             summary="Hủy cuộc bỏ phiếu chưa mở (ghi lý do; không còn tính trong kết quả hội nghị)")
def cancel_ballot(request, ballot_id: int, payload: CancelIn):
    services.ballot_cancel(actor=request.user, ballot_id=ballot_id, reason=payload.reason)
    return selectors.ballot_get(user=request.user, ballot_id=ballot_id)


@router.post("/ballots/{int:ballot_id}/runoff", response={201: BallotOut}, summary="Bỏ phiếu lại khi bằng phiếu")
def runoff(request, ballot_id: int):
    b = services.ballot_runoff_create(actor=request.user, ballot_id=ballot_id)
    return Status(201, selectors.ballot_get(user=request.user, ballot_id=b.pk))


@router.post("/ballots/{int:ballot_id}/cast", response={201: ReceiptOut}, summary="Bỏ phiếu kín (đại biểu)")
def cast(request, ballot_id: int, payload: CastIn):
    receipt = services.ballot_cast(actor=request.user, ballot_id=ballot_id, candidate_ids=payload.candidate_ids,
                                   abstain=payload.abstain)
    return Status(201, {"receipt": receipt, "message": _("Phiếu đã được ghi nhận. Hãy lưu mã biên nhận để kiểm tra sau.")})


class ReceiptIn(StrictIn):
    code: str = Field(max_length=20)


@router.post("/ballots/{int:ballot_id}/receipt", summary="Kiểm tra mã biên nhận (POST: không để mã trong URL, nhật ký)")
def check_receipt(request, ballot_id: int, payload: ReceiptIn):
    return selectors.receipt_check(user=request.user, ballot_id=ballot_id, receipt=payload.code)


@router.get("/ballots/{int:ballot_id}/voters", response=list[VoterOut], summary="Danh sách cử tri đã bỏ phiếu")
def voters(request, ballot_id: int):
    return list(selectors.voter_register(ballot=selectors.ballot_get(user=request.user, ballot_id=ballot_id)))


@router.get("/ballots/{int:ballot_id}/result", summary="Kết quả (niêm phong cho tới khi kiểm phiếu xong)")
def result(request, ballot_id: int):
    return selectors.ballot_result_for(user=request.user, ballot_id=ballot_id)


@router.get("/ballots/{int:ballot_id}/published", summary="Tệp công bố (để kiểm phiếu lại bằng `thidua tally verify`)")
def published(request, ballot_id: int):
    b = selectors.ballot_get(user=request.user, ballot_id=ballot_id)
    if not b.published_json:
        raise NotFound()
    resp = HttpResponse(b.published_json, content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="ballot-{b.pk}.json"'
    return resp


@router.post("/ballots/{int:ballot_id}/paper-count", response={201: dict}, summary="Ban kiểm phiếu nhập số liệu")
def paper_count(request, ballot_id: int, payload: PaperCountIn):
    data = payload.dict()
    services.paper_count_enter(actor=request.user, ballot_id=ballot_id, **data)
    return Status(201, {"state": "entered"})


@router.post("/ballots/{int:ballot_id}/paper-count/confirm", response=dict, summary="Thành viên thứ hai xác nhận")
def paper_count_confirm(request, ballot_id: int, payload: CommitteeMemberIn):
    services.paper_count_confirm(actor=request.user, ballot_id=ballot_id,
                                 committee_member_id=payload.committee_member_id)
    return {"state": "confirmed"}


class RotationIn(StrictIn):
    unit_ids: list[int]
    reason: str = Field("", max_length=500)


class RotationUnitOut(Schema):
    id: int
    code: str
    name: str | None = Field(None, alias="as_of_name")


class CandidateIn(StrictIn):
    unit_id: int
    nominated_by: str = Field("", max_length=120)


class RuleIn(StrictIn):
    title: str | None = Field(None, max_length=500)
    method: str | None = None
    voter_basis: str | None = None
    pass_basis: str | None = None
    threshold_numerator: int | None = None
    threshold_denominator: int | None = None
    threshold_strict: bool | None = None
    seats: int | None = None
    max_choices: int | None = None
    allow_abstain: bool | None = None
    tie_rule: str | None = None
    legal_basis: str | None = Field(None, max_length=4000)
    rule_status: str | None = Field(None, max_length=20)


@router.get("/clusters/{code}/rotation", response=list[RotationUnitOut], summary="Thứ tự luân phiên cụm trưởng")
def get_rotation(request, code: str, year: int):
    from thidua.organisations.selectors import cluster_get

    return selectors.rotation_for(user=request.user, cluster=cluster_get(user=request.user, code=code), year=year)


@router.put("/clusters/{code}/rotation", response=list[int], summary="Sửa thứ tự luân phiên (cơ quan tổ chức, thư ký cụm)")
def put_rotation(request, code: str, payload: RotationIn):
    entries = services.rotation_set(actor=request.user, cluster_code=code, unit_ids=payload.unit_ids,
                                    reason=payload.reason)
    return [e.unit_id for e in entries]


@router.post("/ballots/{int:ballot_id}/candidates", response={201: CandidateOut}, summary="Đề cử thêm ứng viên")
def add_candidate(request, ballot_id: int, payload: CandidateIn):
    return Status(201, services.candidate_add(actor=request.user, ballot_id=ballot_id, unit_id=payload.unit_id,
                                              nominated_by=payload.nominated_by))


@router.delete("/candidates/{int:candidate_id}", response={204: None}, summary="Bớt ứng viên (khi chưa mở)")
def remove_candidate(request, candidate_id: int):
    services.candidate_remove(actor=request.user, candidate_id=candidate_id)
    return Status(204, None)


@router.patch("/ballots/{int:ballot_id}/rule", response=BallotOut, summary="Sửa quy tắc (khi chưa mở)")
def patch_rule(request, ballot_id: int, payload: RuleIn):
    services.ballot_update_rule(actor=request.user, ballot_id=ballot_id, **payload.dict(exclude_none=True))
    return selectors.ballot_get(user=request.user, ballot_id=ballot_id)
