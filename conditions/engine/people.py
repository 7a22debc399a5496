"""Who is asking: sex, and the population (adult or child) their age puts them in.

Their own module, imported by both ``answers`` and ``knowledge``, so that neither imports the
other for them (issue 18: the two made an import circle).
"""

from __future__ import annotations

import enum

# docs/knowledge-format.md: population "child" = age < 16, "adult" = age >= 16.
ADULT_FROM_AGE = 16


class Sex(enum.StrEnum):
    """Sex as asked in the questionnaire; it scales the priors by each condition's share."""

    FEMALE = "female"
    MALE = "male"


class Population(enum.StrEnum):
    """Whom a baseline or an evidence row describes."""

    ADULT = "adult"
    CHILD = "child"


def population_for_age(age: int) -> Population:
    """Child below ``ADULT_FROM_AGE`` years, adult from it."""
    return Population.CHILD if age < ADULT_FROM_AGE else Population.ADULT
