"""Build the POST data of a Django admin change form, as a browser would send it unchanged."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm, ModelMultipleChoiceField, MultipleChoiceField

TEST_REASON = "Test: a figure corrected against its reference"


def change_form_data(response, *, reason: str | None = TEST_REASON) -> dict[str, Any]:
    """The fields of the change form in ``response`` (a GET of an admin add/change page).

    Every change of a draft needs a reason (conditions/admin_reasons.py): ``reason`` is typed
    into it, as a curator would; ``reason=None`` leaves it empty.
    """
    data: dict[str, Any] = {}
    _add_form(data, response.context["adminform"].form)
    # The history's revert page has the form but no inlines.
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    if reason is not None and "change_reason" in data:
        data["change_reason"] = reason
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


PUBLISH_URL = "admin:conditions_knowledgebaseversion_publish"


def publish_form_data(response, **fields: str) -> dict[str, Any]:
    """The publish page's form as sent after reading ``response`` (a GET of the publish page):
    the checksum of the drafts read, and ``fields`` (``note``, the safety acknowledgement)."""
    return {"reviewed_checksum": response.context["form"]["reviewed_checksum"].initial, **fields}


def publish_in_admin(client, note: str, *, follow: bool = False, **fields: str):
    """A reviewer opens the publish page, reads it, and publishes with ``note``."""
    from django.urls import reverse

    url = reverse(PUBLISH_URL)
    data = publish_form_data(client.get(url), note=note, **fields)
    return client.post(url, data, follow=follow)
