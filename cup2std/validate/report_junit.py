"""JUnit XML: one test case per rule, failed when it has open findings at or above
``fail_on``; CI systems (GitLab, Jenkins, GitHub test reporters) show them as test results.

>>> from cup2std.validate.findings import Finding
>>> xml = render_junit([Finding("CT001", "error", "bad", domain="DM")], fail_on="error")
>>> b'failures="1"' in xml
True
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from cup2std.validate.findings import SEVERITY_RANK, Finding
from cup2std.validate.rules import catalogue
from cup2std.write.atomic import write_bytes_atomic


def render_junit(findings: list[Finding], *, fail_on: str = "error",
                 name: str = "cup2std validate", time_s: float = 0.0) -> bytes:
    """The JUnit XML document as bytes."""
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    limit = SEVERITY_RANK[fail_on]
    root = etree.Element("testsuites", name=name)
    suites: dict[str, etree._Element] = {}
    totals = {"tests": 0, "failures": 0}
    for r in catalogue():
        suite = suites.get(r.theme)
        if suite is None:
            suite = suites[r.theme] = etree.SubElement(root, "testsuite",
                                                       name=f"cup2std.validate.{r.theme}")
            suite.set("tests", "0")
            suite.set("failures", "0")
        case = etree.SubElement(suite, "testcase", classname=f"cup2std.validate.{r.theme}",
                                name=f"{r.id} {r.description}")
        fs = by_rule.get(r.id, [])
        fails = [not f.accepted and SEVERITY_RANK[f.severity] <= limit for f in fs]
        failing = [f for f, x in zip(fs, fails) if x]
        other = [f for f, x in zip(fs, fails) if not x]
        if failing:
            fail = etree.SubElement(case, "failure", type=failing[0].severity,
                                    message=f"{len(failing)} {failing[0].severity} finding(s)")
            fail.text = "\n".join(f.render() for f in failing)
            suite.set("failures", str(int(suite.get("failures")) + 1))
            totals["failures"] += 1
        if other:
            out = etree.SubElement(case, "system-out")
            out.text = "\n".join(f.render() + (f"  [accepted: {f.justification}]"
                                               if f.accepted else "") for f in other)
        suite.set("tests", str(int(suite.get("tests")) + 1))
        totals["tests"] += 1
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("time", f"{time_s:.3f}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_junit_report(path: str | Path, findings: list[Finding], *, fail_on: str = "error",
                       time_s: float = 0.0) -> Path:
    """Write the JUnit file atomically."""
    return write_bytes_atomic(Path(path), render_junit(findings, fail_on=fail_on,
                                                       time_s=time_s))
