from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from thidua.api import api
from thidua.organisations import views as org_views

admin.site.site_header = "thidua – quản trị"
admin.site.site_title = "thidua"

urlpatterns = [
    path("", org_views.dashboard, name="dashboard"),
    path("accounts/", include("thidua.accounts.urls")),
    path("", include("thidua.organisations.urls")),
    path("audit/", include("thidua.core.urls")),
    path("documents/", include("thidua.documents.urls")),
    path("covenant/", include("thidua.covenant.urls")),
    path("scoring/", include("thidua.scoring.urls")),
    path("conference/", include("thidua.conference.urls")),
    path("awards/", include("thidua.awards.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "thidua.core.views.not_found"
