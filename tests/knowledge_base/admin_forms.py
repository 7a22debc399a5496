"""Build the POST data of a Django admin change form, as a browser would send it unchanged."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm, ModelMultipleChoiceField, MultipleChoiceField


def change_form_data(response) -> dict[str, Any]:
    """The fields of the change form in ``response`` (a GET of an admin add/change page)."""
    data: dict[str, Any] = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data


def _add_form(data: dict[str, Any], form: BaseForm) -> None:
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is True:
            data[key] = "on"
        elif value is False or value is None:
            # An unticked box and an empty multiple select send nothing; an empty field sends "".
            multiple = isinstance(form.fields[name], ModelMultipleChoiceField | MultipleChoiceField)
            if value is None and not multiple:
                data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)
