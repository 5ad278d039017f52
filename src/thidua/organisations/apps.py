from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "thidua.organisations"
    label = "organisations"
    verbose_name = _("Đơn vị và cụm thi đua")
