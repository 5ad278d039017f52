from __future__ import annotations

import re

from django.conf import settings

from thidua.core.context import new_request_id, reset_request_id, set_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9\-_.]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane X-Request-ID from the proxy) for logs and the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """A strict CSP: scripts and styles only from this server, no inline scripts, no framing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class DomainErrorMiddleware:
    """Pages: a NotFound from a selector becomes the 404 page, a Forbidden the 403 page (the API has its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.views import defaults

        from thidua.core.errors import Forbidden, NotFound

        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, Http404(str(exception.message)))
        if isinstance(exception, Forbidden):
            return defaults.permission_denied(request, PermissionDenied(str(exception.message)))
        return None


class CookieLocaleMiddleware:
    """Vietnamese unless the user chose another language (cookie set by the language switcher).

    The browser's Accept-Language is ignored on purpose: officers often run English-language browsers, and the
    official working language of the system is Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
