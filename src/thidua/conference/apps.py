from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "thidua.conference"
    label = "conference"
    verbose_name = _("Hội nghị tổng kết và bỏ phiếu")
