"""Domain errors raised by services and selectors.

Views and the API turn them into responses with a machine code and a Vietnamese message, so that a
service behaves the same whoever calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class ErrorDetail:
    """One thing wrong with an input: where (field, or row and column of an import) and why."""

    message: str
    field: str | None = None
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict:
        return {k: (str(v) if k == "message" else v) for k, v in self.__dict__.items() if v is not None}


@dataclass
class DomainError(Exception):
    message: str = ""
    details: list[ErrorDetail] = field(default_factory=list)
    code: str = "error"
    status: int = 400

    def __post_init__(self) -> None:
        if not self.message:
            self.message = str(self.default_message)
        super().__init__(str(self.message))

    default_message = _("Yêu cầu không hợp lệ.")

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.details:
            body["details"] = [d.as_dict() for d in self.details]
        return body


@dataclass
class NotFound(DomainError):
    """Raised for rows that do not exist *and* for rows outside the caller's scope (never confirm existence)."""

    code: str = "not_found"
    status: int = 404
    default_message = _("Không tìm thấy, hoặc bạn không có quyền xem nội dung này.")


@dataclass
class Forbidden(DomainError):
    code: str = "forbidden"
    status: int = 403
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


@dataclass
class InvalidInput(DomainError):
    code: str = "invalid"
    status: int = 422
    default_message = _("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.")


@dataclass
class InvalidState(DomainError):
    code: str = "invalid_state"
    status: int = 409
    default_message = _("Thao tác không thực hiện được ở trạng thái hiện tại.")


@dataclass
class Conflict(DomainError):
    code: str = "conflict"
    status: int = 409
    default_message = _("Dữ liệu đã bị thay đổi hoặc trùng lặp.")


def invalid(message, *, field: str | None = None) -> InvalidInput:
    """Shortcut for a single-field validation error."""
    return InvalidInput(message=str(message), details=[ErrorDetail(message=str(message), field=field)])


# Vietnamese messages for the validation errors of the API's input schemas (pydantic reports them in English).
# Keyed by pydantic's error type; `ctx` values (limits, expected values) are filled in.
_PYDANTIC_MESSAGES = {
    "missing": _("Thiếu trường bắt buộc."),
    "extra_forbidden": _("Trường này không được chấp nhận."),
    "int_parsing": _("Cần một số nguyên."),
    "int_type": _("Cần một số nguyên."),
    "int_from_float": _("Cần một số nguyên."),
    "float_parsing": _("Cần một số."),
    "float_type": _("Cần một số."),
    "decimal_parsing": _("Cần một số."),
    "bool_parsing": _("Cần giá trị đúng/sai (true/false)."),
    "bool_type": _("Cần giá trị đúng/sai (true/false)."),
    "string_type": _("Cần một chuỗi ký tự."),
    "string_too_short": _("Cần ít nhất %(min_length)s ký tự."),
    "string_too_long": _("Tối đa %(max_length)s ký tự."),
    "string_pattern_mismatch": _("Không đúng định dạng."),
    "greater_than": _("Giá trị phải lớn hơn %(gt)s."),
    "greater_than_equal": _("Giá trị phải lớn hơn hoặc bằng %(ge)s."),
    "less_than": _("Giá trị phải nhỏ hơn %(lt)s."),
    "less_than_equal": _("Giá trị phải nhỏ hơn hoặc bằng %(le)s."),
    "date_parsing": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    "date_from_datetime_inexact": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    "date_type": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    "datetime_parsing": _("Thời điểm không hợp lệ (định dạng ISO 8601)."),
    "datetime_from_date_parsing": _("Thời điểm không hợp lệ (định dạng ISO 8601)."),
    "datetime_type": _("Thời điểm không hợp lệ (định dạng ISO 8601)."),
    "enum": _("Giá trị không hợp lệ; chấp nhận: %(expected)s."),
    "literal_error": _("Giá trị không hợp lệ; chấp nhận: %(expected)s."),
    "list_type": _("Cần một danh sách."),
    "dict_type": _("Cần một đối tượng JSON."),
    "model_type": _("Cần một đối tượng JSON."),
    "model_attributes_type": _("Cần một đối tượng JSON."),
    "json_invalid": _("Nội dung không phải JSON hợp lệ."),
    "too_short": _("Danh sách quá ngắn."),
    "too_long": _("Danh sách quá dài."),
    "uuid_parsing": _("Mã UUID không hợp lệ."),
    "url_parsing": _("Địa chỉ URL không hợp lệ."),
    "value_error": _("Giá trị không hợp lệ."),
}


def validation_message(error: dict) -> str:
    """A Vietnamese message for one pydantic validation error (never pydantic's English text)."""
    template = _PYDANTIC_MESSAGES.get(error.get("type", ""), _("Giá trị không hợp lệ."))
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return str(template) % ctx if "%(" in str(template) else str(template)
    except (KeyError, ValueError, TypeError):
        return str(_("Giá trị không hợp lệ."))


# Vietnamese messages for the HTTP errors the API framework raises itself (unparsable body, throttling…).
HTTP_MESSAGES = {
    400: ("bad_request", _("Không đọc được nội dung yêu cầu: cần JSON hợp lệ (Content-Type: application/json).")),
    405: ("method_not_allowed", _("Phương thức HTTP này không được hỗ trợ ở địa chỉ này.")),
    429: ("throttled", _("Quá nhiều yêu cầu, vui lòng thử lại sau.")),
}
