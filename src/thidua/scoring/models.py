"""Results and scoring of a cluster-year (DOMAIN.md §3 steps 3–5, §5): member reports with evidence,
socio-economic indicators, scorer configuration, scores, reconciliation, computed results and ranking.

Only thidua.scoring.services writes these tables; thidua.scoring.engine recomputes MemberResult in one
set-based statement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    MIDYEAR = "midyear", _("Báo cáo sơ kết 6 tháng")
    YEAR_END = "year_end", _("Báo cáo tổng kết năm")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")


class MemberReport(models.Model):
    """A member's report for a cluster-year (sơ kết or tổng kết), with its self-assessment per criterion."""

    cluster_year = models.ForeignKey("organisations.ClusterYear", verbose_name=_("kỳ thi đua"),
                                     on_delete=models.CASCADE, related_name="member_reports")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=ReportKind.choices)
    status = models.CharField(_("trạng thái"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    summary = models.TextField(_("tóm tắt kết quả"), blank=True)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    returned_reason = models.TextField(_("lý do trả lại"), blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả lại"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["cluster_year_id", "kind", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["cluster_year", "unit", "kind"], name="report_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit_id} · {self.cluster_year_id}"


class ReportEntry(models.Model):
    """What a member reports for one criterion: actual value, narrative, self-score, occurrences."""

    report = models.ForeignKey(MemberReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey("covenant.Criterion", verbose_name=_("tiêu chí"), on_delete=models.CASCADE,
                                  related_name="+")
    actual_value = models.DecimalField(_("kết quả thực hiện"), max_digits=18, decimal_places=4, null=True, blank=True)
    narrative = models.TextField(_("thuyết minh"), blank=True)
    self_score = models.DecimalField(_("điểm tự chấm"), max_digits=7, decimal_places=2, null=True, blank=True)
    occurrences = models.PositiveIntegerField(_("số lần (điểm thưởng/điểm trừ)"), null=True, blank=True)

    class Meta:
        verbose_name = _("nội dung báo cáo theo tiêu chí")
        verbose_name_plural = _("nội dung báo cáo theo tiêu chí")
        constraints = [models.UniqueConstraint(fields=["report", "criterion"], name="entry_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.criterion_id}"


class Evidence(models.Model):
    """An evidence file (minh chứng) stored under MEDIA_ROOT under a generated name; served only by a checked view."""

    entry = models.ForeignKey(ReportEntry, verbose_name=_("nội dung báo cáo"), on_delete=models.CASCADE,
                              related_name="evidence")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp (đã kiểm tra nội dung)"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    path = models.CharField(_("đường dẫn lưu trữ"), max_length=255)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["entry_id", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Indicator(models.Model):
    """A socio-economic indicator (thu ngân sách, xuất khẩu, tăng trưởng GRDP…); cluster = None for common ones."""

    cluster = models.ForeignKey("organisations.Cluster", verbose_name=_("cụm, khối (để trống: dùng chung)"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("mã chỉ tiêu"), max_length=40)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=50)
    additive = models.BooleanField(_("cộng dồn được (tính tổng và tỷ trọng)"), default=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu kinh tế - xã hội")
        verbose_name_plural = _("chỉ tiêu kinh tế - xã hội")
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["cluster", "code"], name="indicator_unique_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_of_measure})"


class IndicatorValue(models.Model):
    """A member's value of an indicator for a year; unit = None holds the national total."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị (để trống: cả nước)"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4)
    source = models.CharField(_("nguồn số liệu / ghi chú"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "unit"], name="indicatorvalue_unique"),
            models.UniqueConstraint(fields=["indicator", "year"], condition=Q(unit__isnull=True),
                                    name="indicatorvalue_unique_national"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.unit_id or '*'}: {self.value}"


class ReconciliationRule(models.TextChoices):
    PANEL = "panel", _("Theo quyết định của tổ chấm (cụm trưởng)")
    MEAN = "mean", _("Trung bình cộng điểm chấm chéo")
    MEDIAN = "median", _("Trung vị điểm chấm chéo")
    CENTRAL = "central", _("Theo điểm của cơ quan tổ chức (Ban TĐKT Trung ương)")


class TieBreak(models.TextChoices):
    NONE = "", _("(không dùng)")
    GROUP = "group", _("Điểm cao hơn ở nhóm tiêu chí được chỉ định")
    BONUS = "bonus", _("Điểm thưởng nhiều hơn")
    FEWER_PENALTY = "fewer_penalty", _("Điểm trừ ít hơn")
    BASE = "base", _("Điểm các tiêu chí chính (không tính thưởng, trừ) cao hơn")


class ResultsState(models.TextChoices):
    OPEN = "open", _("Đang chấm")
    FROZEN = "frozen", _("Đã khóa kết quả")
    PUBLISHED = "published", _("Đã công bố cho các thành viên")


class ScoringConfig(models.Model):
    """How a cluster-year is scored: the criteria set, the reconciliation rule, the comment margin, the caps,
    the tie-breaks. All of it is data agreed by the cluster (no central text fixes it: DOMAIN.md §4,
    'Scoring scale, vote thresholds, tie-breaks' UNCONFIRMED → configured per cluster-year)."""

    cluster_year = models.OneToOneField("organisations.ClusterYear", verbose_name=_("kỳ thi đua"),
                                        on_delete=models.CASCADE, related_name="scoring_config")
    criteria_set = models.ForeignKey("covenant.CriteriaSet", verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT,
                                     related_name="+")
    rule = models.CharField(_("quy tắc thống nhất điểm"), max_length=20, choices=ReconciliationRule.choices,
                            default=ReconciliationRule.MEAN)
    comment_margin = models.DecimalField(
        _("chênh lệch tối đa so với điểm tự chấm không cần giải thích"), max_digits=7, decimal_places=2, default=1)
    bonus_cap = models.DecimalField(_("tổng điểm thưởng tối đa (0: không giới hạn)"), max_digits=7, decimal_places=2,
                                    default=0)
    penalty_cap = models.DecimalField(_("tổng điểm trừ tối đa (0: không giới hạn)"), max_digits=7, decimal_places=2,
                                      default=0)
    tie_break_1 = models.CharField(_("tiêu chí phân hạng khi bằng điểm 1"), max_length=20, choices=TieBreak.choices,
                                   blank=True, default=TieBreak.BONUS)
    tie_break_1_group = models.CharField(_("mã nhóm tiêu chí (phân hạng 1)"), max_length=20, blank=True)
    tie_break_2 = models.CharField(_("tiêu chí phân hạng khi bằng điểm 2"), max_length=20, choices=TieBreak.choices,
                                   blank=True, default=TieBreak.FEWER_PENALTY)
    tie_break_2_group = models.CharField(_("mã nhóm tiêu chí (phân hạng 2)"), max_length=20, blank=True)
    tie_break_3 = models.CharField(_("tiêu chí phân hạng khi bằng điểm 3"), max_length=20, choices=TieBreak.choices,
                                   blank=True, default=TieBreak.NONE)
    tie_break_3_group = models.CharField(_("mã nhóm tiêu chí (phân hạng 3)"), max_length=20, blank=True)
    # Bonus criteria with an award code (Criterion.auto_award_code) count the awards of that code received
    # (decision date) in the judged year or the years before it within this window.
    award_window_years = models.PositiveSmallIntegerField(
        _("số năm tính khen thưởng tự động (1: chỉ năm đánh giá)"), default=1)
    award_history_follows_unit = models.BooleanField(
        _("khen thưởng của đơn vị trước sáp nhập được tính cho đơn vị kế thừa"), default=True)
    legal_basis = models.CharField(_("căn cứ (văn bản thống nhất của cụm)"), max_length=255, blank=True)
    state = models.CharField(_("trạng thái kết quả"), max_length=20, choices=ResultsState.choices,
                             default=ResultsState.OPEN)
    computed_at = models.DateTimeField(_("thời điểm tính điểm"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("thời điểm khóa"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công bố"), null=True, blank=True)

    class Meta:
        verbose_name = _("cấu hình chấm điểm")
        verbose_name_plural = _("cấu hình chấm điểm")
        constraints = [
            models.CheckConstraint(condition=Q(comment_margin__gte=0) & Q(bonus_cap__gte=0) & Q(penalty_cap__gte=0),
                                   name="scoringconfig_non_negative"),
            models.CheckConstraint(condition=Q(award_window_years__gte=1) & Q(award_window_years__lte=10),
                                   name="scoringconfig_award_window"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_year} · {self.get_rule_display()}"

    def tie_breaks(self) -> list[tuple[str, str]]:
        out = []
        for kind, group in ((self.tie_break_1, self.tie_break_1_group), (self.tie_break_2, self.tie_break_2_group),
                            (self.tie_break_3, self.tie_break_3_group)):
            if kind:
                out.append((kind, group))
        return out


class ScorerRole(models.TextChoices):
    CROSS = "cross", _("Chấm chéo")
    PANEL = "panel", _("Tổ chấm của cụm trưởng")
    CENTRAL = "central", _("Cơ quan tổ chức")


class ScorerAssignment(models.Model):
    """Who scores whom in a cluster-year (self-scores live in the member's report)."""

    cluster_year = models.ForeignKey("organisations.ClusterYear", verbose_name=_("kỳ thi đua"),
                                     on_delete=models.CASCADE, related_name="scorer_assignments")
    role = models.CharField(_("vai trò chấm"), max_length=20, choices=ScorerRole.choices)
    scorer_unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị chấm"), on_delete=models.PROTECT,
                                    related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị được chấm"), on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = _("phân công chấm điểm")
        verbose_name_plural = _("phân công chấm điểm")
        ordering = ["cluster_year_id", "role", "scorer_unit__code", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "role", "scorer_unit", "unit"], name="assignment_unique"),
            models.CheckConstraint(condition=~Q(role="cross") | ~Q(scorer_unit=F("unit")),
                                   name="assignment_no_self_cross"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.scorer_unit_id} → {self.unit_id}"


class Score(models.Model):
    """One scorer's points for one member on one criterion."""

    # No index of its own: score_cy_unit_crit and score_unique both start with it (and the engine's ordered
    # aggregation must use score_cy_unit_crit; a lone cluster_year index invites an extra sort).
    # score_cy_unit_crit covers what the engine reads (role and points_centi): its aggregation reads the index
    # alone, in order, without visiting the table.
    cluster_year = models.ForeignKey("organisations.ClusterYear", verbose_name=_("kỳ thi đua"),
                                     on_delete=models.CASCADE, related_name="+", db_index=False)
    role = models.CharField(_("vai trò chấm"), max_length=20, choices=ScorerRole.choices)
    scorer_unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị chấm"), on_delete=models.PROTECT,
                                    related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị được chấm"), on_delete=models.PROTECT,
                             related_name="+")
    criterion = models.ForeignKey("covenant.Criterion", verbose_name=_("tiêu chí"), on_delete=models.CASCADE,
                                  related_name="+")
    points = models.DecimalField(_("điểm"), max_digits=7, decimal_places=2)
    # The same points in integer hundredths, written by the database itself on every insert and update: the
    # scoring engine sums integers (exact, and several times cheaper than decimal sums at national scale).
    points_centi = models.GeneratedField(
        expression=Cast(Round(F("points") * 100), models.IntegerField()), output_field=models.IntegerField(),
        db_persist=True, verbose_name=_("điểm (đơn vị 0,01)"))
    comment = models.TextField(_("nhận xét"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("thời điểm nhập"), auto_now=True)

    class Meta:
        verbose_name = _("điểm chấm")
        verbose_name_plural = _("điểm chấm")
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "role", "scorer_unit", "unit", "criterion"],
                                    name="score_unique"),
        ]
        indexes = [models.Index(fields=["cluster_year", "unit", "criterion"], include=["role", "points_centi"],
                                name="score_cy_unit_crit")]

    def __str__(self) -> str:
        return f"{self.scorer_unit_id}→{self.unit_id} {self.criterion_id}: {self.points}"


class ScoreOverride(models.Model):
    """A manual final score for one member and criterion, replacing the rule's result; a reason is required."""

    cluster_year = models.ForeignKey("organisations.ClusterYear", verbose_name=_("kỳ thi đua"),
                                     on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey("covenant.Criterion", verbose_name=_("tiêu chí"), on_delete=models.CASCADE,
                                  related_name="+")
    points = models.DecimalField(_("điểm thống nhất"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("lý do"))
    is_correction = models.BooleanField(_("đính chính sau công bố"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người quyết định"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("thời điểm"), auto_now=True)

    class Meta:
        verbose_name = _("điểm thống nhất thủ công")
        verbose_name_plural = _("điểm thống nhất thủ công")
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "unit", "criterion"], name="override_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="override_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.criterion_id}: {self.points}"


class MemberResult(models.Model):
    """The computed total, classification and rank of a member (written only by scoring.engine)."""

    cluster_year = models.ForeignKey("organisations.ClusterYear", verbose_name=_("kỳ thi đua"),
                                     on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    base_points = models.DecimalField(_("điểm các tiêu chí"), max_digits=9, decimal_places=2)
    bonus_points = models.DecimalField(_("điểm thưởng"), max_digits=9, decimal_places=2)
    penalty_points = models.DecimalField(_("điểm trừ"), max_digits=9, decimal_places=2)
    total = models.DecimalField(_("tổng điểm"), max_digits=9, decimal_places=2)
    tie_break_1 = models.DecimalField(_("giá trị phân hạng 1"), max_digits=9, decimal_places=2, null=True)
    tie_break_2 = models.DecimalField(_("giá trị phân hạng 2"), max_digits=9, decimal_places=2, null=True)
    tie_break_3 = models.DecimalField(_("giá trị phân hạng 3"), max_digits=9, decimal_places=2, null=True)
    classification = models.CharField(_("xếp loại"), max_length=80, null=True, blank=True)  # noqa: DJ001 - None: no band
    rank = models.PositiveIntegerField(_("thứ hạng"))
    tie_unresolved = models.BooleanField(_("bằng điểm sau mọi tiêu chí phân hạng (cần hội nghị biểu quyết)"),
                                         default=False)

    class Meta:
        verbose_name = _("kết quả của đơn vị")
        verbose_name_plural = _("kết quả của đơn vị")
        ordering = ["cluster_year_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["cluster_year", "unit"], name="result_unique")]

    def __str__(self) -> str:
        return f"{self.cluster_year_id} #{self.rank} {self.unit_id}: {self.total}"
