"""Validation of a criteria table and of its classification bands (pure functions, no database).

The same checks run on the editor's data and on an imported Excel file, so the errors read the same
(Vietnamese, with the criterion code, and the row/column when the data came from a file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from thidua.core.errors import ErrorDetail
from thidua.covenant.models import Method

SCORED = {Method.GRADED, Method.QUANTITATIVE, Method.PASS_FAIL}
EXTRA = {Method.BONUS, Method.PENALTY}
MAX_DEPTH = 3  # nhóm → tiêu chí → tiêu chí con


@dataclass
class Node:
    """A criterion as validated: from the database or a row of an import file."""

    code: str
    title: str
    method: str
    max_points: Decimal = Decimal(0)
    parent_code: str = ""
    step: Decimal | None = None
    unit_of_measure: str = ""
    extra_points_cap: Decimal = Decimal(0)
    points_per_occurrence: Decimal = Decimal(0)
    cap: Decimal = Decimal(0)
    auto_award_code: str = ""
    row: int | None = None
    children: list[Node] = field(default_factory=list)

    @classmethod
    def from_criterion(cls, c, parent_code: str = "") -> Node:
        return cls(code=c.code, title=c.title, method=c.method, max_points=c.max_points, parent_code=parent_code,
                   step=c.step, unit_of_measure=c.unit_of_measure, extra_points_cap=c.extra_points_cap,
                   points_per_occurrence=c.points_per_occurrence, cap=c.cap, auto_award_code=c.auto_award_code)


def _err(node: Node, message: str, column: str) -> ErrorDetail:
    if node.row is not None:
        return ErrorDetail(message=message, row=node.row, column=column)
    return ErrorDetail(message=f"{node.code}: {message}", field=column)


def is_extra_group(node: Node) -> bool:
    """A group whose children are all bonus/penalty criteria: outside the declared total."""
    return node.method == Method.GROUP and bool(node.children) and all(
        ch.method in EXTRA or is_extra_group(ch) for ch in node.children
    )


def bonus_ceiling(roots: list[Node]) -> Decimal:
    """The most bonus points a member can get on top of the total (for band validation)."""
    total = Decimal(0)
    for r in roots:
        if r.method == Method.BONUS:
            total += r.cap
        elif is_extra_group(r):
            bonus = sum((ch.cap for ch in r.children if ch.method == Method.BONUS), Decimal(0))
            total += min(bonus, r.max_points) if r.max_points else bonus
    return total


def build_tree(nodes: list[Node]) -> tuple[list[Node], list[ErrorDetail]]:
    errors: list[ErrorDetail] = []
    by_code: dict[str, Node] = {}
    for n in nodes:
        n.children = []
        code = (n.code or "").strip()
        if not code:
            errors.append(_err(n, _("Thiếu mã tiêu chí."), "code"))
            continue
        if code in by_code:
            errors.append(_err(n, _("Mã tiêu chí %(code)s bị trùng.") % {"code": code}, "code"))
            continue
        by_code[code] = n
    roots: list[Node] = []
    for n in nodes:
        if by_code.get((n.code or "").strip()) is not n:
            continue
        if not n.parent_code:
            roots.append(n)
            continue
        parent = by_code.get(n.parent_code)
        if parent is None:
            errors.append(_err(n, _("Không có nhóm mang mã %(code)s.") % {"code": n.parent_code}, "parent"))
        elif parent.method != Method.GROUP:
            errors.append(_err(n, _("Tiêu chí cha %(code)s không phải là nhóm tiêu chí.") % {"code": parent.code},
                               "parent"))
        elif parent is n:
            errors.append(_err(n, _("Tiêu chí không thể thuộc chính nó."), "parent"))
        else:
            parent.children.append(n)
    return roots, errors


def validate_criteria(*, total_points: Decimal, nodes: list[Node]) -> list[ErrorDetail]:
    """Every rule of a well-formed criteria table; an empty list means valid."""
    roots, errors = build_tree(nodes)
    if total_points is None or Decimal(total_points) <= 0:
        errors.append(ErrorDetail(message=_("Tổng điểm chuẩn phải lớn hơn 0."), field="total_points"))
        total_points = Decimal(0)
    if not nodes:
        errors.append(ErrorDetail(message=_("Bộ tiêu chí chưa có tiêu chí nào."), field="criteria"))
        return errors

    def walk(n: Node, depth: int):
        if depth > MAX_DEPTH:
            errors.append(_err(n, _("Cây tiêu chí chỉ có tối đa 3 cấp (nhóm → tiêu chí → tiêu chí con)."), "parent"))
        if not (n.title or "").strip():
            errors.append(_err(n, _("Thiếu nội dung tiêu chí."), "title"))
        if n.method not in Method.values:
            errors.append(_err(n, _("Cách chấm \"%(m)s\" không hợp lệ.") % {"m": n.method}, "method"))
            return
        for name in ("max_points", "extra_points_cap", "points_per_occurrence", "cap"):
            if getattr(n, name) is not None and getattr(n, name) < 0:
                errors.append(_err(n, _("Giá trị không được âm."), name))
        if n.method != Method.QUANTITATIVE and n.extra_points_cap:
            errors.append(_err(n, _("Chỉ tiêu chí định lượng mới có điểm cộng khi vượt chỉ tiêu."), "extra_points_cap"))
        if n.method != Method.BONUS and n.auto_award_code:
            errors.append(_err(n, _("Chỉ tiêu chí điểm thưởng mới được tự động cộng theo khen thưởng."), "auto_award_code"))
        if n.method == Method.GROUP:
            if not n.children:
                errors.append(_err(n, _("Nhóm chưa có tiêu chí con."), "method"))
            elif is_extra_group(n):
                for ch in n.children:
                    if n.max_points and ch.method in EXTRA and ch.cap > n.max_points:
                        errors.append(_err(ch, _("Mức trần (%(cap)s) vượt mức trần của nhóm %(code)s (%(max)s).")
                                           % {"cap": ch.cap, "code": n.code, "max": n.max_points}, "cap"))
            else:
                if any(ch.method in EXTRA or is_extra_group(ch) for ch in n.children):
                    errors.append(_err(n, _("Nhóm không được trộn tiêu chí chấm điểm với điểm thưởng/điểm trừ."), "method"))
                if n.max_points <= 0:
                    errors.append(_err(n, _("Điểm tối đa của nhóm phải lớn hơn 0."), "max_points"))
                children_sum = sum((ch.max_points for ch in n.children if ch.method not in EXTRA), Decimal(0))
                # Scoring adds up the leaves: a group whose children sum to less than its points can never
                # be reached, and the table's declared total (and the bands built on it) would be false.
                if children_sum > n.max_points:
                    errors.append(_err(n, _("Tổng điểm tối đa các tiêu chí con (%(sum)s) vượt điểm tối đa của nhóm (%(max)s).")
                                       % {"sum": _fmt(children_sum), "max": _fmt(n.max_points)}, "max_points"))
                elif children_sum < n.max_points:
                    errors.append(_err(n, _("Tổng điểm tối đa các tiêu chí con (%(sum)s) nhỏ hơn điểm tối đa của nhóm "
                                            "(%(max)s): hai số phải bằng nhau.")
                                       % {"sum": _fmt(children_sum), "max": _fmt(n.max_points)}, "max_points"))
        elif n.method in SCORED:
            if n.max_points <= 0:
                errors.append(_err(n, _("Điểm tối đa phải lớn hơn 0."), "max_points"))
            if n.points_per_occurrence or n.cap:
                errors.append(_err(n, _("Điểm mỗi lần và mức trần chỉ dùng cho điểm thưởng/điểm trừ."), "cap"))
        if n.method == Method.GRADED and n.step is not None:
            if n.step <= 0 or n.step > n.max_points:
                errors.append(_err(n, _("Bước điểm phải lớn hơn 0 và không vượt điểm tối đa."), "step"))
            elif n.max_points % n.step != 0:
                errors.append(_err(n, _("Điểm tối đa phải là bội số của bước điểm."), "step"))
        elif n.step is not None and n.method != Method.GRADED:
            errors.append(_err(n, _("Chỉ tiêu chí chấm điểm từ 0 đến tối đa mới có bước điểm."), "step"))
        if n.method == Method.QUANTITATIVE and not (n.unit_of_measure or "").strip():
            errors.append(_err(n, _("Tiêu chí định lượng phải có đơn vị tính."), "unit_of_measure"))
        if n.method in EXTRA:
            if n.points_per_occurrence <= 0:
                errors.append(_err(n, _("Điểm mỗi lần phải lớn hơn 0."), "points_per_occurrence"))
            if n.cap < n.points_per_occurrence or n.cap <= 0:
                errors.append(_err(n, _("Mức trần phải lớn hơn 0 và không nhỏ hơn điểm mỗi lần."), "cap"))
            if n.max_points:
                errors.append(_err(n, _("Điểm thưởng/điểm trừ nằm ngoài tổng điểm: để điểm tối đa bằng 0 và dùng mức trần."),
                                   "max_points"))
        for ch in n.children:
            walk(ch, depth + 1)

    for r in roots:
        walk(r, 1)
    scored_total = sum(
        (r.max_points for r in roots if r.method not in EXTRA and not is_extra_group(r)), Decimal(0)
    )
    if total_points and scored_total != Decimal(total_points):
        errors.append(ErrorDetail(
            message=_("Tổng điểm tối đa các nhóm/tiêu chí cấp 1 (%(sum)s) khác tổng điểm chuẩn đã khai báo (%(total)s); "
                      "điểm thưởng và điểm trừ không tính vào tổng.") % {"sum": _fmt(scored_total), "total": _fmt(total_points)},
            field="total_points"))
    return errors


@dataclass
class BandInput:
    label: str
    min_points: Decimal
    max_points: Decimal
    row: int | None = None


def validate_bands(*, bands: list[BandInput], total_points: Decimal, bonus: Decimal) -> list[ErrorDetail]:
    """Bands are closed intervals inside 0..total+bonus that do not overlap and leave no gap, from 0 to at
    least the total (touching ends: on a shared boundary the higher band wins, see selectors.classify)."""
    errors: list[ErrorDetail] = []
    ceiling = Decimal(total_points) + Decimal(bonus)
    labels = set()
    for i, b in enumerate(bands, start=1):
        where = {"field": f"bands[{i}]"} if b.row is None else {"row": b.row}
        if not (b.label or "").strip():
            errors.append(ErrorDetail(message=_("Mức %(i)d: thiếu tên xếp loại.") % {"i": i}, **where))
        elif b.label.strip().lower() in labels:
            errors.append(ErrorDetail(message=_("Xếp loại \"%(l)s\" bị trùng.") % {"l": b.label}, **where))
        labels.add((b.label or "").strip().lower())
        if b.min_points is None or b.max_points is None:
            errors.append(ErrorDetail(message=_("Mức %(i)d: cần nhập từ điểm và đến điểm.") % {"i": i}, **where))
            continue
        if b.min_points > b.max_points:
            errors.append(ErrorDetail(message=_("Mức %(i)d: từ điểm lớn hơn đến điểm.") % {"i": i}, **where))
        if b.min_points < 0 or b.max_points > ceiling:
            errors.append(ErrorDetail(
                message=_("Mức %(i)d phải nằm trong khoảng 0–%(c)s (tổng điểm cộng điểm thưởng tối đa).")
                % {"i": i, "c": _fmt(ceiling)}, **where))
    ordered = sorted((b for b in bands if b.min_points is not None and b.max_points is not None),
                     key=lambda b: b.min_points)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.min_points < a.max_points:
            errors.append(ErrorDetail(message=_("Mức \"%(a)s\" và \"%(b)s\" chồng lên nhau.") % {"a": a.label, "b": b.label},
                                      field="bands"))
        elif b.min_points > a.max_points:
            errors.append(ErrorDetail(
                message=_("Giữa mức \"%(a)s\" và \"%(b)s\" còn khoảng trống (trên %(x)s đến dưới %(y)s điểm): tổng điểm "
                          "trong khoảng này không được xếp loại nào.")
                % {"a": a.label, "b": b.label, "x": _fmt(a.max_points), "y": _fmt(b.min_points)}, field="bands"))
    # Every possible total gets a classification: the bands cover 0 to the declared total with no gap.
    if ordered and ordered[0].min_points > 0:
        errors.append(ErrorDetail(message=_("Mức thấp nhất phải bắt đầu từ 0 điểm (mức \"%(l)s\" bắt đầu từ %(m)s).")
                                  % {"l": ordered[0].label, "m": _fmt(ordered[0].min_points)}, field="bands"))
    if ordered and max(b.max_points for b in ordered) < Decimal(total_points):
        errors.append(ErrorDetail(message=_("Mức cao nhất phải đến ít nhất tổng điểm chuẩn (%(t)s).")
                                  % {"t": _fmt(total_points)}, field="bands"))
    return errors


def column_limit_error(value: Decimal, *, max_digits: int, decimal_places: int) -> str | None:
    """Why `value` does not fit a DECIMAL(max_digits, decimal_places) column, or None when it fits.

    A value the column cannot hold is refused here: SQLite would store it and then fail to read it back
    (every page showing it crashes), PostgreSQL would refuse or silently round it."""
    if not value.is_finite():
        return _("Giá trị phải là một số hữu hạn.")
    whole = max_digits - decimal_places
    largest = Decimal(10) ** whole - Decimal(1).scaleb(-decimal_places)
    if abs(value) > largest:
        return (_("Giá trị vượt giới hạn cho phép (từ −%(max)s đến %(max)s).") % {"max": _fmt(largest)})
    if value != value.quantize(Decimal(1).scaleb(-decimal_places)):
        return _("Chỉ được có tối đa %(n)d chữ số sau dấu phẩy.") % {"n": decimal_places}
    return None


def field_limit_error(value: Decimal, model, name: str) -> str | None:
    """column_limit_error for a model's DecimalField."""
    f = model._meta.get_field(name)
    return column_limit_error(value, max_digits=f.max_digits, decimal_places=f.decimal_places)


def _fmt(d) -> str:
    d = Decimal(d)
    return f"{d.normalize():f}" if d == d.to_integral() else f"{d:f}".rstrip("0")
