"""The shared form template labels every control: a list of checkboxes or radios gets a fieldset and legend,
never an empty `label for=""`."""

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    name = forms.CharField(label="Tên")
    picks = forms.MultipleChoiceField(label="Hồ sơ", choices=[("1", "Một"), ("2", "Hai")],
                                      widget=forms.CheckboxSelectMultiple)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def test_checkbox_lists_get_a_fieldset_and_legend_and_no_empty_label():
    html = render_to_string("form_fields.html", {"form": _Form(data={"picks": ["9"]})})
    assert 'for=""' not in html
    assert "<legend>Hồ sơ" in html
    assert '<label for="id_name">Tên' in html
    assert 'id="id_picks-error"' in html          # the error of the list is still tied to it
    assert "Token" not in html                    # hidden fields carry no visible label
