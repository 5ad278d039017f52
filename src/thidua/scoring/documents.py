"""The Báo cáo tổng kết (year-end review report) of a cluster-year, assembled from the published data and
issued through thidua.documents (NĐ 30/2020 format, .docx + PDF)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.core.errors import InvalidState, invalid
from thidua.core.permissions import require_perm
from thidua.documents.formats import format_decimal
from thidua.documents.services import Numbering, cluster_scope, document_issue, document_key_of
from thidua.documents.spec import Heading, OfficialDocument, Paragraph, SignatureBlock, Table
from thidua.scoring.models import ResultsState
from thidua.scoring.selectors import config_of, indicator_shares, members_of, results_for
from thidua.scoring.templatetags.scoring_tags import vn_number


def _num(value, places=1) -> str:
    return format_decimal(float(value), places) if value is not None else "—"


def _signature(head_id) -> SignatureBlock:
    """The head's leader signs for the cluster head; a deputy signs "KT. CHỦ TỊCH". Unknown leader: a dotted
    line where the name is written by hand."""
    leader = _head_leader(head_id)
    title = _("CHỦ TỊCH")
    if leader and leader[1].strip().lower().startswith("phó"):
        title = _("KT. CHỦ TỊCH") + "\n" + _("PHÓ CHỦ TỊCH")
    return SignatureBlock(authority=_("TM. CỤM TRƯỞNG"), title=title, name=leader[0] if leader else "." * 30)


@transaction.atomic
def review_report_issue(*, actor, cluster_year, on_date: date | None = None):
    """Issue the Báo cáo tổng kết once results are published (the secretariat of the head unit).

    The document is written in Vietnamese whatever the officer's interface language, and numbered in the
    cluster's BC-CTĐ register (a re-issue keeps its number). `on_date`: the report's date (default today; not
    in the future, not before the year it reports on)."""
    with translation.override("vi"):
        return _review_report_issue(actor=actor, cluster_year=cluster_year, on_date=on_date)


def _head_leader(unit_id) -> tuple[str, str] | None:
    """The head unit's leader (earliest active unit_leader grant): (full name, position), if known."""
    from thidua.accounts.models import RoleGrant

    g = (RoleGrant.objects.filter(role="unit_leader", scope_kind="unit", unit_id=unit_id, revoked_at__isnull=True)
         .select_related("user").order_by("granted_at", "id").first()) if unit_id else None
    return (g.user.full_name or g.user.username, g.user.position or "") if g else None


def _review_report_issue(*, actor, cluster_year, on_date):
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    today = timezone.localdate()
    on_date = on_date or today
    if on_date > today:
        raise invalid(_("Ngày của báo cáo không được sau ngày hôm nay."), field="on_date")
    if on_date.year < cluster_year.year:
        raise invalid(_("Ngày của báo cáo không được trước năm %(y)d.") % {"y": cluster_year.year}, field="on_date")
    config = config_of(cluster_year=cluster_year)
    if config is None or config.state != ResultsState.PUBLISHED:
        raise InvalidState(message=_("Chỉ lập báo cáo tổng kết khi kết quả đã công bố."))
    results = results_for(user=actor, cluster_year=cluster_year)
    members = members_of(cluster_year=cluster_year)
    head = next((u for u in members if u.pk == cluster_year.head_id), None)
    head_name = (head.as_of_name if head else "") or ""
    blocks = [
        Paragraph(_("Thực hiện kế hoạch tổ chức phong trào thi đua năm %(y)d của %(c)s, trên cơ sở báo cáo tự "
                    "đánh giá của các thành viên, kết quả chấm chéo và thống nhất điểm, Cụm trưởng báo cáo kết "
                    "quả như sau:") % {"y": cluster_year.year, "c": cluster_year.cluster.name}),
        Heading(_("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI"), 1),
    ]
    for s in indicator_shares(cluster_year=cluster_year):
        ind = s["indicator"]
        if s["cluster_total"] is not None:
            text = _("%(name)s của các thành viên đạt %(total)s %(uom)s") % {
                "name": ind.name, "total": vn_number(s["cluster_total"]), "uom": ind.unit_of_measure}
            if s["share"] is not None:
                text += _(", chiếm %(share)s%% cả nước") % {"share": _num(s["share"])}
            blocks.append(Paragraph(text + "."))
        elif ind.additive and s["reported"]:
            # Partial data is never stated as the cluster's total: say what is missing instead.
            blocks.append(Paragraph(_("%(name)s: chưa đủ số liệu để tính tổng của Cụm (%(x)d/%(n)d thành viên có "
                                      "số liệu).") % {"name": ind.name, "x": s["reported"], "n": s["expected"]}))
    if len(blocks) == 2:  # nothing under heading I
        blocks.append(Paragraph(_("Chưa có số liệu chỉ tiêu kinh tế - xã hội của các thành viên trong năm.")))
    blocks += [
        Heading(_("II. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG"), 1),
        Table(columns=[_("Hạng"), _("Đơn vị"), _("Tổng điểm"), _("Xếp loại")],
              rows=[[str(r.rank), r.unit.as_of_name or r.unit.code, _num(r.total, 2), r.classification or ""]
                    for r in results],
              widths_mm=[18, 92, 30, 35], aligns=["center", "left", "center", "center"]),
    ]
    ties = [r for r in results if r.tie_unresolved]
    if ties:
        blocks.append(Paragraph(_("Các đơn vị bằng điểm sau mọi tiêu chí phân hạng, đề nghị hội nghị biểu quyết: "
                                  "%(u)s.") % {"u": ", ".join(r.unit.as_of_name or r.unit.code for r in ties)}))
    blocks.append(Paragraph(_("Kết quả đã được công bố tới các thành viên trước hội nghị tổng kết.")))
    spec = OfficialDocument(
        issuer_parent=cluster_year.cluster.name.upper(), issuer=(_("CỤM TRƯỞNG") + "\n" + head_name.upper()).strip(),
        type_key="bao_cao", number=None, issuer_code="CTĐ", place=(head.as_of_short_name if head else "") or "Hà Nội",
        date=on_date, title=_("BÁO CÁO"),
        subtitle=_("Tổng kết phong trào thi đua năm %(y)d") % {"y": cluster_year.year}, blocks=blocks,
        signatures=[_signature(cluster_year.head_id)],
        recipients=[_("Ban Thi đua - Khen thưởng Trung ương"), _("Các thành viên Cụm"), _("Lưu: VT")],
    )
    return document_issue(actor=actor, spec=spec, obj=config, cluster_year=cluster_year, unit=head,
                          numbering=Numbering(scope=cluster_scope(cluster_year.cluster_id),
                                              document_key=document_key_of(config, "tong-ket")))
