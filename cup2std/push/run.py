"""Push the transaction Bundles of a conversion (OUT/fhir/bundles/*.json) to a FHIR server.

Each subject's bundle is one transaction (one batch): the server applies all of it or none.
A rejected bundle is reported with the server's OperationOutcome and the push goes on with the
next one. Entries are PUTs with deterministic ids, so pushing again changes nothing new.

>>> summarise_outcome({"resourceType": "OperationOutcome", "issue": [{"severity": "error",
...     "details": {"text": "bad"}, "expression": ["Patient.gender"]}]})
'error Patient.gender: bad'
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cup2std.errors import UsageError
from cup2std.push.client import FhirClient
from cup2std.push.state import PushJournal, content_hash


@dataclass
class BundleResult:
    file: str
    status: int
    entries: int
    by_type: dict[str, Counter] = field(default_factory=dict)
    outcome: str = ""
    skipped: bool = False


@dataclass
class PushReport:
    server: str
    results: list[BundleResult] = field(default_factory=list)

    @property
    def failed(self) -> list[BundleResult]:
        return [r for r in self.results if not r.skipped and not 200 <= r.status < 300]

    def table(self) -> dict[str, Counter]:
        """{resourceType: Counter(created, updated, failed, skipped)}."""
        out: dict[str, Counter] = {}
        for r in self.results:
            for rtype, c in r.by_type.items():
                out.setdefault(rtype, Counter()).update(c)
        return dict(sorted(out.items()))

    def render(self) -> str:
        lines = [f"{'resource type':26s} {'created':>8s} {'updated':>8s} {'failed':>7s} "
                 f"{'skipped':>8s}"]
        total = Counter()
        for rtype, c in self.table().items():
            total.update(c)
            lines.append(f"{rtype:26s} {c['created']:8d} {c['updated']:8d} {c['failed']:7d} "
                         f"{c['skipped']:8d}")
        lines.append(f"{'total':26s} {total['created']:8d} {total['updated']:8d} "
                     f"{total['failed']:7d} {total['skipped']:8d}")
        for r in self.failed:
            lines.append(f"rejected {r.file} (HTTP {r.status or 'no answer'}): {r.outcome}")
        return "\n".join(lines)


def summarise_outcome(body) -> str:
    """One line per issue of an OperationOutcome: severity, where, text."""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return "" if body is None else json.dumps(body)[:500]
    parts = []
    for i in body.get("issue", []):
        text = (i.get("details") or {}).get("text") or i.get("diagnostics") or i.get("code", "")
        where = ",".join(i.get("expression") or i.get("location") or [])
        parts.append(f"{i.get('severity', 'error')} {where + ': ' if where else ''}{text}")
    return "; ".join(parts)


def push_bundles(folder: str | Path, client: FhirClient, resume: bool = True,
                 progress: Callable[[int, int, BundleResult], None] | None = None) -> PushReport:
    """Send every bundle of ``folder`` (OUT/fhir or OUT/fhir/bundles) in file-name order."""
    folder = Path(folder)
    bundles_dir = folder / "bundles" if (folder / "bundles").is_dir() else folder
    files = sorted(bundles_dir.glob("*.json"))
    files = [f for f in files if f.name != "push-state.json"]
    if not files:
        raise UsageError(f"no bundles in {bundles_dir}: pass the OUT/fhir folder written by "
                         "cup2std convert")
    journal = PushJournal(bundles_dir, client.base, fresh=not resume)
    report = PushReport(client.base)
    for n, path in enumerate(files, 1):
        digest = content_hash(path)
        bundle = json.loads(path.read_text(encoding="utf-8"))
        types = [e["resource"]["resourceType"] for e in bundle.get("entry", [])]
        if journal.done(path.name, digest):
            result = BundleResult(path.name, 200, len(types), skipped=True,
                                  by_type={t: Counter(skipped=k) for t, k in Counter(types).items()})
        else:
            result = _send(client, path.name, bundle, types)
            if 200 <= result.status < 300:
                journal.mark(path.name, digest)
                journal.save()
        report.results.append(result)
        if progress:
            progress(n, len(files), result)
    return report


def _send(client: FhirClient, name: str, bundle: dict, types: list[str]) -> BundleResult:
    resp = client.request("POST", "", bundle)
    result = BundleResult(name, resp.status, len(types))
    if 200 <= resp.status < 300 and isinstance(resp.body, dict):
        for rtype, entry in zip(types, resp.body.get("entry", [])):
            status = str((entry.get("response") or {}).get("status", ""))
            kind = "created" if status.startswith("201") else (
                "updated" if status.startswith("2") else "failed")
            result.by_type.setdefault(rtype, Counter())[kind] += 1
        return result
    result.outcome = summarise_outcome(resp.body) or resp.error or "no response body"
    for rtype, k in Counter(types).items():
        result.by_type[rtype] = Counter(failed=k)
    return result
