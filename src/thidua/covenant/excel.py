"""Excel import and export of a criteria table (openpyxl).

The sheet "Tiêu chí" has one row per criterion, parents before or after their children; the optional sheet
"Xếp loại" holds the bands. An import is validated whole (the same rules as the editor) and rejected whole:
the report lists row, column and reason, and nothing is saved.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from thidua.core.errors import ErrorDetail, InvalidInput
from thidua.covenant.models import (
    ClassificationBand,
    CriteriaSet,
    Criterion,
    Method,
    NationalCampaign,
    ScoredBy,
)
from thidua.covenant.selectors import bands_of, criteria_of
from thidua.covenant.validation import (
    BandInput,
    Node,
    bonus_ceiling,
    build_tree,
    field_limit_error,
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
    ("national_campaign", "Phong trào thi đua toàn quốc liên quan"),
]
HEADERS = [h for _, h in COLUMNS]
# Files exported before the national-campaign column existed are still accepted (the column is optional).
REQUIRED_HEADERS = HEADERS[:-1]
# Fields of a validation error (validation.py) that are not named like the column.
FIELD_ALIASES = {"parent": "parent_code"}
# Errors not tied to a row: what the field is called for the user.
FIELD_LABELS = {"total_points": "Tổng điểm chuẩn", "criteria": "Bộ tiêu chí", "file": "Tệp", "bands": "Xếp loại"}
# Columns stored in a DecimalField: the value must fit its digits and decimal places.
DECIMAL_COLUMNS = {"max_points", "step", "extra_points_cap", "points_per_occurrence", "cap"}
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
                   "có" if c.evidence_required else "không", SCORED_BY_LABELS[c.scored_by],
                   c.national_campaign.title if c.national_campaign_id else ""])
    for i, width in enumerate([8, 10, 60, 40, 14, 10, 10, 12, 10, 12, 10, 10, 22, 10, 14, 40], start=1):
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

    def decimal(self, field: str, value, *, allow_none: bool = False, column: tuple | None = None) -> Decimal | None:
        """A number of the file; with `column` (model, field name) it must fit that column (digits and
        decimal places), so that 13,333 in a two-decimal field is refused rather than rounded."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None if allow_none else Decimal(0)
        try:
            d = Decimal(str(value).strip().replace(",", "."))
            if not d.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self.err(field, _("\"%(v)s\" không phải là số.") % {"v": value})
            return Decimal(0)
        if column is not None:
            reason = field_limit_error(d, *column)
            if reason:
                self.err(field, _("\"%(v)s\": %(r)s") % {"v": value, "r": reason})
                return Decimal(0)
        return d

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


def _read_rows(data: bytes) -> tuple[list[list], list[list] | None]:
    """Every row of the criteria sheet (at most MAX_ROWS + 2) and of the bands sheet, as plain lists.

    The whole read is inside one try: openpyxl reads a sheet lazily, so a damaged sheet (truncated XML,
    a bad zip member) fails while iterating, not when the workbook opens. Raises ValueError on any such
    failure (the file comes from a user; whatever breaks the parser means "not a readable .xlsx")."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
            rows = []
            for values in ws.iter_rows(values_only=True):
                rows.append(list(values or []))
                if len(rows) > MAX_ROWS + 1:
                    break
            band_rows = None
            if BAND_SHEET in wb.sheetnames:
                band_rows = []
                for values in wb[BAND_SHEET].iter_rows(min_row=2, values_only=True):
                    band_rows.append(list(values or []))
                    if len(band_rows) > MAX_ROWS:
                        break
        finally:
            wb.close()
    except Exception as exc:  # noqa: BLE001 - any parser failure on an uploaded file is a rejection
        raise ValueError(str(exc)) from exc
    return rows, band_rows


def _campaigns_by_title() -> dict[str, int]:
    return {t.strip().lower(): pk for pk, t in NationalCampaign.objects.values_list("pk", "title")}


def parse_xlsx(data: bytes) -> tuple[list[Node], list[BandInput] | None, list[ErrorDetail]]:
    """Read a file into nodes and bands, with every problem of form (not of the table's rules)."""
    errors: list[ErrorDetail] = []
    if not data:
        return [], None, [ErrorDetail(message=_("Tệp rỗng."), field="file", column=_("Tệp"))]
    if len(data) > MAX_BYTES:
        return [], None, [ErrorDetail(message=_("Tệp quá lớn (tối đa 5 MB)."), field="file", column=_("Tệp"))]
    try:
        rows, band_rows = _read_rows(data)
    except ValueError:
        return [], None, [ErrorDetail(message=_("Không đọc được tệp: tệp bị hỏng hoặc không phải tệp Excel .xlsx."),
                                      field="file", column=_("Tệp"))]
    header = [str(h or "").strip() for h in (rows[0] if rows else [])]
    has_campaign = header[len(REQUIRED_HEADERS):len(HEADERS)] == HEADERS[len(REQUIRED_HEADERS):]
    if header[: len(REQUIRED_HEADERS)] != REQUIRED_HEADERS:
        missing = [h for h in REQUIRED_HEADERS if h not in header]
        return [], None, [ErrorDetail(
            message=_("Dòng tiêu đề không đúng mẫu; thiếu hoặc sai thứ tự cột: %(c)s. Hãy dùng tệp xuất từ hệ thống "
                      "làm mẫu.") % {"c": ", ".join(missing) or ", ".join(REQUIRED_HEADERS)}, row=1)]
    campaigns = _campaigns_by_title() if has_campaign else {}
    nodes: list[Node] = []
    for i, values in enumerate(rows[1:], start=2):
        if i > MAX_ROWS + 1:
            errors.append(ErrorDetail(message=_("Tệp có quá nhiều dòng (tối đa %(n)d).") % {"n": MAX_ROWS}, row=i))
            break
        values = values + [None] * len(COLUMNS)
        raw = dict(zip([f for f, _ in COLUMNS], values, strict=False))
        if not has_campaign:
            raw["national_campaign"] = None
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        r = _Row(i, errors)

        def num(field, allow_none=False, r=r, raw=raw):
            return r.decimal(field, raw[field], allow_none=allow_none, column=(Criterion, field))

        node = Node(
            code=str(raw["code"] or "").strip(), title=str(raw["title"] or "").strip(),
            method=r.choice("method", raw["method"], METHOD_LABELS),
            max_points=num("max_points"),
            parent_code=str(raw["parent_code"] or "").strip(),
            step=num("step", allow_none=True),
            unit_of_measure=str(raw["unit_of_measure"] or "").strip(),
            extra_points_cap=num("extra_points_cap"),
            points_per_occurrence=num("points_per_occurrence"),
            cap=num("cap"),
            auto_award_code=str(raw["auto_award_code"] or "").strip(), row=i)
        node.guidance = str(raw["guidance"] or "").strip()
        node.higher_is_better = r.boolean("higher_is_better", raw["higher_is_better"], True)
        node.evidence_required = r.boolean("evidence_required", raw["evidence_required"], False)
        node.scored_by = (r.choice("scored_by", raw["scored_by"], SCORED_BY_LABELS)
                          if raw["scored_by"] not in (None, "") else ScoredBy.SCORERS)
        node.national_campaign_id = None
        campaign = str(raw["national_campaign"] or "").strip()
        if campaign:
            node.national_campaign_id = campaigns.get(campaign.lower())
            if node.national_campaign_id is None:
                r.err("national_campaign", _("Không có phong trào thi đua toàn quốc \"%(t)s\" trong danh mục.")
                      % {"t": campaign})
        for field, limit in (("code", 20), ("title", 500), ("unit_of_measure", 50), ("auto_award_code", 60)):
            if len(getattr(node, field)) > limit:
                r.err(field, _("Quá dài (tối đa %(n)d ký tự).") % {"n": limit})
        nodes.append(node)
    bands = None
    if band_rows is not None:
        bands = []
        band_errors: list[ErrorDetail] = []
        for i, values in enumerate(band_rows, start=2):
            values = values + [None] * 3
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values[:3]):
                continue
            r = _Row(i, band_errors)
            lo = r.decimal("min", values[1], column=(ClassificationBand, "min_points"))
            hi = r.decimal("max", values[2], column=(ClassificationBand, "max_points"))
            bands.append(BandInput(label=str(values[0] or "").strip(), min_points=lo, max_points=hi, row=i))
        for e in band_errors:
            e.column = band_column({"min": "B", "max": "C"}.get(e.column))
        errors += band_errors
        if not bands:
            bands = None
    return nodes, bands, errors


def band_column(letter: str | None) -> str:
    """The column of an error of the bands sheet, naming the sheet (its rows are not the criteria's)."""
    headers = {"A": "Xếp loại", "B": "Từ điểm", "C": "Đến điểm"}
    if letter in headers:
        return _("Trang “%(s)s”, cột %(l)s (%(h)s)") % {"s": BAND_SHEET, "l": letter, "h": headers[letter]}
    return _("Trang “%(s)s”") % {"s": BAND_SHEET}


def _column_of(field: str | None) -> str | None:
    field = FIELD_ALIASES.get(field, field)
    if field in LETTER:
        return f"{LETTER[field]} ({dict(COLUMNS)[field]})"
    return FIELD_LABELS.get(field, field)


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
            e.column = _column_of(e.column if e.row is not None else e.field)
            if (e.row, e.column) not in unreadable:
                errors.append(e)
    if not errors and bands is not None:
        roots, _errs = build_tree(nodes)
        errors = validate_bands(bands=bands, total_points=cs.total_points, bonus=bonus_ceiling(roots))
        for e in errors:
            e.column = band_column(None)
    if errors:
        raise InvalidInput(message=_("Tệp không hợp lệ, chưa có dữ liệu nào được lưu."), details=errors)
    count = svc.criteria_replace_from_rows(actor=actor, criteria_set_id=cs.pk, nodes=nodes, source=filename)
    if bands is not None:
        svc.bands_replace(actor=actor, criteria_set_id=cs.pk,
                          bands=[{"label": b.label, "min_points": b.min_points, "max_points": b.max_points}
                                 for b in bands])
    return count
