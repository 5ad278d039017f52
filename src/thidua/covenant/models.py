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
    target_value = models.DecimalField(_("chỉ tiêu"), max_digits=18, decimal_places=4)
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
