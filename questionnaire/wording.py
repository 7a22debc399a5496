"""Every word a person reads about their result, in one place (issue 14, issue 18).

The engine decides and returns structures (levels, reasons of each kind, conditions that fit with
their ``Fit``, answers that move them as ``Reason``); this module turns them into sentences for the
result page, the doctor's summary and its PDF, and the API, so that all of them say the same.
The curators' own words (condition names and summaries, red-flag messages, concerns, statements
of the findings) come from the knowledge base; the rest is worded here, translatable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from conditions.engine import DurationBin, KnowledgeBase, ReasonKind, Triage, TriageReason
from conditions.engine.explanation import Fit, Reason
from conditions.engine.knowledge import DURATION_CODE

EMERGENCY_NUMBER = "999"


@dataclass(frozen=True, slots=True)
class UrgencyCard:
    """The care card that leads the result page (NHS care-card pattern).

    An emergency card has a number to ``call`` first: the page makes ``call_label`` a ``tel:``
    link followed by ``after_call``; ``action`` is the same advice as one sentence (summary, API).
    """

    level: str
    css_class: str
    hidden_prefix: str
    heading: str
    action: str
    call: str = ""
    call_label: str = ""
    after_call: str = ""


_CALL_LABEL = _("Call 999")
_AFTER_CALL = _(
    "for an ambulance (112 in Europe). If you can get to A&E quickly and safely, go there "
    "instead. Do not wait."
)

URGENCY_CARDS: dict[Triage, UrgencyCard] = {
    # Call first, then A&E, once (issue 14): the card says it; the red flag's own sentence
    # telling where to go is left out of the reasons below it (``red_flag_text``).
    Triage.EMERGENCY: UrgencyCard(
        "emergency",
        "care-card--emergency",
        _("Immediate action required:"),
        _("Call 999 now"),
        format_lazy("{} {}", _CALL_LABEL, _AFTER_CALL),
        call=EMERGENCY_NUMBER,
        call_label=_CALL_LABEL,
        after_call=_AFTER_CALL,
    ),
    Triage.URGENT: UrgencyCard(
        "urgent",
        "care-card--urgent",
        _("Urgent advice:"),
        _("Get medical help today"),
        _(
            "See a doctor today. Ask your GP surgery for an urgent appointment, or call 111 or go "
            "to an urgent care centre if it is closed."
        ),
    ),
    Triage.SOON: UrgencyCard(
        "soon",
        "care-card--non-urgent",
        _("Non-urgent advice:"),
        _("See a doctor within 3 days"),
        _("Book an appointment with your GP surgery within the next few days."),
    ),
    Triage.ROUTINE: UrgencyCard(
        "routine",
        "care-card--non-urgent",
        _("Non-urgent advice:"),
        _("Book an appointment with your doctor"),
        _("Book a routine appointment with your GP surgery."),
    ),
    Triage.SELF_CARE: UrgencyCard(
        "self_care",
        "care-card--non-urgent",
        _("Non-urgent advice:"),
        _("You can look after this yourself for now"),
        _("Rest, gentle movement and over-the-counter painkillers usually help."),
    ),
}

# Pain of a few weeks at most is expected to settle within about 2 weeks; longer pain is not, so
# the safety net then speaks of change, not of a deadline it has long passed (issue 14).
RECENT_PAIN_WEEKS = 2

SAFETY_NET_REST = [
    _("you get a high temperature or feel hot and shivery"),
    _("you cannot put weight on the leg"),
    _("you feel numb between your legs or cannot control your bladder or bowels"),
]


def safety_net(duration_weeks: float | None) -> list[str]:
    """What should bring the person back sooner, fitting how long the pain has lasted."""
    if duration_weeks is not None and duration_weeks <= RECENT_PAIN_WEEKS:
        first = _("the pain gets worse or is not better within 2 weeks")
    elif duration_weeks is None:
        first = _("the pain gets worse or does not get better")
    else:
        first = _("the pain gets worse, or something new starts")
    return [str(first), *map(str, SAFETY_NET_REST)]


# --- Likelihood ---

LIKELIHOOD_WORDS: dict[Fit, tuple[str, int]] = {
    Fit.WELL: (_("Fits your answers well"), 3),
    Fit.PARTLY: (_("Fits your answers partly"), 2),
    Fit.LITTLE: (_("Fits your answers a little"), 1),
}
NOTHING_FITS = _("Nothing on our list fits your answers clearly.")
CONDITIONS_HEADING = _("What might be causing your pain")
NOT_A_DIAGNOSIS = _(
    "This is not a diagnosis: only a professional who examines you can say what causes your pain."
)
# The same to a parent about their child.
CONDITIONS_HEADING_FOR_CHILD = _("What might be causing your child's pain")
NOT_A_DIAGNOSIS_FOR_CHILD = _(
    "This is not a diagnosis: only a professional who examines your child can say what causes "
    "their pain."
)
# When a red flag sets the level, the result leads with its concern and the conditions come after
# it as the rest of the picture, not as the most likely cause.
CONDITIONS_AFTER_CONCERN_HEADING = _("Other things a doctor will consider")
OTHER_CAUSES_NAME = _("Something not on this list")
OTHER_CAUSES_TEXT = _(
    "Many hip pains come from causes not listed here, such as a strained muscle, pain from the "
    "back, or a problem inside the hip joint."
)


def likelihood(fit: Fit) -> tuple[str, int]:
    """The words and the number of filled blocks (of 3) for how well a condition fits."""
    words, blocks = LIKELIHOOD_WORDS[fit]
    return str(words), blocks


# --- Reasons: what the person said ---

_DURATION_STATEMENTS = {
    DurationBin.UP_TO_2_WEEKS: _("You have had the pain for 2 weeks or less"),
    DurationBin.FROM_2_TO_6_WEEKS: _("You have had the pain for between 2 and 6 weeks"),
    DurationBin.FROM_6_TO_12_WEEKS: _("You have had the pain for between 6 and 12 weeks"),
    DurationBin.FROM_12_WEEKS: _("You have had the pain for 12 weeks or more"),
}


_DURATION_STATEMENTS_FOR_CHILD = {
    DurationBin.UP_TO_2_WEEKS: _("Your child has had the pain for 2 weeks or less"),
    DurationBin.FROM_2_TO_6_WEEKS: _("Your child has had the pain for between 2 and 6 weeks"),
    DurationBin.FROM_6_TO_12_WEEKS: _("Your child has had the pain for between 6 and 12 weeks"),
    DurationBin.FROM_12_WEEKS: _("Your child has had the pain for 12 weeks or more"),
}


def statement(reason: Reason, knowledge_base: KnowledgeBase, *, for_child: bool = False) -> str:
    """What the person said, as a sentence addressed to them ("You have had a fever"), or to a
    parent about their child (``for_child``: "Your child has had a fever") where the curators
    wrote that statement.

    A finding without a statement for that answer (a knowledge base published before they were
    written) reads as its question and the answer.
    """
    if reason.finding == DURATION_CODE:
        durations = _DURATION_STATEMENTS_FOR_CHILD if for_child else _DURATION_STATEMENTS
        return str(durations[DurationBin(reason.answer)])
    finding = knowledge_base.findings.get(reason.finding)
    if finding is None:
        return reason.finding
    written = ""
    if for_child:
        written = (
            finding.statement_yes_for_child
            if reason.answer is True
            else finding.statement_no_for_child
        )
    written = written or (finding.statement_yes if reason.answer is True else finding.statement_no)
    if written.strip():
        return written.strip()
    answer = _("Yes") if reason.answer is True else _("No")
    return f"{finding.question} {answer}"


# --- Why the level is what it is ---

# A red flag's message begins with where to go; under the card that sentence would repeat the
# card's action ("go to A&E … or call an ambulance" after "Call 999", "See a doctor today." after
# "Get medical help today"), so it is left out there.
_WHERE_TO_GO = {
    Triage.EMERGENCY: re.compile(r"\b(A&E|ambulance|999|emergency department)\b", re.IGNORECASE),
    # Only the bare sentence: "See a doctor today, even if you can walk." says more, and stays.
    Triage.URGENT: re.compile(r"^(See a doctor today\.|Get medical help today\b)", re.IGNORECASE),
}
_FIRST_SENTENCE = re.compile(r"^(.*?[.!?])\s+(.*)$", re.DOTALL)


def red_flag_text(message: str, level: Triage) -> str:
    """A red flag's message under a card of ``level``, without repeating the card's action."""
    message = message.strip()
    where_to_go = _WHERE_TO_GO.get(level)
    parts = _FIRST_SENTENCE.match(message)
    if where_to_go is not None and parts and where_to_go.search(parts.group(1)):
        return parts.group(2).strip()
    return message


def triage_reason_text(
    reason: TriageReason, knowledge_base: KnowledgeBase, level: Triage
) -> str | None:
    """Why the level is what it is, in the person's words, under the care card; None for a line
    the card does not need: a condition that fits (the list of conditions right after the card
    names it, with how well it fits), a cause not on the list, and "nothing fits" (the list says
    it)."""
    # A capped condition's level is the rule's (can bear weight): so are its words.
    if reason.kind is ReasonKind.RED_FLAG or (reason.kind is ReasonKind.CAPPED and reason.message):
        return red_flag_text(reason.message, level) or None
    if reason.kind is ReasonKind.SELF_CARE:
        return str(
            _(
                "Pain like this that began recently, with no sign of inflammation, usually gets "
                "better with self-care."
            )
        )
    if reason.kind is ReasonKind.UNCONFIRMED and knowledge_base.has_condition(reason.code):
        return triage_reason_message(reason, knowledge_base)
    return None


def triage_reason_message(reason: TriageReason, knowledge_base: KnowledgeBase) -> str:
    """One reason for the level as a sentence that stands on its own (the API's ``message``):
    a rule's own words, else words for the kind of reason and the condition it names."""
    if reason.message.strip():
        return reason.message.strip()
    if reason.kind is ReasonKind.DEFAULT:
        return str(NOTHING_FITS)
    name = _condition_name(reason.code, knowledge_base)
    if reason.kind is ReasonKind.UNCONFIRMED:
        return str(_("%(name)s cannot be ruled out from your answers.") % {"name": name})
    if reason.kind is ReasonKind.SELF_CARE:
        return str(
            _(
                "%(name)s fits your answers; pain like this that began recently, with no sign "
                "of inflammation, usually gets better with self-care."
            )
            % {"name": name}
        )
    if reason.ranked_first:
        return str(_("%(name)s fits your answers best.") % {"name": name})
    return str(_("%(name)s also fits your answers.") % {"name": name})


def _condition_name(code: str, knowledge_base: KnowledgeBase) -> str:
    if code == knowledge_base.other_causes.code or not knowledge_base.has_condition(code):
        return str(_("A cause not on this list"))
    return knowledge_base.condition(code).name


def concern_lines(concerns: list[str]) -> tuple[str, list[str]]:
    """What the red flags that set the level may mean: one sentence, or a lead-in and a list."""
    if not concerns:
        return "", []
    if len(concerns) == 1:
        return str(
            _("These symptoms could be a sign of %(concern)s.") % {"concern": concerns[0]}
        ), []
    return str(_("These symptoms could be a sign of:")), concerns


def unanswered_sign_message(message: str, card: UrgencyCard) -> str:
    """What to do if an unanswered warning sign applies (a rule published before rules had their
    own words for it still says what to do)."""
    return message.strip() or str(
        _("%(heading)s if this applies to you.") % {"heading": card.heading}
    )


def form_line(name: str, description: str) -> str:
    """The form of a condition that fits the answers best (one of its distinct forms)."""
    line = str(_("The form that fits your answers best: %(name)s.") % {"name": name})
    return f"{line} {description.strip()}".strip()


def version_replaced_note(kept: int, explained_by: int) -> str:
    """Said when the version a result was made with can no longer be read."""
    return str(
        _(
            "Your result was worked out with version %(kept)s of our knowledge base, which can "
            "no longer be read here; its explanation uses version %(latest)s."
        )
        % {"kept": kept, "latest": explained_by}
    )


WIZARD_VERSION_REPLACED = _(
    "Our knowledge base was updated while you were answering, and the version you started with "
    "can no longer be read: your answers are assessed with the new one."
)
