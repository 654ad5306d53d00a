"""``cup2std validate``: modes, reports, review file, exit codes."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from cup2std.cli import main
from cup2std.validate.runner import validate_path
from conftest import MAPPING, PILOT, SAMPLE


def test_sample_export_passes_and_writes_every_report(tmp_path, capsys):
    code = main(["validate", str(SAMPLE), "--mapping", str(MAPPING), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "0 error, 7 warning" in out and "(exit 0)" in out
    records = json.loads((tmp_path / "findings.json").read_text())
    assert {r["rule"] for r in records} == {"CT002", "CTC002"}
    angina = next(r for r in records if r["value"] == "Angina pectoris")
    assert (angina["dataset"], angina["variable"], angina["usubjid"], angina["seq"],
            angina["row"]) == ("AE", "AEDECOD", "ISA-CUP-DE-106-001", 1, 23)
    html = (tmp_path / "validation-report.html").read_text()
    assert "Angina pectoris" in html and "applyFilters" in html and "http" not in html
    junit = etree.parse(str(tmp_path / "validation-junit.xml")).getroot()
    assert junit.get("failures") == "0" and int(junit.get("tests")) >= 30


def test_fail_on_warning_fails_the_sample(capsys):
    assert main(["validate", str(SAMPLE), "-m", str(MAPPING), "--fail-on", "warning"]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_review_file_accepts_findings(tmp_path, capsys):
    review = tmp_path / "review.yaml"
    review.write_text(
        "accept:\n"
        "  - rule: CTC002\n"
        "    dataset: AE\n"
        "    justification: MedDRA preferred terms kept as reported; coded to CTCAE at analysis\n"
        "  - rule: CT002\n"
        "    value: OTHER\n"
        "    justification: sponsor-defined disposition term, documented in the reviewer's guide\n"
        "  - rule: DT004\n"
        "    justification: stale entry\n", encoding="utf-8")
    args = ["validate", str(SAMPLE), "-m", str(MAPPING), "--fail-on", "warning",
            "--review", str(review), "--junit", str(tmp_path / "j.xml")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "7 accepted" in out and "review entry 3 (rule=DT004) matched no finding" in out
    assert b"accepted: MedDRA preferred terms" in (tmp_path / "j.xml").read_bytes()


def test_review_entry_without_justification_is_a_usage_error(tmp_path, capsys):
    review = tmp_path / "review.yaml"
    review.write_text("accept:\n  - rule: CTC002\n", encoding="utf-8")
    assert main(["validate", str(SAMPLE), "-m", str(MAPPING), "--review", str(review)]) == 2
    assert "justification" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["validate"], ["validate", "/no/such/folder"],
                                  ["validate", str(SAMPLE), "--rules", "XX999"]])
def test_usage_errors_exit_2_without_traceback(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("cup2std: ") and "Traceback" not in err


def test_list_rules(capsys):
    assert main(["validate", "--list-rules"]) == 0
    out = capsys.readouterr().out
    assert "CTC005" in out and "REJ002" in out


def test_converted_package_validates_like_its_source(tmp_path):
    from cup2std.api import convert
    convert(SAMPLE, MAPPING, out=tmp_path)
    assert (tmp_path / "validation-report.html").exists()
    assert (tmp_path / "validation-junit.xml").exists()
    result = validate_path(tmp_path / "sdtm")
    assert result.kind == "sdtm" and result.counts()["error"] == 0
    assert sorted({f.value for f in result.findings if f.rule == "CTC002"}) == [
        "Angina pectoris", "Bronchitis", "Cachexia", "Neutropenia", "Plasma cell myeloma"]


def test_cdisc_pilot_validates_without_crashing():
    result = validate_path(PILOT)
    assert result.kind == "sdtm" and set(result.datasets) == {
        "AE", "DM", "DS", "EX", "SUPPAE", "SUPPDM", "TS"}
    rules = {f.rule for f in result.findings}
    # Windows-1252 text found and reported; real inconsistencies of the pilot found
    assert {"ENC001", "SER002", "RFX001", "LEN002"} <= rules
    # not CTCAE-graded (AESEV): no grading rule speaks
    assert not rules & {"CTC001", "CTC002", "CTC003", "CTC004", "CTC005"}
    assert result.exit_code == 1
