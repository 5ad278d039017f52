"""API for the current user, their roles, and their personal tokens."""


from datetime import datetime

from django.contrib.auth import SESSION_KEY
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from thidua.accounts import selectors, services
from thidua.core.errors import Forbidden

router = Router(tags=["Tài khoản"])


class RoleOut(Schema):
    id: int
    role: str
    role_label: str = Field(alias="get_role_display")
    scope_kind: str
    unit_id: int | None
    cluster_id: int | None
    cluster_year_id: int | None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    position: str
    email: str
    unit_id: int | None
    is_superuser: bool
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="Tài khoản đang dùng và các vai trò")
def me(request):
    user = request.user
    return {
        **{k: getattr(user, k) for k in ("id", "username", "full_name", "position", "email", "unit_id", "is_superuser")},
        "roles": list(selectors.role_grants_for(user=user, of_user=user)),
    }


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    secret: str


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., max_length=100)
    days_valid: int | None = 365


@router.get("/tokens", response=list[TokenOut], summary="Khóa truy cập cá nhân")
def list_tokens(request):
    return list(selectors.api_tokens_for(user=request.user))


def _signed_in_by_session(request) -> bool:
    """True when the caller is the user of the signed-in session, not only the holder of a token."""
    session = getattr(request, "session", None)
    return session is not None and str(session.get(SESSION_KEY, "")) == str(request.user.pk)


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Tạo khóa (chỉ hiện một lần)")
def create_token(request, payload: TokenIn):
    if not _signed_in_by_session(request):
        # A token must not mint tokens: a leaked short-lived token would otherwise outlive itself.
        raise Forbidden(message=_("Chỉ tạo được khóa truy cập khi đăng nhập bằng tài khoản (trang Hồ sơ của tôi), "
                                  "không tạo được bằng một khóa truy cập."))
    token, secret = services.api_token_create(actor=request.user, name=payload.name, days_valid=payload.days_valid)
    token.secret = secret
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Thu hồi khóa")
def revoke_token(request, token_id: int):
    services.api_token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)
