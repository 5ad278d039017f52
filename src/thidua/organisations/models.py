"""Units (đơn vị), their history over time, clusters and blocks (cụm, khối thi đua), membership by year,
and the cluster-year (kỳ thi đua), the scope of everything that happens in one emulation year.

Administrative levels are data (UnitKind), never code: a province, a ministry, a commune and a council
are all Units. Names, kinds and parents change over time (UnitVersion); mergers and renamings are
successor links (UnitSuccession), so that an old year shows the names of that year (DOMAIN.md §7).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitKind(models.Model):
    code = models.SlugField(_("mã loại"), max_length=40, unique=True)
    name = models.CharField(_("tên loại đơn vị"), max_length=120)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A state body with a stable identity; what it is called at a date is in its versions."""

    code = models.CharField(
        _("mã đơn vị"), max_length=32, unique=True, help_text=_("Mã hành chính chính thức nếu có (ví dụ Hà Nội: 01).")
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        name = getattr(self, "as_of_name", None)
        return f"{self.code} – {name}" if name else self.code


class UnitVersion(models.Model):
    """The name, kind and parent of a unit over one period."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("tên chính thức"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    kind = models.ForeignKey(UnitKind, verbose_name=_("loại đơn vị"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phiên bản tên đơn vị")
        verbose_name_plural = _("phiên bản tên đơn vị")
        ordering = ["unit_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unitversion_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="unitversion_valid_range"
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="unitversion_period_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–{self.valid_to:%d/%m/%Y})" if self.valid_to else self.name


class SuccessionKind(models.TextChoices):
    MERGER = "merger", _("Hợp nhất / sáp nhập vào")
    RENAME = "rename", _("Đổi tên")
    SPLIT = "split", _("Chia tách")


class UnitSuccession(models.Model):
    """`predecessor` continues as `successor` from `effective_date`; award history follows the link."""

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị trước"), on_delete=models.PROTECT, related_name="successions_out"
    )
    successor = models.ForeignKey(Unit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT, related_name="successions_in")
    kind = models.CharField(pgettext_lazy("kế thừa đơn vị", "hình thức"), max_length=20, choices=SuccessionKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        ordering = ["effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.effective_date:%d/%m/%Y})"


class ClusterKind(models.TextChoices):
    CLUSTER = "cluster", _("Cụm thi đua")
    BLOCK = "block", _("Khối thi đua")


class Cluster(models.Model):
    """A cluster or block (cụm / khối thi đua); the organiser is itself a Unit (a council, ministry, province…)."""

    code = models.SlugField(_("mã cụm"), max_length=40, unique=True)
    name = models.CharField(_("tên cụm, khối"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=ClusterKind.choices, default=ClusterKind.CLUSTER)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("cơ quan tổ chức"), on_delete=models.PROTECT, related_name="organised_clusters"
    )
    description = models.TextField(_("mô tả"), blank=True)
    established_year = models.PositiveSmallIntegerField(_("năm thành lập"), null=True, blank=True)
    dissolved_year = models.PositiveSmallIntegerField(_("năm giải thể"), null=True, blank=True)

    class Meta:
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # A block (khối) has a khối trưởng, khối phó and thư ký khối; a cluster (cụm) a cụm trưởng… (DOMAIN.md).
    @property
    def is_block(self) -> bool:
        return self.kind == ClusterKind.BLOCK

    @property
    def head_label(self):
        return _("Khối trưởng") if self.is_block else _("Cụm trưởng")

    @property
    def deputy_label(self):
        return _("Khối phó") if self.is_block else _("Cụm phó")

    @property
    def secretary_label(self):
        return _("Thư ký khối") if self.is_block else _("Thư ký cụm")

    @property
    def leadership_label(self):
        return _("Khối trưởng, khối phó") if self.is_block else _("Cụm trưởng, cụm phó")


class ClusterMembership(models.Model):
    cluster = models.ForeignKey(Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị thành viên"), on_delete=models.PROTECT, related_name="memberships")
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("thành viên cụm theo năm")
        verbose_name_plural = _("thành viên cụm theo năm")
        ordering = ["cluster_id", "start_year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "unit", "start_year"], name="membership_unique_start"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")), name="membership_year_range"
            ),
        ]

    def __str__(self) -> str:
        end = self.end_year or "…"
        return f"{self.unit_id} @ {self.cluster_id} {self.start_year}–{end}"


class Selection(models.TextChoices):
    ELECTED = "elected", _("Bầu tại hội nghị")
    APPOINTED = "appointed", _("Cơ quan tổ chức chỉ định")
    IMPORTED = "imported", _("Nhập từ dữ liệu lịch sử")


class ClusterYear(models.Model):
    """One cluster in one emulation year (kỳ thi đua), with its head and deputy (cụm trưởng, cụm phó)."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("năm thi đua"))
    head = models.ForeignKey(
        Unit, verbose_name=_("cụm trưởng"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_selection = models.CharField(_("cách chọn cụm trưởng"), max_length=20, choices=Selection.choices, blank=True)
    deputy = models.ForeignKey(
        Unit, verbose_name=_("cụm phó"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deputy_selection = models.CharField(_("cách chọn cụm phó"), max_length=20, choices=Selection.choices, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kỳ thi đua")
        verbose_name_plural = _("kỳ thi đua")
        ordering = ["cluster_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="clusteryear_unique"),
            models.CheckConstraint(
                condition=Q(head__isnull=True) | Q(deputy__isnull=True) | ~Q(head=F("deputy")),
                name="clusteryear_head_not_deputy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} – {self.year}"
