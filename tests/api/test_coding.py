"""ICD-10 lists as curators write them, turned into codes a receiving system can resolve."""

from __future__ import annotations

import pytest

from api.coding import condition_codes_from_text, icd10_codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("M05, M06", ["M05", "M06"]),
        ("M00.95, M00.05, T84.5", ["M00.95", "M00.05", "T84.5"]),
        ("L40.5, M07.0–M07.3", ["L40.5", "M07.0", "M07.1", "M07.2", "M07.3"]),
        ("C91–C95", ["C91", "C92", "C93", "C94", "C95"]),
        ("M07.8-M08.1", ["M07.8", "M07.9", "M08.0", "M08.1"]),
        ("", []),
    ],
)
def test_icd10_lists_and_ranges_become_codes(text, codes):
    assert icd10_codes(text) == codes


@pytest.mark.parametrize(
    "text",
    [
        "see notes",
        "M05–C06",  # two chapters
        "M07–M07.3",  # two precisions
        "A00–A99",  # too long to be meant
        "M07.3–M07.0",  # backwards
    ],
)
def test_what_is_not_a_code_or_a_short_range_is_left_out(text):
    assert icd10_codes(text) == []


def test_a_snomed_ct_concept_id_follows_the_icd10_codes():
    assert condition_codes_from_text("M16", "239872002") == [
        {"system": "http://hl7.org/fhir/sid/icd-10", "code": "M16"},
        {"system": "http://snomed.info/sct", "code": "239872002"},
    ]


def test_an_unconfirmed_snomed_ct_code_is_left_out():
    assert condition_codes_from_text("", "") == []
