"""Password rules with messages in the application's catalogue: Django 5.2 changed the wording of the minimum
length message and its Vietnamese catalogue has no translation of the new text (officers saw it in English)."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator as _MinimumLengthValidator
from django.utils.translation import gettext as _


class MinimumLengthValidator(_MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất %(n)d ký tự.") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("Mật khẩu phải có ít nhất %(n)d ký tự.") % {"n": self.min_length}
