from django.contrib import admin

from thidua.core.admin_base import ReadOnlyAdmin
from thidua.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "action", "actor", "actor_unit", "object_type", "object_id")
    list_filter = ("object_type",)
    search_fields = ("action", "object_id", "request_id")
    list_select_related = ("actor", "actor_unit")
    list_per_page = 50
