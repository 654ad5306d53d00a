"""``cup2std validate``: an SDTM package (folder of XPT) or a registry export (through a
mapping), the rules, the review file, the reports, the exit code.

>>> result = validate_path("samples/isa_cup")                   # doctest: +SKIP
>>> result.counts()["error"], result.exit_code                  # doctest: +SKIP
(0, 0)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from cup2std.errors import UsageError
from cup2std.validate.findings import SEVERITIES, SEVERITY_RANK, Finding, Ledger
from cup2std.validate.package_reader import read_package, xpt_files
from cup2std.validate.review import ReviewEntry, apply_review, load_review
from cup2std.validate.rules import RULES, RuleContext, run_rules


@dataclass
class ValidationResult:
    path: Path
    kind: str  # 'sdtm' or 'registry'
    findings: list[Finding]
    datasets: dict[str, int]
    fail_on: str = "error"
    stale_review: list[ReviewEntry] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def counts(self, accepted: bool = False) -> dict[str, int]:
        """Open findings by severity (accepted ones too when ``accepted``)."""
        out = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            if accepted or not f.accepted:
                out[f.severity] += 1
        return out

    @property
    def exit_code(self) -> int:
        """1 when an open finding is at or above ``fail_on``, else 0."""
        return exit_code(self.findings, self.fail_on)


def exit_code(findings: list[Finding], fail_on: str = "error") -> int:
    """0 clean, 1 open findings at or above ``fail_on``.

    >>> exit_code([Finding("CT002", "warning", "m")], "error"), \\
    ...     exit_code([Finding("CT002", "warning", "m")], "warning")
    (0, 1)
    """
    limit = SEVERITY_RANK[fail_on]
    return int(any(not f.accepted and SEVERITY_RANK[f.severity] <= limit for f in findings))


def path_kind(path: Path, mapping: str | Path | None) -> str:
    """'sdtm' for a folder holding XPT files (and no --mapping), else 'registry'."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if mapping is None and path.is_dir() and xpt_files(path):
        return "sdtm"
    return "registry"


def validate_path(path: str | Path, mapping: str | Path | None = None, *,
                  cutoff: str | None = None, review: str | Path | None = None,
                  fail_on: str = "error", only: list[str] | None = None,
                  teae_window: int | None = None) -> ValidationResult:
    """Validate an SDTM folder or a registry export; apply the review file."""
    if fail_on not in SEVERITIES:
        raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)}")
    unknown = [r for r in only or [] if r not in RULES]
    if unknown:
        raise UsageError(f"unknown rule id(s): {', '.join(unknown)}; see "
                         "'cup2std validate --list-rules'")
    entries = load_review(review) if review else []
    path, clock = Path(path), time.perf_counter()
    if path_kind(path, mapping) == "sdtm":
        frames, files, widths, findings = read_package(path)
        ctx = RuleContext(files=files, cutoff=cutoff, teae_window=teae_window,
                          xpt_meta=widths, kind="sdtm")
        kind = "sdtm"
    else:
        frames, ctx, findings = _registry_frames(path, mapping, cutoff, teae_window)
        kind = "registry"
    read_s = time.perf_counter() - clock
    findings = findings + run_rules(frames, ctx, only)
    if kind == "registry":
        ledger = Ledger(findings=findings)
        ledger.dedupe()
        findings = ledger.findings
    if only:
        findings = [f for f in findings if f.rule in only]
    stale = apply_review(findings, entries)
    timings = {"read": round(read_s, 4), "rules": round(time.perf_counter() - clock - read_s, 4)}
    datasets = {name: len(df) for name, df in frames.items()}
    return ValidationResult(path, kind, findings, datasets, fail_on, stale, timings)


def _registry_frames(path: Path, mapping, cutoff, teae_window):
    """Read and map an export; the mapping machinery's findings and rejects come along."""
    from cup2std.api import default_mapping_path, validation_frames
    from cup2std.engine.hub import build_hub
    from cup2std.readers import read_source
    from cup2std.spec import load_mapping

    spec = load_mapping(Path(mapping) if mapping else default_mapping_path())
    data = read_source(path, spec.source)
    hub = build_hub(spec, data)
    return (validation_frames(hub), hub_context(hub, dict(data.files), cutoff, teae_window),
            list(hub.ledger.findings) + hub.ledger.reject_findings())


def hub_context(hub, files: dict, cutoff: str | None = None,
                teae_window: int | None = None) -> RuleContext:
    """Rule context for hub frames: the TEAE window comes from the mapping when it has one."""
    rule = hub.spec.derivations.treatment_emergent or {}
    if teae_window is None and rule:
        teae_window = int(rule.get("window_days", 30))
    return RuleContext(files=files, cutoff=cutoff, teae_window=teae_window, kind="hub")
