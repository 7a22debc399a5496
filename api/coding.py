"""The standard codes of a condition: ICD-10 and SNOMED CT, as FHIR codings.

Curators write ICD-10 as a list ("M05, M06") that may hold ranges ("M07.0–M07.3", "C91–C95"). A
range is expanded code by code; an entry that is not a well-formed ICD-10 code or a short range of
them is left out rather than sent as a code a receiving system cannot resolve (the curators' text
stays available as ``icd10``).
"""

from __future__ import annotations

import re

ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
SNOMED_CT_SYSTEM = "http://snomed.info/sct"

# Letter, two digits, optional "." and one or two digits: the WHO ICD-10 code shape.
_ICD10_CODE = re.compile(r"[A-Z][0-9]{2}(?:\.[0-9]{1,2})?")
# A SNOMED CT concept id: 6 to 18 digits.
_SNOMED_CT_ID = re.compile(r"[0-9]{6,18}")
_RANGE = re.compile(r"\s*[–—-]\s*")
# A range longer than this is more likely a typing error than a list anyone meant to send.
MAX_RANGE_CODES = 10


def condition_codes_from_text(icd10: str, snomed_ct: str) -> list[dict[str, str]]:
    """ICD-10 codes from a curator's list, then the SNOMED CT concept, as ``{system, code}``."""
    codes = [{"system": ICD10_SYSTEM, "code": code} for code in icd10_codes(icd10)]
    snomed_ct = snomed_ct.strip()
    if _SNOMED_CT_ID.fullmatch(snomed_ct):
        codes.append({"system": SNOMED_CT_SYSTEM, "code": snomed_ct})
    return codes


def icd10_codes(text: str) -> list[str]:
    """The ICD-10 codes in a curator's list such as ``"L40.5, M07.0–M07.3"``, ranges expanded."""
    codes: list[str] = []
    for entry in text.split(","):
        entry = entry.strip()
        if _ICD10_CODE.fullmatch(entry):
            codes.append(entry)
            continue
        bounds = _RANGE.split(entry)
        if len(bounds) == 2:
            codes.extend(_expanded_range(*bounds))
    return list(dict.fromkeys(codes))


def _expanded_range(first: str, last: str) -> list[str]:
    """``C91``–``C95`` → C91, C92, C93, C94, C95; ``M07.0``–``M07.3`` → M07.0 … M07.3.

    Only ranges within one chapter letter and with both ends written to the same precision:
    each ICD-10 position after the letter is a decimal digit, so counting the digits as a
    number walks the codes in order.
    """
    if not (_ICD10_CODE.fullmatch(first) and _ICD10_CODE.fullmatch(last)):
        return []
    if first[0] != last[0] or len(first) != len(last) or ("." in first) != ("." in last):
        return []
    width = len(first) - 1 - ("." in first)
    start = int(first[1:].replace(".", ""))
    end = int(last[1:].replace(".", ""))
    if not 0 <= end - start < MAX_RANGE_CODES:
        return []
    codes = []
    for number in range(start, end + 1):
        digits = f"{number:0{width}d}"
        codes.append(f"{first[0]}{digits[:2]}.{digits[2:]}" if "." in first else first[0] + digits)
    return codes
