from __future__ import annotations

from django import forms

from thidua.core.errors import InvalidInput


def apply_domain_errors(form: forms.Form, exc: InvalidInput) -> None:
    """Show a service's validation errors on the form, next to the field they concern."""
    if not exc.details:
        form.add_error(None, str(exc.message))
    for detail in exc.details:
        field = detail.field if detail.field in form.fields else None
        form.add_error(field, str(detail.message))
