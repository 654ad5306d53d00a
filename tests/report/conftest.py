"""Fixtures of the report tests: the sample converted once, its report, the CDISC pilot.

The expected figures of the sample are typed into test_report_published.py from
tests/fixtures/published-figures.md (a copy of the project's shared/spec/published-figures.md,
itself typed from Leitner et al., Front. Hematol. 2024, doi:10.3389/frhem.2024.1335161).
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "isa_cup"
REPORT_SPEC = ROOT / "mappings" / "cup_registry.report.yaml"
PILOT = ROOT / "tests" / "fixtures" / "cdisc-pilot"


@pytest.fixture(scope="session")
def pilot_dir() -> Path:
    return PILOT


@pytest.fixture(scope="session")
def sample_sdtm(tmp_path_factory) -> Path:
    """`cup2std convert samples/isa_cup` once per session; the SDTM folder."""
    from cup2std.api import convert

    out = tmp_path_factory.mktemp("report-sample")
    convert(SAMPLE, out=out)
    return out / "sdtm"


@pytest.fixture(scope="session")
def sample_report(sample_sdtm, tmp_path_factory):
    """The report of the sample with the CUP report spec, written to a temp folder."""
    from cup2std.api import report

    out = tmp_path_factory.mktemp("report-out")
    result = report(sample_sdtm, out=out, spec=REPORT_SPEC)
    result.out = out
    return result


@pytest.fixture(scope="session")
def pilot_report(tmp_path_factory):
    """The report of the CDISC pilot package with the generic defaults (no spec)."""
    from cup2std.api import report

    out = tmp_path_factory.mktemp("report-pilot")
    result = report(PILOT, out=out)
    result.out = out
    return result
