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
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã lập")
        verbose_name_plural = _("văn bản đã lập")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="issueddoc_object_idx")]

    def __str__(self) -> str:
        return f"{self.symbol or self.type_key} – {self.title}"
