"""Checking every emitted resource within the time budget of a registry-scale run.

The fhir.resources R4B models cost 100-200 us per resource (about 37 s of CPU for the
580,000 resources of 10,000 patients), more than the whole conversion may take. What a model
check can reject is either *structural* (an element that does not exist, a list where one
value is allowed, a missing required element, a wrong JSON type, two choices of one [x]
element) or a *value* (a primitive that does not match its FHIR type: empty or blank text,
dates that are not dates, ids that are not ids, ``null``). So:

1. Structure: each resource's shape (its tree of element names and JSON types, values left
   out) is computed (parts that builders share between resources once, see ``walk``); the first resource of every shape is checked with the full R4B model. A
   shape whose representative fails is checked with the model for every resource of that shape.
2. Values: in the same walk over each resource, every value is looked at for what a FHIR
   primitive type rejects: null, NaN, empty text, text with blank or control characters at an
   edge, dates that are not dates (each distinct value checked once), malformed ids. A resource
   with such a value is checked with the full model, and the model's message is the finding.
   (The walk costs about a microsecond per value; scanning the serialised JSON for the same
   cost five times as much, since most of its bytes are fixed URLs and systems.)

So every resource is covered, and every finding comes from the R4B model. ``mode="all"``
checks every resource with the model instead (slow; for small programs or to audit this).

>>> rs = [{"resourceType": "Patient", "id": "p1", "gender": "female"},
...       {"resourceType": "Patient", "id": "p2", "gender": "male"},
...       {"resourceType": "Patient", "id": "p3", "birthDate": "1958-13"}]
>>> [(i, p[0][:18]) for i, p in check_resources(rs)]
[(2, 'Patient.birthDate:')]
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime

from cup2std.write.fhir.check_models import check_resource

_VERDICTS: dict[tuple, bool] = {}   # (resourceType, shape) -> representative passed

# Elements whose text must be a FHIR date/dateTime/instant, by name (and any *DateTime).
_DATE_KEYS = frozenset({"date", "start", "end", "birthDate", "recordedDate", "detected",
                        "deceasedDateTime", "onsetDateTime", "abatementDateTime",
                        "effectiveDateTime", "valueDateTime", "occurrenceDateTime",
                        "authoredOn", "issued", "dateAsserted", "lastUpdated"})
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_DATETIME = re.compile(r"^(\d{4})(-(\d{2})(-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                       r"(Z|[+-]\d{2}:\d{2}))?)?)?$")
_GOOD_DATES: set[str] = set()   # distinct date texts already found valid
_SPECIAL: dict[str, bool] = {}   # element name -> is it a date or an id (see _special)


def shape_of(node):
    """Element names and JSON types, values left out.

    >>> shape_of({"a": [{"b": "x"}], "c": 1}) == shape_of({"a": [{"b": "y"}], "c": 2})
    True
    """
    t = type(node)
    if t is dict:
        return tuple([(k, shape_of(v)) for k, v in node.items()])
    if t is list:
        return tuple([shape_of(x) for x in node])
    return t


def _date_ok(text: str) -> bool:
    m = _DATETIME.match(text)
    if not m:
        return False
    y, mo, d = m.group(1), m.group(3), m.group(5)
    try:
        if d:
            date(int(y), int(mo), int(d))
            if m.group(6):
                datetime.fromisoformat(text.replace("Z", "+00:00"))
        elif mo and not 1 <= int(mo) <= 12:
            return False
    except ValueError:
        return False
    return True


def _special(key: str) -> bool:
    """Is ``key`` an element whose text needs more than the edge test (a date or an id)?"""
    kind = _SPECIAL.get(key)
    if kind is None:
        kind = _SPECIAL[key] = key in _DATE_KEYS or key == "id" or key.endswith("DateTime")
    return kind


def _suspect_special(key: str, text: str) -> bool:
    if key == "id":
        return _ID.fullmatch(text) is None
    if text in _GOOD_DATES:
        return False
    if not _date_ok(text):
        return True
    _GOOD_DATES.add(text)
    return False


def walk(node, key: str = "", known: dict | None = None, bad: list | None = None):
    """Shape of ``node`` (as ``shape_of``), appending to ``bad`` the keys of suspect values.

    Suspect (a model check decides; false alarms cost only that): null, NaN, empty text, text
    with blank or control characters at an edge, a date element that is not a date, a bad id.
    ``known``: id -> (shape, suspect) of parts shared between resources (walked once).

    >>> bad = []
    >>> walk({"id": "a b", "x": [None, " y", "z"], "date": "2020-02-30", "n": 1.0}, bad=bad)[0]
    ('id', <class 'str'>)
    >>> bad
    ['id', 'x', 'x', 'date']
    """
    t = type(node)
    if t is dict:
        part = known.get(id(node)) if known else None
        if part is not None:   # a shared part: walked once
            if part[1]:
                bad.append(key)
            return part[0]
        out = []
        for k, v in node.items():
            if type(v) is str:   # most values: checked here, without a call per value
                # str.strip() returns the very same object when there is nothing to strip
                if not v or v.strip() is not v or v[0] < " " or v[-1] < " ":
                    bad.append(k)
                else:
                    special = _SPECIAL.get(k)
                    if special is None:
                        special = _special(k)
                    if special and _suspect_special(k, v):
                        bad.append(k)
                out.append((k, str))
            else:
                out.append((k, walk(v, k, known, bad)))
        return tuple(out)
    if t is str:
        if _suspect_str(key, node):
            bad.append(key)
        return t
    if t is list:
        return tuple([walk(x, key, known, bad) for x in node])
    if node is None or (t is float and not math.isfinite(node)):
        bad.append(key)
    return t


def _suspect_str(key: str, text: str) -> bool:
    # str.strip() returns the very same object when there is nothing to strip
    if not text or text.strip() is not text or text[0] < " " or text[-1] < " ":
        return True
    special = _SPECIAL.get(key)
    if special is None:
        special = _special(key)
    return special and _suspect_special(key, text)


def known_parts(parts) -> dict:
    """id -> (shape, suspect) of shared parts, for ``walk`` and ``check_resources``."""
    out = {}
    for part in parts:
        bad: list = []
        out[id(part)] = (walk(part, bad=bad), bool(bad))
    return out


def check_resources(resources: list[dict], mode: str = "shapes", known: dict | None = None
                    ) -> list[tuple[int, list[str]]]:
    """(index, problems) for every resource the R4B model rejects; see the module doc.

    ``known``: shapes of shared parts, see ``known_parts``.
    """
    out: dict[int, list[str]] = {}
    if mode == "all":
        for i, res in enumerate(resources):
            problems = check_resource(res)
            if problems:
                out[i] = problems
        return sorted(out.items())
    for i, res in enumerate(resources):
        bad: list = []
        key = (res.get("resourceType"), walk(res, "", known, bad))
        verdict = _VERDICTS.get(key)
        if verdict is None or verdict is False or bad:
            problems = check_resource(res)
            if verdict is None:
                _VERDICTS[key] = not problems
            if problems:
                out[i] = problems
    return sorted(out.items())
