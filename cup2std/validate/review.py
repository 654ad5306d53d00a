"""Review file: accept findings with a justification, as reviewers do with Pinnacle 21.

A YAML file with a list ``accept``; each entry names the rule and narrows it with any of
``dataset``, ``variable``, ``usubjid``, ``seq``, ``value``, ``file``, ``row``; a
``justification`` is required (``reviewer`` and ``date`` may be added for the record).
An accepted finding stays in every report, marked accepted, and no longer fails the run.

>>> from cup2std.validate.findings import Finding
>>> f = Finding("CTC002", "warning", "not a CTCAE term", domain="AE", value="Bronchitis")
>>> entries = parse_review({"accept": [{"rule": "CTC002", "value": "Bronchitis",
...                                     "justification": "MedDRA PT kept as collected"}]})
>>> unused = apply_review([f], entries)
>>> f.accepted, f.justification, unused
(True, 'MedDRA PT kept as collected', [])
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from cup2std.errors import UsageError
from cup2std.validate.findings import Finding

# review key -> Finding attribute
MATCH_KEYS = {"rule": "rule", "dataset": "domain", "variable": "variable", "usubjid": "subject",
              "seq": "seq", "value": "value", "file": "file", "row": "row"}
INFO_KEYS = ("justification", "reviewer", "date")


@dataclass
class ReviewEntry:
    index: int
    match: dict
    justification: str
    used: int = 0

    def matches(self, f: Finding) -> bool:
        for key, want in self.match.items():
            have = getattr(f, MATCH_KEYS[key])
            if key == "file":
                if not str(have).replace("\\", "/").endswith(str(want)):
                    return False
            elif str(have if have is not None else "") != str(want):
                return False
        return True

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.match.items())


def load_review(path: str | Path) -> list[ReviewEntry]:
    """Read and check a review file; a malformed one is a usage error (exit 2)."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: review file not found")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML ({exc})") from None
    return parse_review(doc, str(path))


def parse_review(doc: dict, where: str = "review file") -> list[ReviewEntry]:
    """Entries from a parsed review document."""
    if not isinstance(doc, dict) or not isinstance(doc.get("accept", []), list):
        raise UsageError(f"{where}: expected a mapping with a list 'accept:'")
    out = []
    for i, item in enumerate(doc.get("accept") or [], 1):
        if not isinstance(item, dict):
            raise UsageError(f"{where}: accept entry {i} is not a mapping")
        for key in item:
            if key not in MATCH_KEYS and key not in INFO_KEYS:
                near = difflib.get_close_matches(key, [*MATCH_KEYS, *INFO_KEYS], n=1)
                raise UsageError(f"{where}: accept entry {i}: unknown key '{key}'"
                                 + (f"; did you mean '{near[0]}'?" if near else ""))
        if not item.get("rule"):
            raise UsageError(f"{where}: accept entry {i} has no 'rule'")
        why = str(item.get("justification") or "").strip()
        if not why:
            raise UsageError(f"{where}: accept entry {i} ({item['rule']}) has no "
                             "'justification'; say why the finding is acceptable")
        match = {k: v for k, v in item.items() if k in MATCH_KEYS}
        out.append(ReviewEntry(i, match, why))
    return out


def apply_review(findings: list[Finding], entries: list[ReviewEntry]) -> list[ReviewEntry]:
    """Mark matching findings accepted; return the entries that matched nothing (stale)."""
    for f in findings:
        for e in entries:
            if e.matches(f):
                f.accepted, f.justification = True, e.justification
                e.used += 1
                break
    return [e for e in entries if not e.used]
