"""Terminal summary: counts by rule and severity, worst first, then the worst findings.

>>> from cup2std.validate.findings import Finding
>>> fs = [Finding("CT002", "warning", "w"), Finding("CT001", "error", "e", domain="DM")]
>>> print(counts_table(fs).splitlines()[0].split())
['error', 'CT001', '1', 'Values', 'of', 'non-extensible', 'CDISC', 'codelists', 'are', 'terms', 'of', 'the', 'codelist']
"""
from __future__ import annotations

from collections import Counter

from cup2std.validate.findings import SEVERITIES, SEVERITY_RANK, Finding
from cup2std.validate.report_json import sort_key
from cup2std.validate.rules import RULES


def counts_table(findings: list[Finding]) -> str:
    """One line per (severity, rule): worst severity first, then most frequent."""
    open_ = Counter((f.severity, f.rule) for f in findings if not f.accepted)
    accepted = Counter((f.severity, f.rule) for f in findings if f.accepted)
    keys = sorted(set(open_) | set(accepted),
                  key=lambda k: (SEVERITY_RANK[k[0]], -open_.get(k, 0), k[1]))
    lines = []
    for sev, rid in keys:
        acc = f" (+{accepted[(sev, rid)]} accepted)" if accepted.get((sev, rid)) else ""
        desc = RULES[rid].description if rid in RULES else ""
        lines.append(f"  {sev:7s} {rid:8s} {open_.get((sev, rid), 0):5d}{acc}  {desc}")
    return "\n".join(lines)


def summary(findings: list[Finding], *, title: str, fail_on: str, exit_code: int,
            shown: int = 10, stale: list | None = None, details: list[str] | None = None) -> str:
    """The one-screen summary printed by ``cup2std validate``."""
    open_ = [f for f in findings if not f.accepted]
    n = Counter(f.severity for f in open_)
    acc = sum(1 for f in findings if f.accepted)
    lines = [title, "", "findings: " + ", ".join(f"{n.get(s, 0)} {s}" for s in SEVERITIES)
             + (f"; {acc} accepted in the review file" if acc else "")]
    if findings:
        lines.append(counts_table(findings))
    worst = sorted(open_, key=sort_key)
    if worst:
        lines += ["", f"first {min(shown, len(worst))} of {len(worst)}:"]
        lines += ["  " + f.render(redact=True) for f in worst[:shown]]
    for e in stale or []:
        lines.append(f"review entry {e.index} ({e.describe()}) matched no finding; remove it")
    if details:
        lines += ["", "details: " + ", ".join(details)]
    verdict = {0: f"passed: no open finding at or above '{fail_on}'",
               1: f"FAILED: open findings at or above '{fail_on}'"}[exit_code]
    lines += ["", f"{verdict} (exit {exit_code})"]
    return "\n".join(lines)
