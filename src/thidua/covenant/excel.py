"""Excel import and export of a criteria table (openpyxl).

The sheet "Tiêu chí" has one row per criterion, parents before or after their children; the optional sheet
"Xếp loại" holds the bands. An import is validated whole (the same rules as the editor) and rejected whole:
the report lists row, column and reason, and nothing is saved.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from thidua.core.errors import ErrorDetail, InvalidInput
from thidua.covenant.models import CriteriaSet, Method, ScoredBy
from thidua.covenant.selectors import bands_of, criteria_of
from thidua.covenant.validation import (
    BandInput,
    Node,
    bonus_ceiling,
    build_tree,
    validate_bands,
    validate_criteria,
)

SHEET = "Tiêu chí"
BAND_SHEET = "Xếp loại"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000

# field, header (Vietnamese, shown to the user)
COLUMNS = [
    ("code", "Mã"),
    ("parent_code", "Thuộc nhóm (mã)"),
    ("title", "Nội dung tiêu chí"),
    ("guidance", "Hướng dẫn chấm"),
    ("method", "Cách chấm"),
    ("max_points", "Điểm tối đa"),
    ("step", "Bước điểm"),
    ("unit_of_measure", "Đơn vị tính"),
    ("higher_is_better", "Càng cao càng tốt"),
    ("extra_points_cap", "Điểm cộng tối đa khi vượt chỉ tiêu"),
    ("points_per_occurrence", "Điểm mỗi lần"),
    ("cap", "Mức trần"),
    ("auto_award_code", "Tự động cộng khi được tặng (mã)"),
    ("evidence_required", "Bắt buộc minh chứng"),
    ("scored_by", "Ai chấm"),
]
HEADERS = [h for _, h in COLUMNS]
LETTER = {f: get_column_letter(i) for i, (f, _) in enumerate(COLUMNS, start=1)}
METHOD_LABELS = {
    Method.GROUP: "Nhóm",
    Method.GRADED: "Chấm điểm",
    Method.QUANTITATIVE: "Định lượng",
    Method.PASS_FAIL: "Đạt/không đạt",
    Method.BONUS: "Điểm thưởng",
    Method.PENALTY: "Điểm trừ",
}
SCORED_BY_LABELS = {
    ScoredBy.SCORERS: "Người chấm",
    ScoredBy.AUTOMATIC: "Tự động",
    ScoredBy.PANEL: "Tổ chấm",
    ScoredBy.ORGANISER: "Cơ quan tổ chức",
}
YES = {"có", "co", "x", "1", "true", "yes"}
NO = {"không", "khong", "", "0", "false", "no"}


def _num(d) -> float | int | None:
    if d is None:
        return None
    d = Decimal(d)
    return int(d) if d == d.to_integral() else float(d)


def export_xlsx(cs: CriteriaSet) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    parents = {}
    for c in criteria_of(criteria_set=cs):
        parents[c.pk] = c.code
        ws.append([c.code, parents.get(c.parent_id, ""), c.title, c.guidance, METHOD_LABELS[c.method],
                   _num(c.max_points), _num(c.step), c.unit_of_measure, "có" if c.higher_is_better else "không",
                   _num(c.extra_points_cap), _num(c.points_per_occurrence), _num(c.cap), c.auto_award_code,
                   "có" if c.evidence_required else "không", SCORED_BY_LABELS[c.scored_by]])
    for i, width in enumerate([8, 10, 60, 40, 14, 10, 10, 12, 10, 12, 10, 10, 22, 10, 14], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bands = wb.create_sheet(BAND_SHEET)
    bands.append(["Xếp loại", "Từ điểm", "Đến điểm"])
    for b in bands_of(criteria_set=cs):
        bands.append([b.label, _num(b.min_points), _num(b.max_points)])
    info = wb.create_sheet("Hướng dẫn")
    info.append([f"Bộ tiêu chí: {cs.title} (phiên bản {cs.version}); tổng điểm chuẩn {_num(cs.total_points)}"])
    info.append(["Cách chấm: " + "; ".join(METHOD_LABELS.values())])
    info.append(["Ai chấm: " + "; ".join(SCORED_BY_LABELS.values())])
    info.append(["Điểm thưởng, điểm trừ nằm ngoài tổng điểm: để điểm tối đa bằng 0, khai báo điểm mỗi lần và mức trần."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class _Row:
    def __init__(self, row: int, errors: list[ErrorDetail]):
        self.row, self.errors = row, errors

    def err(self, field: str, message: str) -> None:
        column = LETTER.get(field, field)
        header = dict(COLUMNS).get(field, "")
        self.errors.append(ErrorDetail(message=message, row=self.row, column=f"{column} ({header})" if header else column))

    def decimal(self, field: str, value, *, allow_none: bool = False) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None if allow_none else Decimal(0)
        try:
            d = Decimal(str(value).strip().replace(",", "."))
            if not d.is_finite():
                raise InvalidOperation
            return d
        except (InvalidOperation, ValueError):
            self.err(field, _("\"%(v)s\" không phải là số.") % {"v": value})
            return Decimal(0)

    def choice(self, field: str, value, labels: dict) -> str:
        text = str(value or "").strip()
        for code, label in labels.items():
            if text.lower() in (code, label.lower()):
                return code
        self.err(field, _("Giá trị \"%(v)s\" không hợp lệ; dùng một trong: %(o)s.")
                 % {"v": text, "o": ", ".join(labels.values())})
        return ""

    def boolean(self, field: str, value, default: bool) -> bool:
        text = str(value if value is not None else "").strip().lower()
        if value is None or text == "":
            return default
        if text in YES:
            return True
        if text in NO:
            return False
        self.err(field, _("Ghi \"có\" hoặc \"không\"."))
        return default


def parse_xlsx(data: bytes) -> tuple[list[Node], list[BandInput] | None, list[ErrorDetail]]:
    """Read a file into nodes and bands, with every problem of form (not of the table's rules)."""
    errors: list[ErrorDetail] = []
    if not data:
        return [], None, [ErrorDetail(message=_("Tệp rỗng."), field="file")]
    if len(data) > MAX_BYTES:
        return [], None, [ErrorDetail(message=_("Tệp quá lớn (tối đa 5 MB)."), field="file")]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return [], None, [ErrorDetail(message=_("Không đọc được tệp: cần tệp Excel .xlsx."), field="file")]
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    header = [str(h or "").strip() for h in (header or [])]
    if header[: len(HEADERS)] != HEADERS:
        missing = [h for h in HEADERS if h not in header]
        return [], None, [ErrorDetail(
            message=_("Dòng tiêu đề không đúng mẫu; thiếu hoặc sai thứ tự cột: %(c)s. Hãy dùng tệp xuất từ hệ thống "
                      "làm mẫu.") % {"c": ", ".join(missing) or ", ".join(HEADERS)}, row=1)]
    nodes: list[Node] = []
    for i, values in enumerate(rows, start=2):
        if i > MAX_ROWS + 1:
            errors.append(ErrorDetail(message=_("Tệp có quá nhiều dòng (tối đa %(n)d).") % {"n": MAX_ROWS}, row=i))
            break
        values = list(values or []) + [None] * len(COLUMNS)
        raw = dict(zip([f for f, _ in COLUMNS], values, strict=False))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        r = _Row(i, errors)
        node = Node(
            code=str(raw["code"] or "").strip(), title=str(raw["title"] or "").strip(),
            method=r.choice("method", raw["method"], METHOD_LABELS),
            max_points=r.decimal("max_points", raw["max_points"]),
            parent_code=str(raw["parent_code"] or "").strip(),
            step=r.decimal("step", raw["step"], allow_none=True),
            unit_of_measure=str(raw["unit_of_measure"] or "").strip(),
            extra_points_cap=r.decimal("extra_points_cap", raw["extra_points_cap"]),
            points_per_occurrence=r.decimal("points_per_occurrence", raw["points_per_occurrence"]),
            cap=r.decimal("cap", raw["cap"]),
            auto_award_code=str(raw["auto_award_code"] or "").strip(), row=i)
        node.guidance = str(raw["guidance"] or "").strip()
        node.higher_is_better = r.boolean("higher_is_better", raw["higher_is_better"], True)
        node.evidence_required = r.boolean("evidence_required", raw["evidence_required"], False)
        node.scored_by = (r.choice("scored_by", raw["scored_by"], SCORED_BY_LABELS)
                          if raw["scored_by"] not in (None, "") else ScoredBy.SCORERS)
        for field, limit in (("code", 20), ("title", 500), ("unit_of_measure", 50), ("auto_award_code", 60)):
            if len(getattr(node, field)) > limit:
                r.err(field, _("Quá dài (tối đa %(n)d ký tự).") % {"n": limit})
        nodes.append(node)
    bands = None
    if BAND_SHEET in wb.sheetnames:
        bands = []
        for i, values in enumerate(wb[BAND_SHEET].iter_rows(min_row=2, values_only=True), start=2):
            values = list(values or []) + [None] * 3
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values[:3]):
                continue
            r = _Row(i, errors)
            lo, hi = r.decimal("min", values[1]), r.decimal("max", values[2])
            bands.append(BandInput(label=str(values[0] or "").strip(), min_points=lo, max_points=hi, row=i))
        for e in errors:
            if e.row and e.column in ("min", "max"):
                e.column = {"min": "B (Từ điểm)", "max": "C (Đến điểm)"}[e.column]
        if not bands:
            bands = None
    wb.close()
    # Table errors name the column of the field.
    return nodes, bands, errors


@transaction.atomic
def import_xlsx(*, actor, criteria_set_id: int, data: bytes, filename: str = "") -> int:
    """Validate a whole file and replace the draft table's criteria (and bands, if the file has them). Any
    error rejects the file whole: InvalidInput with one detail per (row, column, reason), nothing saved."""
    from thidua.covenant import services as svc

    cs, _cy = svc._set_for_edit(actor, criteria_set_id)  # scope, permission and draft checks first
    nodes, bands, errors = parse_xlsx(data)
    if nodes:
        # Report the table's rules too, except on cells that already failed to read.
        unreadable = {(e.row, e.column) for e in errors}
        for e in validate_criteria(total_points=cs.total_points, nodes=nodes):
            if e.row is not None and e.column in LETTER:
                e.column = f"{LETTER[e.column]} ({dict(COLUMNS)[e.column]})"
            if (e.row, e.column) not in unreadable:
                errors.append(e)
    if not errors and bands is not None:
        roots, _errs = build_tree(nodes)
        errors = validate_bands(bands=bands, total_points=cs.total_points, bonus=bonus_ceiling(roots))
    if errors:
        raise InvalidInput(message=_("Tệp không hợp lệ, chưa có dữ liệu nào được lưu."), details=errors)
    count = svc.criteria_replace_from_rows(actor=actor, criteria_set_id=cs.pk, nodes=nodes, source=filename)
    if bands is not None:
        svc.bands_replace(actor=actor, criteria_set_id=cs.pk,
                          bands=[{"label": b.label, "min_points": b.min_points, "max_points": b.max_points}
                                 for b in bands])
    return count
