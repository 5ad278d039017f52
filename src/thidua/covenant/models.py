"""The covenant of a cluster-year: its annual cycle, the criteria and scoring scale (versioned, frozen
once signed), the classification bands, and each member's registered targets.

Shared schema: scoring (issue 4) reads Criterion, MemberTarget and ClassificationBand through
thidua.covenant.selectors; only thidua.covenant.services writes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CycleState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    REGISTRATION_OPEN = "registration_open", _("Đang đăng ký")
    COVENANT_SIGNED = "covenant_signed", _("Đã ký giao ước")
    IMPLEMENTATION = "implementation", _("Đang thực hiện")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    SCORING = "scoring", _("Chấm điểm")
    REVIEW_CONFERENCE = "review_conference", _("Hội nghị tổng kết")
    PROPOSALS = "proposals", _("Đề nghị khen thưởng")
    CLOSED = "closed", _("Đã kết thúc")


class YearCycle(models.Model):
    """The state of a cluster-year in its annual cycle, with its deadlines (data, not code)."""

    cluster_year = models.OneToOneField(
        "organisations.ClusterYear", verbose_name=_("kỳ thi đua"), on_delete=models.CASCADE, related_name="cycle"
    )
    state = models.CharField(_("trạng thái"), max_length=30, choices=CycleState.choices, default=CycleState.DRAFT)
    registration_deadline = models.DateField(_("hạn đăng ký"), null=True, blank=True)
    midyear_report_deadline = models.DateField(_("hạn báo cáo sơ kết"), null=True, blank=True)
    report_deadline = models.DateField(_("hạn báo cáo tổng kết"), null=True, blank=True)
    conference_date = models.DateField(_("ngày hội nghị tổng kết"), null=True, blank=True)
    dossier_deadline = models.DateField(_("hạn nộp hồ sơ khen thưởng"), null=True, blank=True)
    last_reason = models.TextField(_("lý do của lần chuyển trạng thái gần nhất"), blank=True)
    content_changed_at = models.DateTimeField(
        _("lần cuối nội dung giao ước thay đổi"), null=True, blank=True,
        help_text=_("Văn bản giao ước lập trước thời điểm này đã cũ và không thể ký."),
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("chu trình năm")
        verbose_name_plural = _("chu trình năm")

    def __str__(self) -> str:
        return f"{self.cluster_year} · {self.get_state_display()}"


class CriteriaSetStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    FROZEN = "frozen", _("Đã khóa (giao ước đã ký)")
    SUPERSEDED = "superseded", _("Đã được thay bằng bản sửa đổi")


class CriteriaSet(models.Model):
    """One version of a cluster-year's criteria table (bộ tiêu chí, thang điểm). Amendments after signing are
    new versions with an amendment number that members must sign again."""

    cluster_year = models.ForeignKey(
        "organisations.ClusterYear", verbose_name=_("kỳ thi đua"), on_delete=models.CASCADE, related_name="criteria_sets"
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    amendment_number = models.PositiveIntegerField(_("số sửa đổi"), default=0)
    title = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    total_points = models.DecimalField(_("tổng điểm chuẩn"), max_digits=7, decimal_places=2, default=100)
    status = models.CharField(_("trạng thái"), max_length=20, choices=CriteriaSetStatus.choices, default=CriteriaSetStatus.DRAFT)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("sao chép từ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    frozen_at = models.DateTimeField(_("thời điểm khóa"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["cluster_year_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["cluster_year", "version"], name="criteriaset_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Method(models.TextChoices):
    GROUP = "group", _("Nhóm tiêu chí (cộng điểm các tiêu chí con)")
    GRADED = "graded", _("Chấm điểm từ 0 đến tối đa")
    QUANTITATIVE = "quantitative", _("Định lượng so với chỉ tiêu đăng ký")
    PASS_FAIL = "pass_fail", _("Đạt / không đạt")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class ScoredBy(models.TextChoices):
    SCORERS = "scorers", _("Người chấm theo cấu hình của kỳ (tự chấm, chấm chéo, tổ chấm)")
    AUTOMATIC = "automatic", _("Tự động từ số liệu")
    PANEL = "panel", _("Tổ chấm của cụm trưởng")
    ORGANISER = "organiser", _("Cơ quan tổ chức")


class Criterion(models.Model):
    """A node of the criteria tree: group → criterion → sub-criterion."""

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc nhóm"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung tiêu chí"), max_length=500)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    method = models.CharField(_("cách chấm"), max_length=20, choices=Method.choices, default=Method.GRADED)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=7, decimal_places=2, default=0)
    step = models.DecimalField(_("bước điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    higher_is_better = models.BooleanField(_("càng cao càng tốt"), default=True)
    extra_points_cap = models.DecimalField(
        _("điểm cộng thêm tối đa khi vượt chỉ tiêu"), max_digits=7, decimal_places=2, default=0
    )
    points_per_occurrence = models.DecimalField(_("điểm mỗi lần"), max_digits=7, decimal_places=2, default=0)
    cap = models.DecimalField(_("mức trần (thưởng/trừ)"), max_digits=7, decimal_places=2, default=0)
    auto_award_code = models.CharField(
        _("tự động cộng khi đơn vị được tặng"), max_length=60, blank=True,
        help_text=_("Mã danh hiệu/hình thức khen thưởng trong danh mục (ví dụ co-thi-dua-chinh-phu)."),
    )
    evidence_required = models.BooleanField(_("bắt buộc minh chứng"), default=False)
    national_campaign = models.ForeignKey(
        "covenant.NationalCampaign", verbose_name=_("phong trào thi đua toàn quốc liên quan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="criteria",
    )
    scored_by = models.CharField(_("ai chấm"), max_length=20, choices=ScoredBy.choices, default=ScoredBy.SCORERS)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0) & Q(cap__gte=0) & Q(extra_points_cap__gte=0),
                                   name="criterion_non_negative"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="criterion_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class ClassificationBand(models.Model):
    """Score bands mapping totals to classifications (xuất sắc / tốt / khá …), per criteria set."""

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("xếp loại"), max_length=80)
    min_points = models.DecimalField(_("từ điểm"), max_digits=7, decimal_places=2)
    max_points = models.DecimalField(_("đến điểm"), max_digits=7, decimal_places=2)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["criteria_set_id", "-min_points"]
        constraints = [models.CheckConstraint(condition=Q(max_points__gte=F("min_points")), name="band_range")]

    def __str__(self) -> str:
        return f"{self.label} ({self.min_points}–{self.max_points})"


class MemberTarget(models.Model):
    """A member's registered target for a quantitative criterion."""

    cluster_year = models.ForeignKey(
        "organisations.ClusterYear", verbose_name=_("kỳ thi đua"), on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="targets")
    target_value = models.DecimalField(pgettext_lazy("mục tiêu giao ước", "chỉ tiêu"), max_digits=18, decimal_places=4)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu đăng ký")
        verbose_name_plural = _("chỉ tiêu đăng ký")
        constraints = [models.UniqueConstraint(fields=["unit", "criterion"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.criterion_id}: {self.target_value}"


class NationalCampaign(models.Model):
    """A nationwide emulation movement the cluster commits to (e.g. "Cả nước chung sức xây dựng nông thôn
    mới"); criteria, member campaigns and commitments may refer to it."""

    title = models.CharField(_("tên phong trào"), max_length=255, unique=True)
    launched_by = models.CharField(_("cơ quan phát động"), max_length=255, blank=True)
    legal_basis = models.CharField(_("căn cứ phát động"), max_length=255, blank=True)
    start_year = models.PositiveIntegerField(_("từ năm"), null=True, blank=True)
    end_year = models.PositiveIntegerField(_("đến năm"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("phong trào thi đua toàn quốc")
        verbose_name_plural = _("phong trào thi đua toàn quốc")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")


class Registration(models.Model):
    """A member's registration for the year (đăng ký thi đua): its targets, campaigns and commitments."""

    cluster_year = models.ForeignKey(
        "organisations.ClusterYear", verbose_name=_("kỳ thi đua"), on_delete=models.CASCADE, related_name="registrations"
    )
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=20, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.DRAFT)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("thời điểm xem xét"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xem xét"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("đăng ký thi đua")
        verbose_name_plural = _("đăng ký thi đua")
        ordering = ["cluster_year_id", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["cluster_year", "unit"], name="registration_unique")]

    def __str__(self) -> str:
        return f"{self.cluster_year} · {self.unit_id} · {self.get_status_display()}"


class MemberCampaign(models.Model):
    """A member's own annual campaign theme (e.g. Đà Nẵng "Năm Doanh nghiệp 2014")."""

    registration = models.ForeignKey(Registration, verbose_name=_("đăng ký"), on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("chủ đề phong trào"), max_length=255)
    description = models.TextField(_("nội dung"), blank=True)
    national_campaign = models.ForeignKey(
        NationalCampaign, verbose_name=_("phong trào toàn quốc liên quan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="member_campaigns",
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phong trào thi đua của đơn vị")
        verbose_name_plural = _("phong trào thi đua của đơn vị")
        ordering = ["registration_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """A commitment in free text (cam kết) of a member's registration."""

    registration = models.ForeignKey(Registration, verbose_name=_("đăng ký"), on_delete=models.CASCADE, related_name="commitments")
    text = models.TextField(_("nội dung cam kết"))
    national_campaign = models.ForeignKey(
        NationalCampaign, verbose_name=_("phong trào toàn quốc liên quan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="commitments",
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("cam kết")
        verbose_name_plural = _("cam kết")
        ordering = ["registration_id", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Amendment(models.Model):
    """A numbered amendment of a signed criteria table: a new version that every member signs again."""

    cluster_year = models.ForeignKey(
        "organisations.ClusterYear", verbose_name=_("kỳ thi đua"), on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveIntegerField(_("số sửa đổi"))
    previous_set = models.ForeignKey(CriteriaSet, verbose_name=_("phiên bản trước"), on_delete=models.PROTECT, related_name="+")
    criteria_set = models.OneToOneField(
        CriteriaSet, verbose_name=_("phiên bản sửa đổi"), on_delete=models.CASCADE, related_name="amendment"
    )
    reason = models.TextField(_("lý do sửa đổi"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)

    class Meta:
        verbose_name = _("sửa đổi giao ước")
        verbose_name_plural = _("sửa đổi giao ước")
        ordering = ["cluster_year_id", "number"]
        constraints = [models.UniqueConstraint(fields=["cluster_year", "number"], name="amendment_unique_number")]

    def __str__(self) -> str:
        return f"{self.cluster_year} · sửa đổi {self.number}"


class Signature(models.Model):
    """A member leader's confirmation of one exact version of the covenant document (by its SHA-256)."""

    cluster_year = models.ForeignKey(
        "organisations.ClusterYear", verbose_name=_("kỳ thi đua"), on_delete=models.CASCADE, related_name="signatures"
    )
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="signatures")
    document = models.ForeignKey(
        "documents.IssuedDocument", verbose_name=_("văn bản đã ký"), on_delete=models.PROTECT, related_name="+"
    )
    document_sha256 = models.CharField(_("SHA-256 của văn bản đã ký"), max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by_system = models.BooleanField(
        _("ghi nhận thay bởi hệ thống"), default=False,
        help_text=_("Chữ ký được nhập từ dòng lệnh hoặc dữ liệu trình diễn thay cho lãnh đạo đơn vị."),
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=150, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    scan_path = models.CharField(_("bản chụp bản giấy"), max_length=255, blank=True)
    scan_sha256 = models.CharField(_("SHA-256 bản chụp"), max_length=64, blank=True)
    scan_name = models.CharField(_("tên tệp bản chụp"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chữ ký giao ước")
        verbose_name_plural = _("chữ ký giao ước")
        ordering = ["cluster_year_id", "unit__code", "-signed_at"]
        constraints = [models.UniqueConstraint(fields=["document", "unit"], name="signature_unique_per_document")]

    def __str__(self) -> str:
        return f"{self.cluster_year} · {self.unit_id} · {self.document_sha256[:12]}"
