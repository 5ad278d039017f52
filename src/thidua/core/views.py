from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET

from thidua.core.audit import audit_verify
from thidua.core.models import AuditEntry
from thidua.core.selectors import paginate


@require_GET
@login_required
def audit_log(request):
    """The whole log, for system administrators; everyone else sees history on the objects they can open."""
    if not request.user.is_superuser:
        raise PermissionDenied
    action = request.GET.get("action", "").strip()
    qs = AuditEntry.objects.select_related("actor").order_by("-id")
    if action:
        qs = qs.filter(action__startswith=action)
    page = paginate(qs, page=request.GET.get("page"), per_page=50)
    verification = audit_verify() if request.GET.get("verify") == "1" else None
    return render(request, "core/audit_log.html", {"page": page, "action": action, "verification": verification})


def not_found(request, exception=None):
    """404 for the whole site: JSON in the API's error shape under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": _("Không tìm thấy, hoặc bạn không có quyền xem nội dung này.")},
            status=404, json_dumps_params={"ensure_ascii": False},
        )
    return defaults.page_not_found(request, exception)
