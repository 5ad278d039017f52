"""API of the covenant: the cycle, the criteria table and bands, registrations and signatures.

Same services as the pages, same scope: a cluster-year or registration the caller may not see is a 404.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from thidua.core.api import NumberedPagination
from thidua.core.errors import NotFound
from thidua.covenant import selectors, services
from thidua.covenant import workflow as wf
from thidua.covenant.access import member_unit_ids, roles_of
from thidua.organisations.selectors import cluster_year_get

router = Router(tags=["Giao ước thi đua"])


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class TimelineOut(Schema):
    field: str
    label: str
    date: date | None
    done: bool
    late: bool
    waiting: list[str]


class CycleOut(Schema):
    cluster: str
    year: int
    state: str | None
    state_label: str | None
    last_reason: str
    actions: list[str]
    timeline: list[TimelineOut]


class TransitionIn(StrictIn):
    action: str = Field(..., max_length=40)
    reason: str = Field("", max_length=2000)


class DeadlinesIn(StrictIn):
    registration_deadline: date | None = None
    midyear_report_deadline: date | None = None
    report_deadline: date | None = None
    conference_date: date | None = None
    dossier_deadline: date | None = None


class CriterionOut(Schema):
    id: int
    parent_id: int | None
    code: str
    title: str
    guidance: str
    order: int
    depth: int
    method: str
    max_points: Decimal
    step: Decimal | None
    unit_of_measure: str
    higher_is_better: bool
    extra_points_cap: Decimal
    points_per_occurrence: Decimal
    cap: Decimal
    auto_award_code: str
    evidence_required: bool
    scored_by: str
    national_campaign_id: int | None


class BandOut(Schema):
    label: str
    min_points: Decimal
    max_points: Decimal


class CriteriaSetOut(Schema):
    id: int
    version: int
    amendment_number: int
    title: str
    total_points: Decimal
    status: str
    legal_basis: str
    frozen_at: datetime | None
    criteria: list[CriterionOut]
    bands: list[BandOut]
    errors: list[str]


class CriteriaSetIn(StrictIn):
    title: str = Field("", max_length=255)
    total_points: Decimal = Decimal(100)
    legal_basis: str = Field("", max_length=255)
    copy_previous: bool = False


class CriterionIn(StrictIn):
    parent_id: int | None = None
    code: str = Field(..., max_length=20)
    title: str = Field(..., max_length=500)
    guidance: str = ""
    method: str
    max_points: Decimal = Decimal(0)
    step: Decimal | None = None
    unit_of_measure: str = Field("", max_length=50)
    higher_is_better: bool = True
    extra_points_cap: Decimal = Decimal(0)
    points_per_occurrence: Decimal = Decimal(0)
    cap: Decimal = Decimal(0)
    auto_award_code: str = Field("", max_length=60)
    evidence_required: bool = False
    scored_by: str = "scorers"
    national_campaign_id: int | None = None


class CriterionPatch(StrictIn):
    code: str | None = Field(None, max_length=20)
    title: str | None = Field(None, max_length=500)
    guidance: str | None = None
    method: str | None = None
    max_points: Decimal | None = None
    step: Decimal | None = None
    unit_of_measure: str | None = Field(None, max_length=50)
    higher_is_better: bool | None = None
    extra_points_cap: Decimal | None = None
    points_per_occurrence: Decimal | None = None
    cap: Decimal | None = None
    auto_award_code: str | None = Field(None, max_length=60)
    evidence_required: bool | None = None
    scored_by: str | None = None
    national_campaign_id: int | None = None


class MoveIn(StrictIn):
    direction: str = Field(..., pattern="^(up|down)$")


class BandIn(StrictIn):
    label: str = Field(..., max_length=80)
    min_points: Decimal
    max_points: Decimal


class BandsIn(StrictIn):
    bands: list[BandIn]


class CampaignIO(StrictIn):
    title: str = Field(..., max_length=255)
    description: str = ""
    national_campaign_id: int | None = None


class CommitmentIO(StrictIn):
    text: str = Field(..., max_length=5000)
    national_campaign_id: int | None = None


class TargetIO(StrictIn):
    criterion_id: int
    target_value: Decimal | None


class RegistrationOut(Schema):
    id: int
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    status: str
    return_reason: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    campaigns: list[str]

    @staticmethod
    def resolve_campaigns(obj):
        return [c.title for c in obj.campaigns.all()]


class RegistrationDetailOut(Schema):
    id: int | None
    unit_id: int
    status: str
    return_reason: str
    campaigns: list[CampaignIO]
    commitments: list[CommitmentIO]
    targets: list[TargetIO]


class RegistrationIn(StrictIn):
    targets: list[TargetIO] | None = None
    campaigns: list[CampaignIO] | None = None
    commitments: list[CommitmentIO] | None = None


class ReasonIn(StrictIn):
    reason: str = Field("", max_length=2000)


class SignatureOut(Schema):
    id: int
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    document_uid: str
    document_sha256: str
    signed_by_id: int | None
    signed_by_system: bool
    signer_name: str
    signed_at: datetime
    has_scan: bool
    current: bool

    @staticmethod
    def resolve_document_uid(obj):
        return str(obj.document.uid)

    @staticmethod
    def resolve_has_scan(obj):
        return bool(obj.scan_path)

    @staticmethod
    def resolve_current(obj, context):
        return obj.document_id == context["request"]._covenant_doc_id


class SignIn(StrictIn):
    unit_id: int
    document_sha256: str = Field(..., min_length=64, max_length=64)


class DocumentOut(Schema):
    uid: str
    title: str
    docx_sha256: str
    pdf_sha256: str
    created_at: datetime

    @staticmethod
    def resolve_uid(obj):
        return str(obj.uid)


class ImportOut(Schema):
    imported: int
    criteria_set: CriteriaSetOut


class NationalCampaignIn(StrictIn):
    title: str = Field(..., max_length=255)
    launched_by: str = Field("", max_length=255)
    legal_basis: str = Field("", max_length=255)
    start_year: int | None = Field(None, ge=1945, le=2200)
    end_year: int | None = Field(None, ge=1945, le=2200)
    description: str = Field("", max_length=5000)


class NationalCampaignOut(Schema):
    id: int
    title: str
    launched_by: str
    legal_basis: str
    start_year: int | None
    end_year: int | None


def _cy(request, code: str, year: int):
    return cluster_year_get(user=request.user, code=code, year=year)


def _cycle_out(request, cy):
    cycle = selectors.cycle_get(cluster_year=cy)
    roles = roles_of(request.user, cy)
    return {
        "cluster": cy.cluster.code, "year": cy.year, "state": cycle.state if cycle else None,
        "state_label": cycle.get_state_display() if cycle else None, "last_reason": cycle.last_reason if cycle else "",
        "actions": [t.action for t in wf.available_actions(cycle.state, roles)] if cycle else [],
        "timeline": [{**row, "label": str(row["label"])} for row in selectors.timeline(cluster_year=cy, cycle=cycle)],
    }


@router.get("/covenant/years/{code}/{year}/cycle", response=CycleOut, summary="Trạng thái, mốc thời gian và thao tác của năm")
def get_cycle(request, code: str, year: int):
    return _cycle_out(request, _cy(request, code, year))


@router.post("/covenant/years/{code}/{year}/cycle", response={201: CycleOut}, summary="Bắt đầu chu trình năm")
def start_cycle(request, code: str, year: int):
    cy = _cy(request, code, year)
    services.cycle_ensure(actor=request.user, cluster_year_id=cy.pk)
    return Status(201, _cycle_out(request, cy))


@router.post("/covenant/years/{code}/{year}/cycle/transitions", response=CycleOut, summary="Chuyển trạng thái (có lý do khi trả lại)")
def transition(request, code: str, year: int, payload: TransitionIn):
    cy = _cy(request, code, year)
    services.cycle_transition(actor=request.user, cluster_year_id=cy.pk, action=payload.action, reason=payload.reason)
    return _cycle_out(request, cy)


@router.put("/covenant/years/{code}/{year}/cycle/deadlines", response=CycleOut, summary="Sửa các mốc thời gian")
def set_deadlines(request, code: str, year: int, payload: DeadlinesIn):
    cy = _cy(request, code, year)
    services.cycle_set_deadlines(actor=request.user, cluster_year_id=cy.pk, **payload.dict(exclude_unset=True))
    return _cycle_out(request, cy)


def _set_out(cs):
    return {
        "id": cs.pk, "version": cs.version, "amendment_number": cs.amendment_number, "title": cs.title,
        "total_points": cs.total_points, "status": cs.status, "legal_basis": cs.legal_basis, "frozen_at": cs.frozen_at,
        "criteria": selectors.criteria_of(criteria_set=cs), "bands": selectors.bands_of(criteria_set=cs),
        "errors": [str(e.message) for e in services.criteria_set_errors(cs)],
    }


@router.get("/covenant/years/{code}/{year}/criteria", response=CriteriaSetOut, summary="Bộ tiêu chí đang áp dụng (hoặc bản dự thảo)")
def get_criteria(request, code: str, year: int, version: int | None = None):
    cy = _cy(request, code, year)
    cs = (selectors.criteria_sets_of(cluster_year=cy).filter(version=version).first() if version
          else selectors.current_criteria_set(cluster_year=cy))
    if cs is None:
        raise NotFound()
    return _set_out(cs)


@router.post("/covenant/years/{code}/{year}/criteria-sets", response={201: CriteriaSetOut}, summary="Lập bộ tiêu chí (mới hoặc sao chép năm trước)")
def create_criteria_set(request, code: str, year: int, payload: CriteriaSetIn):
    cy = _cy(request, code, year)
    if payload.copy_previous:
        cs = services.criteria_set_copy_previous(actor=request.user, cluster_year_id=cy.pk)
    else:
        cs = services.criteria_set_create(actor=request.user, cluster_year_id=cy.pk, title=payload.title,
                                          total_points=payload.total_points, legal_basis=payload.legal_basis)
    return Status(201, _set_out(cs))


@router.post("/covenant/years/{code}/{year}/amendments", response={201: CriteriaSetOut}, summary="Lập bản sửa đổi bộ tiêu chí đã ký")
def create_amendment(request, code: str, year: int, payload: ReasonIn):
    cy = _cy(request, code, year)
    amendment = services.amendment_create(actor=request.user, cluster_year_id=cy.pk, reason=payload.reason)
    return Status(201, _set_out(amendment.criteria_set))


@router.post("/covenant/criteria-sets/{set_id}/criteria", response={201: CriterionOut}, summary="Thêm tiêu chí (bản dự thảo)")
def add_criterion(request, set_id: int, payload: CriterionIn):
    data = payload.dict()
    parent_id = data.pop("parent_id")
    node = services.criterion_add(actor=request.user, criteria_set_id=set_id, parent_id=parent_id, **data)
    node.depth = 0 if not parent_id else 1
    return Status(201, node)


@router.patch("/covenant/criteria/{criterion_id}", response=CriterionOut, summary="Sửa tiêu chí (bản dự thảo)")
def update_criterion(request, criterion_id: int, payload: CriterionPatch):
    node = services.criterion_update(actor=request.user, criterion_id=criterion_id, **payload.dict(exclude_unset=True))
    node.depth = 0 if not node.parent_id else 1
    return node


@router.delete("/covenant/criteria/{criterion_id}", response={204: None}, summary="Xóa tiêu chí (bản dự thảo)")
def delete_criterion(request, criterion_id: int):
    services.criterion_delete(actor=request.user, criterion_id=criterion_id)
    return Status(204, None)


@router.post("/covenant/criteria/{criterion_id}/move", response=CriterionOut, summary="Đổi thứ tự tiêu chí")
def move_criterion(request, criterion_id: int, payload: MoveIn):
    node = services.criterion_move(actor=request.user, criterion_id=criterion_id, direction=payload.direction)
    node.depth = 0 if not node.parent_id else 1
    return node


@router.put("/covenant/criteria-sets/{set_id}/bands", response=list[BandOut], summary="Thay các mức xếp loại")
def replace_bands(request, set_id: int, payload: BandsIn):
    return services.bands_replace(actor=request.user, criteria_set_id=set_id,
                                  bands=[b.dict() for b in payload.bands])


@router.get("/covenant/years/{code}/{year}/registrations", response=list[RegistrationOut], summary="Đăng ký thi đua bạn được xem")
@paginate(NumberedPagination)
def list_registrations(request, code: str, year: int):
    cy = _cy(request, code, year)
    return selectors.registrations_for(user=request.user, cluster_year=cy).prefetch_related("campaigns")


def _registration_out(request, cy, unit_id: int):
    if unit_id not in member_unit_ids(cy):
        raise NotFound()
    reg = selectors.registration_get(user=request.user, cluster_year=cy, unit_id=unit_id)
    cs = services._pending_set(cy)
    from thidua.covenant.models import MemberTarget

    targets = (MemberTarget.objects.filter(unit_id=unit_id, criterion__criteria_set=cs)
               .values_list("criterion_id", "target_value") if cs else [])
    return {
        "id": reg.pk if reg else None, "unit_id": unit_id, "status": reg.status if reg else "draft",
        "return_reason": reg.return_reason if reg else "",
        "campaigns": [{"title": c.title, "description": c.description, "national_campaign_id": c.national_campaign_id}
                      for c in reg.campaigns.all()] if reg else [],
        "commitments": [{"text": c.text, "national_campaign_id": c.national_campaign_id}
                        for c in reg.commitments.all()] if reg else [],
        "targets": [{"criterion_id": k, "target_value": v} for k, v in targets],
    }


@router.get("/covenant/years/{code}/{year}/registrations/{unit_id}", response=RegistrationDetailOut, summary="Đăng ký của một đơn vị")
def get_registration(request, code: str, year: int, unit_id: int):
    return _registration_out(request, _cy(request, code, year), unit_id)


@router.put("/covenant/years/{code}/{year}/registrations/{unit_id}", response=RegistrationDetailOut, summary="Lưu đăng ký của đơn vị mình")
def save_registration(request, code: str, year: int, unit_id: int, payload: RegistrationIn):
    cy = _cy(request, code, year)
    services.registration_save(
        actor=request.user, cluster_year_id=cy.pk, unit_id=unit_id,
        targets={t.criterion_id: t.target_value for t in payload.targets} if payload.targets is not None else None,
        campaigns=[c.dict() for c in payload.campaigns] if payload.campaigns is not None else None,
        commitments=[c.dict() for c in payload.commitments] if payload.commitments is not None else None)
    return _registration_out(request, cy, unit_id)


@router.post("/covenant/years/{code}/{year}/registrations/{unit_id}/submit", response=RegistrationDetailOut, summary="Gửi đăng ký")
def submit_registration(request, code: str, year: int, unit_id: int):
    cy = _cy(request, code, year)
    services.registration_submit(actor=request.user, cluster_year_id=cy.pk, unit_id=unit_id)
    return _registration_out(request, cy, unit_id)


@router.post("/covenant/registrations/{registration_id}/accept", response=RegistrationOut, summary="Chấp nhận đăng ký (thư ký cụm)")
def accept_registration(request, registration_id: int):
    return services.registration_accept(actor=request.user, registration_id=registration_id)


@router.post("/covenant/registrations/{registration_id}/return", response=RegistrationOut, summary="Trả lại đăng ký, nêu lý do")
def return_registration(request, registration_id: int, payload: ReasonIn):
    return services.registration_return(actor=request.user, registration_id=registration_id, reason=payload.reason)


@router.get("/covenant/years/{code}/{year}/signatures", response=list[SignatureOut], summary="Chữ ký giao ước của năm")
@paginate(NumberedPagination)
def list_signatures(request, code: str, year: int):
    cy = _cy(request, code, year)
    doc = services.current_covenant_document(cy)
    request._covenant_doc_id = doc.pk if doc else None
    return selectors.signatures_of(cluster_year=cy)


@router.post("/covenant/years/{code}/{year}/signatures", response={201: SignatureOut}, summary="Ký giao ước (lãnh đạo đơn vị)")
def sign(request, code: str, year: int, payload: SignIn):
    cy = _cy(request, code, year)
    sig = services.signature_confirm(actor=request.user, cluster_year_id=cy.pk, unit_id=payload.unit_id,
                                     document_sha256=payload.document_sha256)
    request._covenant_doc_id = sig.document_id
    return Status(201, selectors.signatures_of(cluster_year=cy).get(pk=sig.pk))


@router.get("/covenant/years/{code}/{year}/documents/covenant", response=DocumentOut, summary="Văn bản giao ước đang ký / đã ký")
def get_covenant_document(request, code: str, year: int):
    cy = _cy(request, code, year)
    doc = services.current_covenant_document(cy)
    if doc is None:
        raise NotFound()
    return doc


@router.post("/covenant/years/{code}/{year}/documents/covenant", response={201: DocumentOut}, summary="Lập văn bản giao ước")
def issue_covenant_document(request, code: str, year: int):
    cy = _cy(request, code, year)
    return Status(201, services.covenant_document_issue(actor=request.user, cluster_year_id=cy.pk))


@router.post("/covenant/years/{code}/{year}/documents/plan", response={201: DocumentOut}, summary="Lập Kế hoạch của năm")
def issue_plan_document(request, code: str, year: int):
    cy = _cy(request, code, year)
    return Status(201, services.plan_document_issue(actor=request.user, cluster_year_id=cy.pk))


@router.get("/covenant/national-campaigns", response=list[NationalCampaignOut], summary="Phong trào thi đua toàn quốc")
@paginate(NumberedPagination)
def list_national_campaigns(request):
    return selectors.national_campaigns()


@router.post("/covenant/national-campaigns", response={201: NationalCampaignOut},
             summary="Ghi nhận phong trào thi đua toàn quốc (cơ quan tổ chức)")
def create_national_campaign(request, payload: NationalCampaignIn):
    return Status(201, services.national_campaign_create(actor=request.user, **payload.dict()))


@router.get("/covenant/years/{code}/{year}/criteria/export.xlsx", summary="Tải bảng tiêu chí (Excel)")
def export_criteria(request, code: str, year: int, version: int | None = None):
    from thidua.covenant import excel

    cy = _cy(request, code, year)
    cs = (selectors.criteria_sets_of(cluster_year=cy).filter(version=version).first() if version
          else selectors.editing_criteria_set(cluster_year=cy))
    if cs is None:
        raise NotFound()
    response = HttpResponse(excel.export_xlsx(cs),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tieu-chi-{code}-{year}-v{cs.version}.xlsx"'
    return response


@router.post("/covenant/criteria-sets/{set_id}/import", response=ImportOut,
             summary="Nhập bảng tiêu chí từ Excel (tệp lỗi bị từ chối toàn bộ, báo dòng/cột/lý do)")
def import_criteria(request, set_id: int, file: File[UploadedFile]):
    from thidua.core.errors import invalid
    from thidua.covenant import excel
    from thidua.covenant.models import CriteriaSet

    if file.size > excel.MAX_BYTES:
        raise invalid(_("Tệp quá lớn (tối đa 5 MB)."), field="file")
    n = excel.import_xlsx(actor=request.user, criteria_set_id=set_id, data=file.read(), filename=file.name or "")
    return {"imported": n, "criteria_set": _set_out(CriteriaSet.objects.get(pk=set_id))}
