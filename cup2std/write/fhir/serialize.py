"""Deterministic FHIR JSON: NDJSON per resource type (Bulk Data) and a transaction Bundle per
subject with PUT entries, so that the same hub always gives the same bytes.

>>> to_json({"resourceType": "Patient", "id": "a"})
'{"resourceType":"Patient","id":"a"}'
>>> transaction_bundle("b1", [{"resourceType": "Patient", "id": "a"}])["entry"][0]["request"]
{'method': 'PUT', 'url': 'Patient/a'}
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict


def to_json(resource: dict, indent: int | None = None) -> str:
    """Key order as built (resourceType first), UTF-8 text, no spaces in the compact form."""
    if indent is None:
        return json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(resource, ensure_ascii=False, indent=indent)


def ndjson_by_type(resources: list[dict]) -> dict[str, str]:
    """{ResourceType: NDJSON text}: one resource a line, each resource once, in build order."""
    lines: dict[str, list[str]] = OrderedDict()
    seen: set[tuple[str, str]] = set()
    for r in resources:
        key = (r["resourceType"], r["id"])
        if key in seen:
            continue
        seen.add(key)
        lines.setdefault(r["resourceType"], []).append(to_json(r))
    return {t: "\n".join(v) + "\n" for t, v in sorted(lines.items())}


def transaction_bundle(bundle_id: str, resources: list[dict]) -> dict:
    """A transaction Bundle: PUT Type/id for each resource (idempotent on every FHIR server).

    R4 AdverseEvent has no ``identifier`` search parameter, so conditional create by identifier
    is not used: the deterministic ids are the idempotency key.
    """
    entries = [{"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
               for r in resources]
    return {"resourceType": "Bundle", "id": bundle_id, "type": "transaction", "entry": entries}


def bundle_file_name(subject: str) -> str:
    """A safe file name for a subject's bundle ('101/001' -> '101_001.json').

    >>> bundle_file_name("101-001")
    '101-001.json'
    """
    return re.sub(r"[^A-Za-z0-9._-]", "_", subject) + ".json"
