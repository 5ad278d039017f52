"""Password authentication with throttling: repeated failures lock the username and the address for a while."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.utils import timezone

from thidua.accounts.models import LoginFailure


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind a reverse proxy the proxy must set REMOTE_ADDR correctly (docs/operations.md).
    return request.META.get("REMOTE_ADDR") or None


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def is_locked_out(username: str, ip: str | None) -> bool:
    cond = Q(username__iexact=username or "")
    if ip:
        # An address is locked at a higher count so that one office behind NAT is not locked by one user.
        ip_failures = LoginFailure.objects.filter(ip_address=ip, created_at__gte=_window_start()).count()
        if ip_failures >= settings.LOGIN_MAX_FAILURES * 4:
            return True
    return LoginFailure.objects.filter(cond, created_at__gte=_window_start()).count() >= settings.LOGIN_MAX_FAILURES


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(created_at__lt=timezone.now() - timedelta(days=30)).delete()
    LoginFailure.objects.create(username=(username or "")[:150], ip_address=ip)


def canonical_username(username: str) -> str:
    """Usernames are unique whatever their case (accounts.services.user_create): "HCM.CanBo" is hcm.canbo, both
    for signing in and for counting failures, so the two can never disagree."""
    from django.contrib.auth import get_user_model

    matches = list(get_user_model().objects.filter(username__iexact=username or "").values_list("username", flat=True)[:2])
    if username in matches:
        return username
    return matches[0] if len(matches) == 1 else (username or "")


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), "")
        username = canonical_username(username)
        ip = client_ip(request)
        if is_locked_out(username, ip):
            if request is not None:
                request.thidua_locked_out = True
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, ip)
            if is_locked_out(username, ip):
                if request is not None:
                    request.thidua_locked_out = True
                from thidua.accounts.services import login_locked_out

                login_locked_out(username=username, ip=ip)  # audited (never the password)
        else:
            clear_failures(username)
        return user

    def _username_field(self) -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
