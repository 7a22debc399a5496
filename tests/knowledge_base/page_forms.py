"""The data a browser posts from a page's form: read from the HTML, not from the Django form.

``admin_forms.change_form_data`` posts every field of the Django forms; a browser posts only the
inputs the page draws (no disabled or undrawn fields, no "Add another" template row), which is
what request limits and the admin must cope with.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self.select: str | None = None
        self.multiple = False
        self.options: list[str] = []
        self.selected: list[str] = []
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside:
            return
        name = attributes.get("name", "")
        # Inputs of the "Add another" template row, and disabled ones, are never posted.
        drawn = name and "__prefix__" not in name and "disabled" not in attributes
        if tag == "input" and drawn:
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.data.append((name, attributes.get("value", "on")))
            elif kind not in {"submit", "button", "file"}:
                self.data.append((name, attributes.get("value", "")))
        elif tag == "select" and drawn:
            self.select, self.multiple = name, "multiple" in attributes
            self.options, self.selected = [], []
        elif tag == "option" and self.select is not None:
            self.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self.selected.append(attributes.get("value", ""))
        elif tag == "textarea" and drawn:
            self.textarea, self.text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            # A single select with nothing selected posts its first option.
            values = self.selected or ([] if self.multiple else self.options[:1])
            self.data += [(self.select, value) for value in values]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.text)
            # The HTML parser keeps the newline a browser drops after <textarea>.
            self.data.append((self.textarea, text.removeprefix("\n").replace("\r\n", "\n")))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)


def posted_form_data(html: str, form_id: str) -> dict[str, Any]:
    """What a browser posts from the form ``form_id`` of ``html`` as drawn, unchanged.

    A name posted more than once (a multiple select) maps to a list of its values.
    """
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, Any] = {}
    for name, value in reader.data:
        if name in data:
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    return data
