"""Awards: the catalogue of titles and forms of commendation, the base salary, the registry of persons,
award history (units and persons), blocker records, nominations and their dossiers.

Eligibility rules are not here: they are versioned YAML files in ``rulesets/`` (STYLE.md rule 5).
Collectives are organisations.Unit rows (the registry of state bodies); persons are Person rows here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    VERIFIED = "VERIFIED", _("Đã kiểm chứng")
    HISTORIC = "HISTORIC", _("Quy định cũ (đã thay thế)")
    UNCONFIRMED = "UNCONFIRMED", _("Chưa xác nhận")


class AwardKind(models.TextChoices):
    TITLE = "title", _("Danh hiệu thi đua")
    COMMENDATION = "commendation", _("Hình thức khen thưởng")


class AwardLevel(models.TextChoices):
    STATE = "state", _("Cấp Nhà nước")
    GOVERNMENT = "government", _("Cấp Chính phủ, Thủ tướng Chính phủ")
    MINISTRY_PROVINCE = "ministry_province", _("Cấp bộ, ngành, tỉnh")
    GRASSROOTS = "grassroots", _("Cấp cơ sở")


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")
    HOUSEHOLD = "household", _("Hộ gia đình")


class AwardType(models.Model):
    """One entry of the catalogue (Law Đ9, Đ8; DOMAIN.md §4), loaded from data/catalogue.yaml."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=AwardKind.choices)
    form = models.CharField(_("hình thức"), max_length=60, help_text=_("Ví dụ: cờ thi đua, bằng khen, huân chương."))
    level = models.CharField(_("cấp"), max_length=30, choices=AwardLevel.choices)
    recipient_kinds = models.JSONField(_("đối tượng được tặng"), default=list)
    proposer = models.CharField(_("cấp trình đề nghị"), max_length=255, blank=True)
    decider = models.CharField(_("cấp quyết định"), max_length=255, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    status = models.CharField(_("mức xác nhận"), max_length=12, choices=Status.choices, default=Status.VERIFIED)
    cash_multiple_collective = models.DecimalField(
        _("tiền thưởng tập thể (lần lương cơ sở)"), max_digits=6, decimal_places=2, null=True, blank=True)
    cash_multiple_individual = models.DecimalField(
        _("tiền thưởng cá nhân (lần lương cơ sở)"), max_digits=6, decimal_places=2, null=True, blank=True)
    cash_legal_basis = models.CharField(_("căn cứ mức tiền thưởng"), max_length=500, blank=True)
    cash_status = models.CharField(_("mức xác nhận tiền thưởng"), max_length=12, choices=Status.choices,
                                   default=Status.UNCONFIRMED)
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    catalogue_version = models.CharField(_("phiên bản danh mục"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("danh hiệu, hình thức khen thưởng")
        verbose_name_plural = _("danh mục khen thưởng")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class BaseSalary(models.Model):
    """Lương cơ sở (VND/month) from a date, with its legal basis (a dated parameter, never a constant)."""

    valid_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    amount_vnd = models.PositiveBigIntegerField(_("mức lương cơ sở (đồng/tháng)"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    status = models.CharField(_("mức xác nhận"), max_length=12, choices=Status.choices, default=Status.VERIFIED)

    class Meta:
        verbose_name = _("mức lương cơ sở")
        verbose_name_plural = _("mức lương cơ sở")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.amount_vnd} ({self.valid_from:%d/%m/%Y})"


class Person(models.Model):
    """An individual with a stable identity (the uid), whatever their unit or name spelling later."""

    uid = models.UUIDField(_("mã định danh trong hệ thống"), default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    national_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True, db_index=True)
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị công tác"), on_delete=models.PROTECT,
                             related_name="award_persons")
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["national_id"], condition=~Q(national_id=""), name="person_unique_national_id"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_national_id(self) -> str:
        if not self.national_id:
            return ""
        return "•" * (len(self.national_id) - 3) + self.national_id[-3:]


class Household(models.Model):
    """A household (hộ gia đình) as a nominee: some forms of commendation may go to households (Law Đ8,
    catalogue `recipient_kinds`). Identified by its head and address within the unit that manages it."""

    uid = models.UUIDField(_("mã định danh trong hệ thống"), default=uuid.uuid4, unique=True, editable=False)
    head_name = models.CharField(_("chủ hộ"), max_length=150)
    address = models.CharField(_("địa chỉ"), max_length=255)
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị quản lý"), on_delete=models.PROTECT,
                             related_name="award_households")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["head_name", "pk"]

    def __str__(self) -> str:
        return _("Hộ %(name)s") % {"name": self.head_name}


def _exactly_one(*fields: str) -> Q:
    """Exactly one of the nullable foreign keys is set."""
    cond = Q()
    for f in fields:
        term = Q(**{f"{f}__isnull": False}) & Q(**{f"{o}__isnull": True for o in fields if o != f})
        cond |= term
    return cond


class DutyRating(models.Model):
    """The yearly rating of an individual (xếp loại mức độ hoàn thành nhiệm vụ)."""

    class Rating(models.IntegerChoices):
        NOT_COMPLETED = 0, _("Không hoàn thành nhiệm vụ")
        COMPLETED = 1, _("Hoàn thành nhiệm vụ")
        GOOD = 2, _("Hoàn thành tốt nhiệm vụ")
        EXCELLENT = 3, _("Hoàn thành xuất sắc nhiệm vụ")

    person = models.ForeignKey(Person, verbose_name=_("cá nhân"), on_delete=models.CASCADE, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("năm"))
    rating = models.PositiveSmallIntegerField(_("xếp loại"), choices=Rating.choices)

    class Meta:
        verbose_name = _("xếp loại hoàn thành nhiệm vụ")
        verbose_name_plural = _("xếp loại hoàn thành nhiệm vụ")
        ordering = ["person_id", "year"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="dutyrating_unique_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}: {self.get_rating_display()}"


class CollectiveYearFacts(models.Model):
    """The figures Tập thể lao động xuất sắc is judged on, per collective and year (entered or imported)."""

    unit = models.ForeignKey("organisations.Unit", verbose_name=_("tập thể"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    members = models.PositiveIntegerField(_("tổng số thành viên"))
    members_completed = models.PositiveIntegerField(_("số hoàn thành nhiệm vụ"))
    members_advanced = models.PositiveIntegerField(_("số đạt Lao động tiên tiến"))
    members_cstd_grassroots = models.PositiveIntegerField(_("số đạt Chiến sĩ thi đua cơ sở"))
    tasks_excellent = models.BooleanField(_("hoàn thành xuất sắc nhiệm vụ"), default=False)
    unity = models.BooleanField(_("nội bộ đoàn kết"), default=True)

    class Meta:
        verbose_name = _("số liệu bình xét tập thể")
        verbose_name_plural = _("số liệu bình xét tập thể")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="collectivefacts_unique_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


class Basis(models.TextChoices):
    """Commendation types (Law Đ8); only merit counts toward merit chains (NĐ 152/2025)."""

    MERIT = "merit", _("Thành tích thường xuyên (công trạng)")
    ADHOC = "adhoc", _("Đột xuất")
    THEMATIC = "thematic", _("Theo chuyên đề, phong trào")
    DEDICATION = "dedication", _("Quá trình cống hiến")
    SENIORITY = "seniority", _("Niên hạn")
    FOREIGN = "foreign", _("Đối ngoại")


class RecordSource(models.TextChoices):
    DECISION = "decision", _("Quyết định ghi nhận trực tiếp")
    IMPORT = "import", _("Nhập từ tệp Excel")
    NOMINATION = "nomination", _("Từ hồ sơ đề nghị")


class AwardRecord(models.Model):
    """One award received (award history). Exactly one of unit / person. The achievement year is `year`."""

    award_type = models.ForeignKey(AwardType, verbose_name=_("danh hiệu, hình thức"), on_delete=models.PROTECT,
                                   related_name="records")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("tập thể"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="award_records")
    person = models.ForeignKey(Person, verbose_name=_("cá nhân"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="award_records")
    household = models.ForeignKey(Household, verbose_name=_("hộ gia đình"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="award_records")
    year = models.PositiveSmallIntegerField(_("năm thành tích"))
    basis = models.CharField(_("loại khen thưởng"), max_length=20, choices=Basis.choices, default=Basis.MERIT)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    achievement = models.CharField(_("thành tích được khen"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    source = models.CharField(_("nguồn"), max_length=20, choices=RecordSource.choices)
    nomination = models.ForeignKey("Nomination", verbose_name=_("hồ sơ đề nghị"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="records")
    created_at = models.DateTimeField(_("ngày ghi nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("khen thưởng đã nhận")
        verbose_name_plural = _("lịch sử khen thưởng")
        ordering = ["-year", "-decision_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one("unit", "person", "household"),
                                   name="awardrecord_one_recipient_of_three"),
            # Law Đ5 k2: one achievement is rewarded once — the same award for the same year is recorded once.
            models.UniqueConstraint(fields=["award_type", "unit", "year"], condition=Q(unit__isnull=False),
                                    name="awardrecord_unique_unit_year"),
            models.UniqueConstraint(fields=["award_type", "person", "year"], condition=Q(person__isnull=False),
                                    name="awardrecord_unique_person_year"),
            models.UniqueConstraint(fields=["award_type", "household", "year"], condition=Q(household__isnull=False),
                                    name="awardrecord_unique_household_year"),
        ]
        indexes = [models.Index(fields=["person", "year"], name="awardrecord_person_year"),
                   models.Index(fields=["unit", "year"], name="awardrecord_unit_year")]

    def __str__(self) -> str:
        return f"{self.award_type} {self.year} ({self.decision_number})"


class BlockerKind(models.TextChoices):
    DISCIPLINE_PENDING = "discipline_pending", _("Đang bị xem xét kỷ luật")
    DISCIPLINE = "discipline", _("Bị kỷ luật (thời hạn kỷ luật)")
    INVESTIGATION = "investigation", _("Đang bị điều tra")
    INSPECTION = "inspection", _("Đang bị thanh tra, kiểm tra")
    AUDIT = "audit", _("Đang bị kiểm toán")
    COMPLAINT = "complaint", _("Có đơn thư khiếu nại, tố cáo đang được xác minh")
    PRESS_CORRUPTION = "press_corruption", _("Báo chí phản ánh vấn đề tham nhũng, tiêu cực đang được xác minh")


class BlockerRecord(models.Model):
    """A dated fact that stops proposals (NĐ 152/2025). `ends_on` empty = still ongoing."""

    kind = models.CharField(_("loại"), max_length=30, choices=BlockerKind.choices)
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("tập thể"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="award_blockers")
    person = models.ForeignKey(Person, verbose_name=_("cá nhân"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="blockers")
    household = models.ForeignKey(Household, verbose_name=_("hộ gia đình"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="blockers")
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    reference = models.CharField(_("văn bản, căn cứ"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ngày ghi nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("trường hợp chưa xét khen thưởng")
        verbose_name_plural = _("trường hợp chưa xét khen thưởng")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one("unit", "person", "household"),
                                   name="blocker_one_subject_of_three"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.starts_on:%d/%m/%Y})"


class RuleOverride(models.Model):
    """The central board's setting for an UNCONFIRMED rule parameter (only those may be overridden)."""

    ruleset_code = models.CharField(_("bộ quy tắc"), max_length=60)
    rule_code = models.CharField(_("quy tắc"), max_length=60)
    params = models.JSONField(_("tham số"), default=dict)
    legal_basis = models.CharField(_("căn cứ"), max_length=255)
    reason = models.TextField(_("lý do thiết lập"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thiết lập"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("thời điểm"), auto_now=True)

    class Meta:
        verbose_name = _("thiết lập quy tắc chưa xác nhận")
        verbose_name_plural = _("thiết lập quy tắc chưa xác nhận")
        constraints = [models.UniqueConstraint(fields=["ruleset_code", "rule_code"], name="ruleoverride_unique")]

    def __str__(self) -> str:
        return f"{self.ruleset_code}/{self.rule_code}"


class NominationState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    RECEIVED = "received", _("Đã tiếp nhận")
    APPRAISED = "appraised", _("Đã thẩm định")
    PUBLIC_COMMENT = "public_comment", _("Đang lấy ý kiến nhân dân")
    SUBMITTED_PM = "submitted_pm", _("Đã trình Thủ tướng Chính phủ")
    DECIDED = "decided", _("Đã có quyết định")
    AWARDED = "awarded", _("Đã trao tặng")
    WITHDRAWN = "withdrawn", _("Đã rút")


class NominationSource(models.TextChoices):
    CONFERENCE = "conference", _("Kết quả bình xét, suy tôn của cụm")
    UNIT = "unit", _("Đơn vị đề nghị")


class AwardDecision(models.Model):
    """A decision (e.g. "231/QĐ-TTg") recorded once and applied to one or several nominations."""

    number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    signer = models.CharField(_("người ký"), max_length=150)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("thời điểm ghi nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-decision_date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["number", "decision_date"], name="awarddecision_unique")]

    def __str__(self) -> str:
        return f"{self.number} ({self.decision_date:%d/%m/%Y})"


class Nomination(models.Model):
    """A proposal of one award for one nominee (a collective = Unit, or a Person) for one achievement year."""

    uid = models.UUIDField(_("mã hồ sơ"), default=uuid.uuid4, unique=True, editable=False)
    award_type = models.ForeignKey(AwardType, verbose_name=_("danh hiệu, hình thức đề nghị"), on_delete=models.PROTECT,
                                   related_name="nominations")
    year = models.PositiveSmallIntegerField(_("năm thành tích"))
    source = models.CharField(_("nguồn đề nghị"), max_length=20, choices=NominationSource.choices)
    level = models.CharField(_("cấp đề nghị"), max_length=30, choices=AwardLevel.choices)
    cluster_year = models.ForeignKey("organisations.ClusterYear", verbose_name=_("kỳ thi đua"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="nominations")
    proposing_unit = models.ForeignKey("organisations.Unit", verbose_name=_("đơn vị trình"), on_delete=models.PROTECT,
                                       related_name="nominations_made")
    nominee_unit = models.ForeignKey("organisations.Unit", verbose_name=_("tập thể được đề nghị"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="nominations_received")
    nominee_person = models.ForeignKey(Person, verbose_name=_("cá nhân được đề nghị"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="nominations")
    nominee_household = models.ForeignKey(Household, verbose_name=_("hộ gia đình được đề nghị"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="nominations")
    state = models.CharField(_("trạng thái"), max_length=20, choices=NominationState.choices,
                             default=NominationState.DRAFT)
    vote_summary = models.JSONField(_("kết quả bỏ phiếu"), default=dict, blank=True)
    minutes_document = models.ForeignKey("documents.IssuedDocument", verbose_name=_("biên bản hội nghị"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    achievement = models.TextField(_("tóm tắt thành tích"), blank=True)
    returned_reason = models.TextField(_("lý do trả lại"), blank=True)
    appraisal_note = models.TextField(_("ý kiến thẩm định"), blank=True)
    comment_from = models.DateField(_("lấy ý kiến từ ngày"), null=True, blank=True)
    comment_until = models.DateField(_("lấy ý kiến đến ngày"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký quyết định"), max_length=150, blank=True)
    decision_note = models.CharField(_("ghi chú quyết định"), max_length=255, blank=True)
    decision = models.ForeignKey(AwardDecision, verbose_name=_("quyết định"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="nominations")
    awarded_on = models.DateField(_("ngày trao tặng"), null=True, blank=True)
    duplicate_flag = models.BooleanField(_("có thể trùng lặp"), default=False)
    overlap_flag = models.BooleanField(_("cùng thành tích đề nghị hình thức khác"), default=False)
    eligibility = models.JSONField(_("kết quả kiểm tra điều kiện khi gửi"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        ordering = ["-year", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one("nominee_unit", "nominee_person", "nominee_household"),
                                   name="nomination_one_nominee_of_three"),
        ]
        indexes = [models.Index(fields=["award_type", "year"], name="nomination_award_year")]

    def __str__(self) -> str:
        return f"{self.award_type} {self.year}"

    @property
    def nominee_kind(self) -> str:
        if self.nominee_household_id:
            return RecipientKind.HOUSEHOLD
        return RecipientKind.COLLECTIVE if self.nominee_unit_id else RecipientKind.INDIVIDUAL


class NominationDocument(models.Model):
    """One item of the dossier: a generated draft (IssuedDocument) or an uploaded signed scan."""

    nomination = models.ForeignKey(Nomination, verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                   related_name="documents")
    requirement = models.CharField(_("thành phần hồ sơ"), max_length=60)
    issued_document = models.ForeignKey("documents.IssuedDocument", verbose_name=_("dự thảo đã lập"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    file_path = models.CharField(_("tệp"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=80, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    signed = models.BooleanField(_("bản đã ký"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["nomination_id", "requirement", "-created_at"]

    def __str__(self) -> str:
        return f"{self.requirement} ({self.original_name or self.issued_document_id})"


class Holiday(models.Model):
    """A public holiday (ngày nghỉ lễ, Tết) for counting working days; loaded from data/holidays.yaml."""

    day = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày nghỉ"), max_length=120)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ lễ")
        verbose_name_plural = _("ngày nghỉ lễ")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"
