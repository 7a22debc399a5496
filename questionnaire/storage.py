"""Where the questionnaire keeps its answers in progress: the server-side session.

formtools' SessionStorage marks the session as changed whenever the wizard merely reads its
state, so the session file is rewritten on every page. This one marks it only when the state
changes (a step's answers, the current step, the extra data, or a reset), so a page that only
shows a step reads the session and writes nothing.

It also bounds what one session may hold: a step's answers that would take the wizard's state
past ``QUESTIONNAIRE_SESSION_MAX_BYTES`` (as JSON, as the session stores it) are refused with
``SessionFull`` and nothing is stored (the wizard answers with its 400 page).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from formtools.wizard.storage.session import SessionStorage


class SessionFull(SuspiciousOperation):
    """Storing these answers would take the session past QUESTIONNAIRE_SESSION_MAX_BYTES."""


def stored_size(data: Any) -> int:
    """The size in bytes of ``data`` as the session serialises it (JSON)."""
    return len(json.dumps(data, separators=(",", ":")).encode("utf-8", "surrogatepass"))


class ChangedOnlySessionStorage(SessionStorage):
    """formtools' session storage, saving the session only when the wizard's state changes."""

    # Counts the changes of the stored answers in this request, so that what is worked out
    # from them (the wizard's plan) is kept until they change rather than compared each time.
    answers_revision = 0

    def _get_data(self) -> dict[str, Any]:
        return self.request.session[self.prefix]

    def _set_data(self, value: dict[str, Any]) -> None:
        # Setting the whole state (init_data, reset) marks the session as changed there.
        self.answers_revision += 1
        SessionStorage._set_data(self, value)

    data = property(_get_data, _set_data)

    def _changed(self) -> None:
        self.request.session.modified = True

    def _set_current_step(self, step: str) -> None:
        if self.data[self.step_key] != step:
            self._changed()
        super()._set_current_step(step)

    def _set_extra_data(self, extra_data: dict[str, Any]) -> None:
        self._changed()
        super()._set_extra_data(extra_data)

    def set_step_data(self, step: str, cleaned_data: Any) -> None:
        if hasattr(cleaned_data, "lists"):
            cleaned_data = dict(cleaned_data.lists())
        steps = {**self.data[self.step_data_key], step: cleaned_data}
        if stored_size({**self.data, self.step_data_key: steps}) > (
            settings.QUESTIONNAIRE_SESSION_MAX_BYTES
        ):
            raise SessionFull("The questionnaire's answers would exceed the session's size limit.")
        self._changed()
        self.answers_revision += 1
        super().set_step_data(step, cleaned_data)

    def set_step_files(self, step: str, files: Any) -> None:
        self._changed()
        super().set_step_files(step, files)
