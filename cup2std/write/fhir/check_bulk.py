"""Checking every emitted resource within the time budget of a registry-scale run.

The fhir.resources R4B models cost 100-200 us per resource (about 37 s of CPU for the
580,000 resources of 10,000 patients), more than the whole conversion may take. What a model
check can reject is either *structural* (an element that does not exist, a list where one
value is allowed, a missing required element, a wrong JSON type, two choices of one [x]
element) or a *value* (a primitive that does not match its FHIR type: empty or blank text,
dates that are not dates, ids that are not ids, ``null``). So:

1. Structure: each resource's shape (its tree of element names and JSON types, values left
   out) is computed (parts that builders share between resources once, see
   ``resource_shape``); the first resource of every shape is checked with the full R4B model. A
   shape whose representative fails is checked with the model for every resource of that shape.
2. Values: the serialised JSON of every resource is scanned (byte searches and literal-prefixed
   patterns over the partition's NDJSON, each distinct date checked once, malformed ids by one
   negative pattern) for values that a FHIR primitive type rejects. A resource with such a
   value is checked with the full model, and the model's message is the finding.

So every resource is covered, and every finding comes from the R4B model. ``mode="all"``
checks every resource with the model instead (slow; for small programs or to audit this).

>>> rs = [{"resourceType": "Patient", "id": "p1", "gender": "female"},
...       {"resourceType": "Patient", "id": "p2", "gender": "male"},
...       {"resourceType": "Patient", "id": "p3", "birthDate": "1958-13"}]
>>> [(i, p[0][:18]) for i, p in check_resources(rs, [orjson.dumps(r) for r in rs])]
[(2, 'Patient.birthDate:')]
"""
from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import orjson

from cup2std.write.fhir.check_models import check_resource

_VERDICTS: dict[tuple, bool] = {}   # (resourceType, shape) -> representative passed

# Literal needles (fast bytes.count/find) for empty text, blank edges and null values. orjson
# writes no spaces between tokens and escapes '"' inside text, so '" ' and ' "' can only be a
# text that starts or ends with a space; a false alarm costs one model check. The needles of a
# group are searched only when the group's cheap gate occurs at all (usually it does not).
_NEEDLES = ((None, (b'""', b'" ', b' "')),
            (b"\\", (b'"\\', b'\\n"', b'\\t"', b'\\r"')),
            (b"null", (b':null', b'[null', b',null')))
# One pattern per date element, each with a literal prefix (much faster than one alternation).
_DATE_VALUES = tuple(re.compile(p + rb'":"([^"]*)"') for p in (
    rb'"date', rb'"start', rb'"end', rb'"birthDate', rb'"recordedDate', rb'DateTime'))
_BAD_ID = re.compile(rb'"id":"(?![A-Za-z0-9\-.]{1,64}")')
_DATETIME = re.compile(rb"^(\d{4})(-(\d{2})(-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                       rb"(Z|[+-]\d{2}:\d{2}))?)?)?$")


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


def resource_shape(resource: dict, known: dict | None = None):
    """``shape_of(resource)``, taking the shapes of list items listed in ``known`` (id -> shape).

    ``known`` holds parts that builders share between resources (FhirContext.memo): they stay
    alive and unchanged for the whole run, so their shapes are computed once.

    >>> part = {"url": "u", "valueBoolean": True}
    >>> r = {"resourceType": "X", "extension": [part, {"url": "v"}]}
    >>> resource_shape(r, {id(part): shape_of(part)}) == shape_of(r)
    True
    """
    if not known:
        return shape_of(resource)
    out = []
    for k, v in resource.items():
        if type(v) is list:
            out.append((k, tuple([known[id(x)] if id(x) in known else shape_of(x) for x in v])))
        else:
            out.append((k, shape_of(v)))
    return tuple(out)


def _date_ok(raw: bytes) -> bool:
    m = _DATETIME.match(raw)
    if not m:
        return False
    y, mo, d = m.group(1), m.group(3), m.group(5)
    try:
        if d:
            date(int(y), int(mo), int(d))
            if m.group(6):
                datetime.fromisoformat(raw.decode().replace("Z", "+00:00"))
        elif mo and not 1 <= int(mo) <= 12:
            return False
    except ValueError:
        return False
    return True


def value_suspects(texts: list[bytes]) -> set[int]:
    """Indices of resources with a value that some FHIR primitive type would reject.

    >>> sorted(value_suspects([b'{"id":"a","date":"2020-02-30"}', b'{"id":"b","x":" y"}',
    ...                        b'{"id":"c","date":"2020-02"}', b'{"id":"d e"}',
    ...                        b'{"id":"e","x":[null]}', b'{"id":"f","x":"y\\\\n"}']))
    [0, 1, 3, 4, 5]
    """
    if not texts:
        return set()
    blob = b"\n".join(texts)
    ends = np.cumsum([len(t) + 1 for t in texts])
    hits: list[int] = []
    for gate, needles in _NEEDLES:
        if gate is not None and gate not in blob:
            continue
        for needle in needles:
            at = blob.find(needle)
            while at >= 0:
                hits.append(at)
                at = blob.find(needle, at + 1)
    for pattern in _DATE_VALUES:
        bad = {v for v in set(pattern.findall(blob)) if not _date_ok(v)}
        if bad:   # rare: locate the resources that carry them
            hits += [m.start() for m in pattern.finditer(blob) if m.group(1) in bad]
    hits += [m.start() for m in _BAD_ID.finditer(blob)]
    return set(np.searchsorted(ends, hits, side="right").tolist())


def check_resources(resources: list[dict], texts: list[bytes], mode: str = "shapes",
                    known: dict | None = None) -> list[tuple[int, list[str]]]:
    """(index, problems) for every resource the R4B model rejects; see the module doc.

    ``known``: shapes of shared parts, see ``resource_shape``.
    """
    out: dict[int, list[str]] = {}
    if mode == "all":
        for i, res in enumerate(resources):
            problems = check_resource(res)
            if problems:
                out[i] = problems
        return sorted(out.items())
    for i, res in enumerate(resources):
        key = (res.get("resourceType"), resource_shape(res, known))
        verdict = _VERDICTS.get(key)
        if verdict is None or verdict is False:
            problems = check_resource(res)
            if verdict is None:
                _VERDICTS[key] = not problems
            if problems:
                out[i] = problems
    for i in value_suspects(texts):
        if i not in out:
            problems = check_resource(resources[i])
            if problems:
                out[i] = problems
    return sorted(out.items())
