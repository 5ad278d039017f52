"""The JSON API under /api/v1/ (django-ninja). Session or personal-token authentication; the same scoped
selectors and services as the pages. Errors always have the shape {"code", "message", "details"?}."""


from functools import wraps

from django.http import Http404, JsonResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from thidua.accounts.services import api_token_authenticate
from thidua.core.errors import HTTP_MESSAGES, DomainError, validation_message


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        user = api_token_authenticate(key)
        if user is not None:
            request.user = user
        return user


def _json_method_not_allowed(view):
    """django-ninja answers a wrong method with a plain-text 405 outside its exception handlers: give it the
    API's error shape (and keep the Allow header)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            code, message = HTTP_MESSAGES[405]
            allow = response.get("Allow", "")
            response = JsonResponse({"code": code, "message": str(message)}, status=405)
            if allow:
                response["Allow"] = allow
        return response

    return wrapper


class ThiduaAPI(NinjaAPI):
    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return urls


api = ThiduaAPI(
    title="thidua API",
    version="1",
    description="API quản lý cụm, khối thi đua và đề nghị khen thưởng. Xác thực bằng phiên đăng nhập "
    "(kèm CSRF) hoặc khóa truy cập cá nhân: `Authorization: Bearer td_…`.",
    urls_namespace="api",
    auth=[BearerToken(), HeaderToken(), django_auth],
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    details = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        details.append({"field": ".".join(loc) or None, "message": validation_message(err)})
    body = {"code": "invalid", "message": _("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại."), "details": details}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": _("Cần đăng nhập hoặc khóa truy cập hợp lệ.")}, status=401
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request, {"code": "not_found", "message": _("Không tìm thấy, hoặc bạn không có quyền xem nội dung này.")}, status=404
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        body = {"code": "csrf_failed", "message": _("Thiếu hoặc sai mã CSRF: tải lại trang rồi thử lại, hoặc dùng khóa truy cập.")}
    elif exc.status_code in HTTP_MESSAGES:
        # The framework's own errors are in English ("Cannot parse request body"): answer in Vietnamese.
        code, message = HTTP_MESSAGES[exc.status_code]
        body = {"code": code, "message": str(message)}
    else:
        body = {"code": "error", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


from thidua.accounts.api import router as accounts_router  # noqa: E402
from thidua.awards.api import router as awards_router  # noqa: E402
from thidua.conference.api import router as conference_router  # noqa: E402
from thidua.covenant.api import router as covenant_router  # noqa: E402
from thidua.organisations.api import router as organisations_router  # noqa: E402
from thidua.scoring.api import router as scoring_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", organisations_router)
api.add_router("/", covenant_router)
api.add_router("/", scoring_router)
api.add_router("/", conference_router)
api.add_router("/", awards_router)
