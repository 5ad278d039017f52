"""The register of issued documents: every generated official document is kept with its hash and can be
downloaded again by those allowed to see the object it belongs to."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    CLUSTER = "cluster", _("Các thành viên của kỳ thi đua")
    UNIT = "unit", _("Riêng đơn vị")
    ORGANISER = "organiser", _("Cơ quan tổ chức")


class IssuedDocument(models.Model):
    uid = models.UUIDField(_("mã tệp"), default=uuid.uuid4, unique=True, editable=False)
    type_key = models.CharField(_("loại văn bản"), max_length=40)
    title = models.CharField(_("tên văn bản"), max_length=255)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    issued_on = models.DateField(_("ngày văn bản"))
    cluster_year = models.ForeignKey(
        "organisations.ClusterYear", verbose_name=_("kỳ thi đua"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents",
    )
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("ai được xem"), max_length=20, choices=Audience.choices, default=Audience.CLUSTER)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    docx_path = models.CharField(max_length=255)
    docx_sha256 = models.CharField(_("SHA-256 (.docx)"), max_length=64)
    pdf_path = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 (.pdf)"), max_length=64, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    register_entry = models.ForeignKey(
        "documents.RegisteredNumber", verbose_name=_("số đăng ký"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="versions",
    )
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã lập")
        verbose_name_plural = _("văn bản đã lập")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="issueddoc_object_idx")]

    def __str__(self) -> str:
        return f"{self.symbol or self.type_key} – {self.title}"


class NumberSequence(models.Model):
    """The last number given in one register: an issuer (``scope``), a document symbol ("BB-CTĐ") and a
    calendar year. Its row is the lock that serialises allocation in that register (see
    ``documents.services.number_allocate``)."""

    scope = models.CharField(_("đơn vị giữ sổ đăng ký"), max_length=100)
    symbol = models.CharField(_("ký hiệu"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số đã cấp cuối cùng"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký số văn bản")
        verbose_name_plural = _("sổ đăng ký số văn bản")
        constraints = [models.UniqueConstraint(fields=["scope", "symbol", "year"], name="numbersequence_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.symbol} {self.year}: {self.last_number}"


class RegisteredNumber(models.Model):
    """One number given to one logical document (``document_key``, e.g. the minutes of one conference).

    Two rules are held by the database, not by the code: a number is given once in a register, and a
    logical document has one number in a register (a re-issue, a corrected version, points at the same row
    through ``IssuedDocument.register_entry``)."""

    scope = models.CharField(_("đơn vị giữ sổ đăng ký"), max_length=100)
    symbol = models.CharField(_("ký hiệu"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    document_key = models.CharField(_("văn bản"), max_length=200)
    created_at = models.DateTimeField(_("thời điểm cấp số"), auto_now_add=True)

    class Meta:
        verbose_name = _("số văn bản đã cấp")
        verbose_name_plural = _("số văn bản đã cấp")
        ordering = ["scope", "symbol", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "symbol", "year", "number"], name="registerednumber_unique_number"),
            models.UniqueConstraint(fields=["scope", "symbol", "year", "document_key"],
                                    name="registerednumber_unique_document"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="registerednumber_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}/{self.symbol} ({self.year})"
