"""JSON report: every finding with rule, severity, dataset, variable, USUBJID, --SEQ or
source row, value, message, and whether a review accepted it.

>>> from cup2std.validate.findings import Finding
>>> findings_records([Finding("CT001", "error", "m", domain="DM")])[0]["dataset"]
'DM'
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from cup2std.validate.findings import SEVERITY_RANK, Finding
from cup2std.write.atomic import write_json_atomic


def sort_key(f: Finding):
    return (SEVERITY_RANK.get(f.severity, 9), f.rule, f.domain, f.subject, f.seq or 0,
            f.row or 0, f.variable)


def findings_records(findings: list[Finding]) -> list[dict]:
    """Findings as dicts, worst first; ``dataset`` and ``usubjid`` name the SDTM keys."""
    out = []
    for f in sorted(findings, key=sort_key):
        d = asdict(f)
        d["dataset"], d["usubjid"] = f.domain, f.subject
        out.append(d)
    return out


def write_json_report(path: str | Path, findings: list[Finding]) -> Path:
    """Write the findings list (atomically, stable bytes for equal content)."""
    return write_json_atomic(Path(path), findings_records(findings))
