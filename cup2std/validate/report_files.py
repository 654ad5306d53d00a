"""Where the report files go: one folder (findings.json, validation-report.html,
validation-junit.xml) or a path per kind; also the ``convert`` output plug-in.

>>> sorted(REPORT_NAMES)
['html', 'json', 'junit']
"""
from __future__ import annotations

from pathlib import Path

from cup2std.validate.findings import Finding
from cup2std.validate.report_html import write_html_report
from cup2std.validate.report_json import write_json_report
from cup2std.validate.report_junit import write_junit_report
from cup2std.write import register_writer

REPORT_NAMES = {"json": "findings.json", "html": "validation-report.html",
                "junit": "validation-junit.xml"}


def report_paths(out: str | Path | None = None, **explicit: str | None) -> dict[str, Path]:
    """kind -> path: ``explicit`` paths win over ``out``/default names.

    >>> report_paths("r", junit="ci.xml")["junit"].as_posix(), report_paths()
    ('ci.xml', {})
    """
    paths = {k: Path(out) / n for k, n in REPORT_NAMES.items()} if out else {}
    paths.update({k: Path(v) for k, v in explicit.items() if v})
    return paths


def write_reports(paths: dict[str, Path], findings: list[Finding], *, title: str,
                  subtitle: str = "", fail_on: str = "error", time_s: float = 0.0) -> dict:
    """Write the requested reports; return kind -> path written."""
    writers = {
        "json": lambda p: write_json_report(p, findings),
        "html": lambda p: write_html_report(p, findings, title=title, subtitle=subtitle),
        "junit": lambda p: write_junit_report(p, findings, fail_on=fail_on, time_s=time_s),
    }
    return {k: str(writers[k](p)) for k, p in paths.items()}


@register_writer("validation_reports")
def convert_reports(hub, staging: Path, datasets: dict, ledger) -> dict:
    """``convert`` plug-in: HTML and JUnit reports beside the output (findings.json is written
    by ``convert`` itself); rejected rows are listed as error findings."""
    findings = list(ledger.findings) + ledger.reject_findings()
    paths = {k: staging / REPORT_NAMES[k] for k in ("html", "junit")}
    written = write_reports(paths, findings, title=f"cup2std validation: {hub.spec.studyid}",
                            subtitle=f"registry export converted with mapping {hub.spec.name}")
    return {k: REPORT_NAMES[k] for k in written}
