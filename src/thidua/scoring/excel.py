"""Excel export of the full scoring sheet (bảng tổng hợp điểm): one row per member, one column per criterion
(final score), then bonus, penalty, total, classification, rank; a second sheet with every individual score."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from thidua.scoring.templatetags.scoring_tags import criterion_ceiling


def scoring_sheet(*, cy, results, criteria, values, scores, unit_names) -> bytes:
    """`unit_names`: member id → short name (the detail sheet names units, not codes)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Bảng tổng hợp điểm")[:31]
    ws.append([_("BẢNG TỔNG HỢP ĐIỂM") + f" – {cy.cluster.name} – {cy.year}"])
    ws["A1"].font = Font(bold=True, size=13)
    leaves = [c for c in criteria if c.method != "group"]
    header = [_("Hạng"), _("Mã"), _("Đơn vị")] + [f"{c.code}" for c in leaves] + [
        _("Điểm các tiêu chí"), _("Điểm thưởng"), _("Điểm trừ"), _("Tổng điểm"), _("Xếp loại"), _("Ghi chú")]
    ws.append([])
    ws.append(header)
    ws.append(["", "", _("Điểm tối đa")] + [float(criterion_ceiling(c)) for c in leaves])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for r in results:
        ws.append([r.rank, r.unit.code, r.unit.as_of_name or r.unit.code]
                  + [values.get((r.unit_id, c.pk)) for c in leaves]
                  + [float(r.base_points), float(r.bonus_points), float(r.penalty_points), float(r.total),
                     r.classification or "", _("Bằng điểm: cần hội nghị biểu quyết") if r.tie_unresolved else ""])
    ws.column_dimensions["C"].width = 32
    detail = wb.create_sheet(_("Điểm chấm chi tiết")[:31])
    detail.append([_("Đơn vị được chấm"), _("Tiêu chí"), _("Vai trò"), _("Đơn vị chấm"), _("Điểm"), _("Nhận xét")])
    codes = {c.pk: c.code for c in criteria}
    for s in scores:
        detail.append([unit_names.get(s.unit_id, s.unit_id), codes.get(s.criterion_id, s.criterion_id),
                       s.get_role_display(), unit_names.get(s.scorer_unit_id, s.scorer_unit_id), float(s.points),
                       s.comment])
    crit = wb.create_sheet(_("Tiêu chí")[:31])
    crit.append([_("Mã"), _("Nội dung"), _("Cách chấm"), _("Điểm tối đa")])
    for c in criteria:
        crit.append([c.code, c.title, c.get_method_display(), float(criterion_ceiling(c))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
