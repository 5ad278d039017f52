"""The review conference (hội nghị tổng kết, DOMAIN.md §3 step 6): attendance and quorum, ballots with
their rules as data, the online secret ballot, paper counts by the counting committee, and results.

Secrecy (STYLE.md rule 6): the register of who voted (`VoterRecord`) and the anonymous ballots
(`CastBallot`, `CastChoice`) have nothing joining them: no foreign key, no timestamp on ballots, random
UUID keys (a sequence would reveal the order of casting), and ballots are listed by a random key. While a
ballot is open its ballots exist only encrypted (`SealedBallot`, see `ballot_box` for the threat model);
closing decrypts them and writes the anonymous rows in random order.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from thidua.organisations.models import Cluster, ClusterYear, Unit


def random_sort_key() -> str:
    return secrets.token_hex(16)


class RotationEntry(models.Model):
    """The cluster's rotation order for head and deputy (data per cluster, editable; new members inserted)."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("thứ tự luân phiên"))

    class Meta:
        verbose_name = _("thứ tự luân phiên cụm trưởng")
        verbose_name_plural = _("thứ tự luân phiên cụm trưởng")
        ordering = ["cluster_id", "position"]
        constraints = [models.UniqueConstraint(fields=["cluster", "unit"], name="rotation_unique_unit")]

    def __str__(self) -> str:
        return f"{self.cluster_id}#{self.position}: {self.unit_id}"


class ConferenceState(models.TextChoices):
    PLANNED = "planned", _("Đang chuẩn bị")
    IN_SESSION = "in_session", _("Đang họp")
    CLOSED = "closed", _("Đã kết thúc")


class Conference(models.Model):
    """One review conference of a cluster-year (the review of year N, held in year N+1)."""

    cluster_year = models.OneToOneField(
        ClusterYear, verbose_name=_("kỳ thi đua"), on_delete=models.CASCADE, related_name="conference"
    )
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=255)
    host = models.ForeignKey(Unit, verbose_name=_("đơn vị đăng cai"), on_delete=models.PROTECT, related_name="+")
    chair = models.CharField(_("chủ trì hội nghị"), max_length=255, blank=True)
    secretary = models.CharField(_("thư ký hội nghị"), max_length=255, blank=True)
    central_leader = models.CharField(_("lãnh đạo Trung ương dự"), max_length=255, blank=True)
    quorum_numerator = models.PositiveSmallIntegerField(_("tỷ lệ tối thiểu (tử số)"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("tỷ lệ tối thiểu (mẫu số)"), default=3)
    quorum_legal_basis = models.CharField(_("căn cứ quy định số thành viên tối thiểu"), max_length=255, blank=True)
    state = models.CharField(_("trạng thái"), max_length=20, choices=ConferenceState.choices,
                             default=ConferenceState.PLANNED)
    signs_next_covenant = models.BooleanField(_("ký giao ước năm sau tại hội nghị"), default=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("hội nghị tổng kết")
        verbose_name_plural = _("hội nghị tổng kết")
        ordering = ["-held_on"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum_denominator__gt=0) & Q(quorum_numerator__lte=F("quorum_denominator")),
                                   name="conference_quorum_fraction"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_year} – {self.held_on:%d/%m/%Y}"


class AgendaItem(models.Model):
    conference = models.ForeignKey(Conference, verbose_name=_("hội nghị"), on_delete=models.CASCADE,
                                   related_name="agenda")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("nội dung"), max_length=500)

    class Meta:
        verbose_name = _("nội dung chương trình")
        verbose_name_plural = _("chương trình hội nghị")
        ordering = ["conference_id", "position"]

    def __str__(self) -> str:
        return self.title


class Delegate(models.Model):
    """An invited delegate of a member unit (đại biểu); checking in records attendance."""

    conference = models.ForeignKey(Conference, verbose_name=_("hội nghị"), on_delete=models.CASCADE,
                                   related_name="delegates")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("họ và tên"), max_length=255)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    user = models.ForeignKey("accounts.User", verbose_name=_("tài khoản"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    checked_in = models.BooleanField(_("có mặt"), default=False)
    on_counting_committee = models.BooleanField(_("thành viên Ban kiểm phiếu"), default=False)

    class Meta:
        verbose_name = _("đại biểu")
        verbose_name_plural = _("đại biểu")
        ordering = ["conference_id", "unit__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], condition=Q(user__isnull=False),
                                    name="delegate_one_per_user"),
        ]

    def __str__(self) -> str:
        return self.full_name


class BallotKind(models.TextChoices):
    ELECT_HEAD = "elect_head", _("Bầu cụm trưởng năm sau")
    ELECT_DEPUTY = "elect_deputy", _("Bầu cụm phó năm sau")
    AWARD = "award", _("Suy tôn, đề nghị khen thưởng")
    MOTION = "motion", _("Biểu quyết thông qua")


class BallotMethod(models.TextChoices):
    ONLINE = "online", _("Bỏ phiếu kín trực tuyến")
    PAPER = "paper", _("Bỏ phiếu kín bằng phiếu giấy")


class VoterBasis(models.TextChoices):
    UNIT = "unit", _("Mỗi đơn vị thành viên một phiếu")
    DELEGATE = "delegate", _("Mỗi đại biểu một phiếu")


class PassBasis(models.TextChoices):
    ALL = "all", _("Trên tổng số thành viên (cử tri)")
    PRESENT = "present", _("Trên số thành viên (cử tri) có mặt")
    VALID = "valid", _("Trên số phiếu hợp lệ")


class TieRule(models.TextChoices):
    RUNOFF = "runoff", _("Bỏ phiếu lại giữa các ứng viên bằng phiếu")
    NONE = "none", _("Không xác định kết quả (hội nghị quyết định)")


class BallotState(models.TextChoices):
    DRAFT = "draft", _("Chuẩn bị")
    OPEN = "open", _("Đang bỏ phiếu")
    CLOSED = "closed", _("Đã khóa hòm phiếu")
    COUNTED = "counted", _("Đã kiểm phiếu")
    CONFIRMED = "confirmed", _("Đã xác nhận kết quả")
    CANCELLED = "cancelled", _("Đã hủy")


class Ballot(models.Model):
    """One vote of the conference with its rule as data (copied in at creation, editable while in draft)."""

    conference = models.ForeignKey(Conference, verbose_name=_("hội nghị"), on_delete=models.CASCADE,
                                   related_name="ballots")
    kind = models.CharField(_("loại phiếu"), max_length=20, choices=BallotKind.choices)
    award_code = models.SlugField(_("mã hình thức khen thưởng"), max_length=60, blank=True)
    title = models.CharField(_("nội dung bỏ phiếu"), max_length=500)
    method = models.CharField(_("hình thức bỏ phiếu"), max_length=10, choices=BallotMethod.choices)
    round = models.PositiveSmallIntegerField(_("vòng"), default=1)
    parent = models.ForeignKey("self", verbose_name=_("vòng trước"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="runoffs")
    # The rule.
    voter_basis = models.CharField(_("cử tri"), max_length=10, choices=VoterBasis.choices, default=VoterBasis.UNIT)
    pass_basis = models.CharField(_("cơ sở tính tỷ lệ"), max_length=10, choices=PassBasis.choices,
                                  default=PassBasis.VALID)
    threshold_numerator = models.PositiveSmallIntegerField(_("ngưỡng (tử số)"), default=1)
    threshold_denominator = models.PositiveSmallIntegerField(_("ngưỡng (mẫu số)"), default=2)
    threshold_strict = models.BooleanField(_("phải vượt ngưỡng (>) thay vì đạt (≥)"), default=True)
    seats = models.PositiveSmallIntegerField(_("số được chọn"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("số lựa chọn tối đa trên một phiếu"), default=1)
    allow_abstain = models.BooleanField(_("cho phép phiếu trắng (không chọn ai)"), default=True)
    tie_rule = models.CharField(_("khi bằng phiếu"), max_length=10, choices=TieRule.choices, default=TieRule.RUNOFF)
    legal_basis = models.TextField(_("căn cứ quy định"), blank=True)
    rule_status = models.CharField(_("tình trạng căn cứ"), max_length=20, blank=True)
    # Snapshot at opening: the quorum and the electorate are those of the moment the vote opened.
    opened_present_units = models.PositiveSmallIntegerField(_("số đơn vị có mặt khi mở"), null=True, blank=True)
    opened_member_units = models.PositiveSmallIntegerField(_("số đơn vị thành viên khi mở"), null=True, blank=True)
    eligible_voters = models.PositiveIntegerField(_("tổng số cử tri"), null=True, blank=True)
    present_voters = models.PositiveIntegerField(_("số cử tri có mặt"), null=True, blank=True)
    quorum_met = models.BooleanField(_("đủ số thành viên tối thiểu"), null=True)
    # The sealed ballot box: random salt of the key that encrypts ballots while open; erased at closing.
    box_salt = models.CharField(_("muối khóa hòm phiếu"), max_length=64, blank=True, editable=False)
    state = models.CharField(_("trạng thái"), max_length=12, choices=BallotState.choices, default=BallotState.DRAFT)
    published_json = models.TextField(_("kết quả công bố (JSON)"), blank=True)
    published_sha256 = models.CharField(_("SHA-256 các phiếu"), max_length=64, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)

    class Meta:
        verbose_name = _("cuộc bỏ phiếu")
        verbose_name_plural = _("cuộc bỏ phiếu")
        ordering = ["conference_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold_denominator__gt=0)
                                   & Q(threshold_numerator__lte=F("threshold_denominator")),
                                   name="ballot_threshold_fraction"),
            models.CheckConstraint(condition=Q(max_choices__gte=1) & Q(seats__gte=1), name="ballot_choices_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    ballot = models.ForeignKey(Ballot, verbose_name=_("cuộc bỏ phiếu"), on_delete=models.CASCADE,
                               related_name="candidates")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    label = models.CharField(_("tên trên phiếu"), max_length=255)
    position = models.PositiveSmallIntegerField(_("thứ tự trên phiếu"))
    nominated_by = models.CharField(_("nguồn đề cử"), max_length=120, blank=True)
    blocked_reason = models.TextField(_("lý do không được chọn"), blank=True)
    blocked_citation = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ứng viên")
        verbose_name_plural = _("ứng viên")
        ordering = ["ballot_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "unit"], condition=Q(unit__isnull=False),
                                    name="candidate_unique_unit"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked_reason)


class VoterRecord(models.Model):
    """The register of who has voted (danh sách cử tri đã bỏ phiếu). Nothing here points at a ballot."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("cuộc bỏ phiếu"), on_delete=models.CASCADE,
                               related_name="voter_records")
    voter_key = models.CharField(_("cử tri"), max_length=40,
                                 help_text=_("“unit:<id>” hoặc “delegate:<id>”, theo quy tắc cử tri."))
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    voted_on = models.DateField(_("ngày bỏ phiếu"))

    class Meta:
        verbose_name = _("cử tri đã bỏ phiếu")
        verbose_name_plural = _("danh sách cử tri đã bỏ phiếu")
        ordering = ["ballot_id", "voter_key"]
        constraints = [models.UniqueConstraint(fields=["ballot", "voter_key"], name="one_ballot_per_voter")]

    def __str__(self) -> str:
        return self.voter_key


class SealedBallot(models.Model):
    """A ballot cast into an open box, encrypted (AES-GCM, fixed size) with the box's derived key; only a
    keyed hash of its receipt is in clear (receipt checks, unique receipts). Replaced at closing by an
    anonymous `CastBallot`. No time, no voter, no sequence (see `ballot_box`)."""

    id = models.UUIDField(_("mã"), primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("cuộc bỏ phiếu"), on_delete=models.CASCADE,
                               related_name="sealed_ballots")
    receipt_tag = models.CharField(_("dấu mã biên nhận (HMAC)"), max_length=64)
    sealed = models.BinaryField(_("nội dung phiếu đã mã hóa"))

    class Meta:
        verbose_name = _("phiếu bầu đã niêm phong")
        verbose_name_plural = _("phiếu bầu đã niêm phong")
        constraints = [models.UniqueConstraint(fields=["ballot", "receipt_tag"], name="sealedballot_unique_tag")]

    def __str__(self) -> str:
        return str(self.pk)


class CastBallot(models.Model):
    """An anonymous ballot: a random key, a receipt code, an abstention flag. No time, no voter, no sequence."""

    id = models.UUIDField(_("mã"), primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("cuộc bỏ phiếu"), on_delete=models.CASCADE,
                               related_name="cast_ballots")
    sort_key = models.CharField(_("khóa sắp xếp ngẫu nhiên"), max_length=32, default=random_sort_key)
    receipt = models.CharField(_("mã biên nhận"), max_length=20)
    abstain = models.BooleanField(_("phiếu trắng"), default=False)

    class Meta:
        verbose_name = _("phiếu bầu (ẩn danh)")
        verbose_name_plural = _("phiếu bầu (ẩn danh)")
        ordering = ["ballot_id", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["ballot", "receipt"], name="castballot_unique_receipt")]
        indexes = [models.Index(fields=["ballot", "sort_key"], name="castballot_order_idx")]

    def __str__(self) -> str:
        return self.receipt


class CastChoice(models.Model):
    """One candidate marked on an anonymous ballot (rows so that the tally runs in the database)."""

    id = models.UUIDField(_("mã"), primary_key=True, default=uuid.uuid4, editable=False)
    cast = models.ForeignKey(CastBallot, verbose_name=_("phiếu"), on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(Candidate, verbose_name=_("ứng viên"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("lựa chọn trên phiếu")
        verbose_name_plural = _("lựa chọn trên phiếu")
        constraints = [models.UniqueConstraint(fields=["cast", "candidate"], name="castchoice_unique")]

    def __str__(self) -> str:
        return f"{self.candidate_id}"


class PaperCountState(models.TextChoices):
    ENTERED = "entered", _("Đã nhập, chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã được thành viên thứ hai xác nhận")


class PaperCount(models.Model):
    """The counting committee's figures for a paper ballot (Biên bản kiểm phiếu)."""

    ballot = models.OneToOneField(Ballot, verbose_name=_("cuộc bỏ phiếu"), on_delete=models.CASCADE,
                                  related_name="paper_count")
    issued = models.PositiveIntegerField(_("số phiếu phát ra"))
    returned = models.PositiveIntegerField(_("số phiếu thu vào"))
    unused = models.PositiveIntegerField(_("số phiếu không sử dụng"))
    valid = models.PositiveIntegerField(_("số phiếu hợp lệ"))
    invalid = models.PositiveIntegerField(_("số phiếu không hợp lệ"))
    blank = models.PositiveIntegerField(_("số phiếu trắng (hợp lệ, không chọn ai)"), default=0)
    entered_by = models.ForeignKey(Delegate, verbose_name=_("người nhập"), on_delete=models.PROTECT,
                                   related_name="+")
    confirmed_by = models.ForeignKey(Delegate, verbose_name=_("người xác nhận"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # The accounts that acted (the secretariat may enter for a committee member without an account): the
    # confirming account must differ from the entering one (two people, not one person twice).
    entered_by_user = models.ForeignKey("accounts.User", verbose_name=_("tài khoản nhập"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    confirmed_by_user = models.ForeignKey("accounts.User", verbose_name=_("tài khoản xác nhận"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=12, choices=PaperCountState.choices,
                             default=PaperCountState.ENTERED)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kết quả kiểm phiếu giấy")
        verbose_name_plural = _("kết quả kiểm phiếu giấy")
        constraints = [
            models.CheckConstraint(condition=Q(issued=F("returned") + F("unused")), name="papercount_issued"),
            models.CheckConstraint(condition=Q(returned=F("valid") + F("invalid")), name="papercount_returned"),
            models.CheckConstraint(condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("entered_by")),
                                   name="papercount_second_member"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.valid}/{self.returned}"


class PaperVotes(models.Model):
    count = models.ForeignKey(PaperCount, verbose_name=_("kết quả kiểm phiếu"), on_delete=models.CASCADE,
                              related_name="votes")
    candidate = models.ForeignKey(Candidate, verbose_name=_("ứng viên"), on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveIntegerField(_("số phiếu"))

    class Meta:
        verbose_name = _("số phiếu của ứng viên")
        verbose_name_plural = _("số phiếu của ứng viên")
        constraints = [models.UniqueConstraint(fields=["count", "candidate"], name="papervotes_unique")]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.votes}"


class BallotOutcome(models.Model):
    """The confirmed result of one ballot: who is elected or proposed, with the figures and the rule applied."""

    ballot = models.OneToOneField(Ballot, verbose_name=_("cuộc bỏ phiếu"), on_delete=models.CASCADE,
                                  related_name="outcome")
    summary = models.JSONField(_("kết quả"), default=dict)
    winners = models.ManyToManyField(Candidate, verbose_name=_("trúng cử / được đề nghị"), related_name="+",
                                     blank=True)
    confirmed_by = models.ForeignKey("accounts.User", verbose_name=_("người xác nhận"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    minutes_document = models.ForeignKey("documents.IssuedDocument", verbose_name=_("biên bản kiểm phiếu"),
                                         null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("kết quả bỏ phiếu đã xác nhận")
        verbose_name_plural = _("kết quả bỏ phiếu đã xác nhận")

    def __str__(self) -> str:
        return f"{self.ballot_id}"
