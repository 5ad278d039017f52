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
