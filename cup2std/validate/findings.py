"""Findings and rejects are data: one row each, written as JSON; the CLI summarises them.

>>> log = Ledger()
>>> log.finding("CT001", "error", "bad value", domain="DM", variable="SEX", value="X")
>>> log.findings_frame()[["rule", "severity"]].values.tolist()
[['CT001', 'error']]
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import pandas as pd

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = worst
FINDING_FIELDS = ("rule", "severity", "domain", "variable", "subject", "seq", "file", "row",
                  "column", "value", "message", "accepted", "justification")


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    domain: str = ""
    variable: str = ""
    subject: str = ""
    file: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    seq: int | None = None
    accepted: bool = False
    justification: str = ""

    def location(self) -> str:
        """``adverse_events.csv row 17, subject 101-004`` style location."""
        parts = []
        if self.file:
            parts.append(self.file.rsplit("/", 1)[-1] + (f" row {self.row}" if self.row else ""))
        if self.column:
            parts.append(f"column {self.column}")
        if self.subject:
            parts.append(f"subject {self.subject}")
        if self.seq is not None and self.domain:
            parts.append(f"{self.domain}SEQ {self.seq}")
        return ", ".join(parts)

    def render(self, redact: bool = False) -> str:
        """One-line message in the house style: severity, rule, where, what, fix.

        ``redact=True`` is for terminals and logs: source values (the finding's value, quoted
        text, dates) are masked; report files carry them in full.

        >>> f = Finding("DT005", "error", 'AESTDY is 366 but AESTDTC 2013-05-09 is day 1',
        ...             value="2013-05-09")
        >>> f.render(redact=True)
        'error DT005: AESTDY is 366 but AESTDTC <date> is day 1'
        """
        var = f" {self.domain}.{self.variable}" if self.domain and self.variable else (
            f" {self.domain}" if self.domain else "")
        loc = f" [{self.location()}]" if self.location() else ""
        message = redact_values(self.message, self.value) if redact else self.message
        return f"{self.severity} {self.rule}{var}{loc}: {message}"


_QUOTED = re.compile(r'"[^"]*"')
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?(?:T[\d:.]+)?\b|\b\d{4}---\d{2}\b")


def redact_values(message: str, value: str = "") -> str:
    """Mask source values in a message: the given value, quoted text and ISO 8601 dates."""
    message = _QUOTED.sub('"<value>"', _ISO_DATE.sub("<date>", message))
    if value and len(value) >= 3:
        message = message.replace(value, "<value>")
    return message


@dataclass
class Reject:
    """A source row (or one record built from it) left out of the output, and why."""

    rule: str
    form: str
    file: str
    row: int
    reason: str
    domain: str = ""
    column: str = ""
    value: str = ""
    subject: str = ""


@dataclass
class Ledger:
    """Collects findings, rejects and the changes made for XPT (transliterations)."""

    findings: list[Finding] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    def finding(self, rule: str, severity: str, message: str, **where) -> None:
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}")
        self.findings.append(Finding(rule, severity, message, **where))

    def reject(self, rule: str, form: str, file: str, row: int, reason: str, **more) -> None:
        self.rejects.append(Reject(rule, form, file, int(row), reason, **more))

    def reject_findings(self) -> list[Finding]:
        """Rejected rows as error findings (same rule ids), for validation reports."""
        return [Finding(r.rule, "error", f"row not converted: {r.reason}", domain=r.domain,
                        subject=r.subject, file=r.file, row=r.row, column=r.column,
                        value=r.value) for r in self.rejects]

    def findings_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(f) for f in self.findings],
                            columns=list(Finding.__dataclass_fields__))

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def dedupe(self) -> None:
        """Keep the first finding per cell: a value wrong for one reason is reported once."""
        seen, kept = set(), []
        for f in self.findings:
            key = (f.domain, f.variable, f.file, f.row, f.value) if f.row else None
            if key is not None and key in seen:
                continue
            if key is not None:
                seen.add(key)
            kept.append(f)
        self.findings = kept
