"""FHIR primitive and data-type values from SDTM values: dates, quantities, codings.

SDTM keeps partial ISO 8601 dates as collected; FHIR ``date``/``dateTime`` accept the same
partial forms (YYYY, YYYY-MM, YYYY-MM-DD) but need seconds and a time-zone offset once a time
is given. Times are placed in the study's time zone (mapping ``fhir.timezone``); nothing is
ever completed or imputed, and whatever cannot be carried is reported by the caller.

>>> fhir_datetime("2020-07")
('2020-07', '')
>>> fhir_datetime("2021-01-25T13:40", "Europe/Berlin")
('2021-01-25T13:40:00+01:00', '')
>>> fhir_datetime("2021-01-25T13:40")[1]
'time 13:40 dropped: no fhir.timezone in the mapping to place it in'
>>> sdtm_datetime("2021-01-25T13:40:00+01:00", "Europe/Berlin")
'2021-01-25T13:40'
>>> number(40.0), number(1.5)
(40, 1.5)
"""
from __future__ import annotations

import math
import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
                       r"(Z|[+-]\d{2}:\d{2})?$")


def is_blank(value) -> bool:
    """True for None, NaN and empty or blank text.

    >>> is_blank(float("nan")), is_blank(" "), is_blank("N")
    (True, True, False)
    """
    t = type(value)
    if t is str:
        return not value or value.isspace()
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return str(value).strip() == ""


def fhir_datetime(value, timezone: str = "") -> tuple[str | None, str]:
    """SDTM --DTC -> (FHIR dateTime, note on what could not be carried: '' when nothing)."""
    if is_blank(value):
        return None, ""
    return _fhir_datetime(str(value).strip(), timezone)


@lru_cache(maxsize=1 << 16)
def _fhir_datetime(text: str, timezone: str) -> tuple[str | None, str]:
    if _DATE.match(text):
        return text, ""
    m = _DATETIME.match(text)
    if not m:
        known = _known_prefix(text)
        return known, "has unknown components; kept to its known part"
    day, hh, mm, ss, frac, offset = m.groups()
    if offset:
        return f"{day}T{hh}:{mm}:{ss or '00'}{frac or ''}{offset}", ""
    if not timezone:
        return day, (f"time {hh}:{mm} dropped: no fhir.timezone in the mapping to place it in")
    local = datetime.fromisoformat(f"{day}T{hh}:{mm}:{ss or '00'}").replace(
        tzinfo=ZoneInfo(timezone))
    off = local.strftime("%z")
    return f"{day}T{hh}:{mm}:{ss or '00'}{frac or ''}{off[:3]}:{off[3:]}", ""


def fhir_date(value) -> tuple[str | None, str]:
    """SDTM --DTC -> FHIR date (a time part is not allowed in ``date`` and is dropped).

    >>> fhir_date("1958-09"), fhir_date("1962-08-28T10:00")
    (('1958-09', ''), ('1962-08-28', ''))
    """
    if is_blank(value):
        return None, ""
    text = str(value).strip()
    if _DATE.match(text):
        return text, ""
    if _DATETIME.match(text):
        return text[:10], ""
    known = _known_prefix(text)
    return known, "has unknown components; kept to its known part"


def _known_prefix(text: str) -> str | None:
    """The leading complete components of an ISO 8601 value with gaps ('2020---15' -> '2020')."""
    parts = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not parts:
        return None
    year, month, day = parts.groups()
    return year + (f"-{month}" if month else "") + (f"-{day}" if month and day else "")


def sdtm_datetime(value, timezone: str = "") -> str:
    """FHIR date/dateTime -> SDTM --DTC in the study's local time ('' for none).

    Seconds that are zero are dropped (the export collects minutes), as is the offset.
    """
    if is_blank(value):
        return ""
    text = str(value)
    m = _DATETIME.match(text)
    if not m:
        return text
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if timezone and stamp.tzinfo is not None:
        stamp = stamp.astimezone(ZoneInfo(timezone))
    out = stamp.strftime("%Y-%m-%dT%H:%M")
    if stamp.second or stamp.microsecond:
        out += stamp.strftime(":%S")
    return out


def number(value) -> int | float | None:
    """A JSON number: integral floats as int, so that 40.0 is written 40; None for blanks and
    for text that is not a number (the SDTM rules report those; FHIR leaves them out).

    >>> number("x") is None
    True
    """
    if is_blank(value):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if f != f or f in (float("inf"), float("-inf")):
        return None
    return int(f) if f.is_integer() else f


def coding(system: str, entry: dict) -> dict:
    """A Coding from a crosswalk entry {code, display}.

    >>> coding("http://snomed.info/sct", {"code": "26643006", "display": "Oral route"})
    {'system': 'http://snomed.info/sct', 'code': '26643006', 'display': 'Oral route'}
    """
    out = {"system": system, "code": str(entry["code"])}
    if entry.get("display"):
        out["display"] = str(entry["display"])
    return out


def quantity(value, unit: str, ucum: str | None, ucum_system: str) -> dict | None:
    """A Quantity; UCUM system and code only when the unit has a known UCUM form.

    >>> quantity(10.0, "mg/kg", "mg/kg", "http://unitsofmeasure.org")
    {'value': 10, 'unit': 'mg/kg', 'system': 'http://unitsofmeasure.org', 'code': 'mg/kg'}
    """
    num = number(value)
    if num is None:
        return None
    out: dict = {"value": num}
    if not is_blank(unit):
        out["unit"] = str(unit)
        if ucum:
            out["system"] = ucum_system
            out["code"] = ucum
    return out
