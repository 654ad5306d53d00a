"""Units of the report: CSV safety, spec checking, SUPP joining, cycles, skips, HTML, CLI."""
from __future__ import annotations

import pandas as pd
import pytest

from cup2std.cli import main
from cup2std.errors import SpecError, UsageError
from cup2std.report.csv_safe import csv_bytes, safe_cell
from cup2std.report.cycles import cycle_of_dates, cycle_of_records
from cup2std.report.load import join_supp, load_package
from cup2std.report.spec import load_report_spec


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cell_that_could_be_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["10 (55.6)", "Anemia", " -x", "a=b", ""])
def test_csv_cell_that_cannot_be_a_formula_is_unchanged(text):
    assert safe_cell(text) == text


def test_csv_file_is_quoted_utf8_with_bom():
    data = csv_bytes(["a", "b"], [["Übelkeit", '=cmd|" /C calc"!A0']])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1] == '"Übelkeit","\'=cmd|"" /C calc""!A0"'


def test_written_csvs_hold_no_cell_starting_a_formula(sample_report):
    import csv
    for path in sample_report.out.glob("*.csv"):
        for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()):
            assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row), path


def test_spec_unknown_key_names_line_and_nearest(tmp_path):
    bad = tmp_path / "x.report.yaml"
    bad.write_text("report:\n  cycles:\n    divisr: 10\n", encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_report_spec(bad)
    assert ":3:" in str(err.value) and "divisor" in str(err.value)


def test_spec_overrides_only_what_it_names(tmp_path):
    good = tmp_path / "x.report.yaml"
    good.write_text("cycles:\n  divisor: 10\n", encoding="utf-8")
    spec = load_report_spec(good)
    assert spec["cycles"]["divisor"] == 10 and spec["cycles"]["variable"] == "VISITNUM"


def test_supp_joined_by_idvar_and_by_subject():
    parent = pd.DataFrame({"USUBJID": ["A", "A", "B"], "AESEQ": [1.0, 2.0, 1.0]})
    supp = pd.DataFrame({"USUBJID": ["A", "B"], "IDVAR": ["AESEQ", "AESEQ"],
                         "IDVARVAL": ["2", " 1"], "QNAM": ["AETRTEM", "AETRTEM"],
                         "QVAL": ["Y", "N"]})
    assert join_supp(parent, supp)["AETRTEM"].tolist() == ["", "Y", "N"]
    dm = pd.DataFrame({"USUBJID": ["A", "B"]})
    suppdm = pd.DataFrame({"USUBJID": ["B"], "IDVAR": [""], "IDVARVAL": [""],
                           "QNAM": ["PRIORLN"], "QVAL": ["3"]})
    assert join_supp(dm, suppdm)["PRIORLN"].tolist() == ["", "3"]


def test_windows_1252_text_is_read(pilot_dir):
    pkg = load_package(pilot_dir)
    assert pkg.encodings["TS"] == "cp1252" and pkg.encodings["DM"] == "utf-8"
    assert pkg.domain("TS")["TSVAL"].str.contains("\u2019").any()


def test_not_a_package_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        load_package(tmp_path)


def test_cycles_from_visitnum_only_for_cycle_visits():
    ex = pd.DataFrame({"VISITNUM": [101.0, 315.0, 4.0], "VISIT": ["CYCLE 1 DAY 1",
                       "CYCLE 3 DAY 15", "WEEK 2"]})
    rule = load_report_spec(None)["cycles"]
    assert cycle_of_records(ex, rule).tolist()[:2] == [1.0, 3.0]
    assert pd.isna(cycle_of_records(ex, rule).iloc[2])


def test_cycles_from_visit_text_when_configured():
    ex = pd.DataFrame({"VISITNUM": [1.0, 2.0], "VISIT": ["C1D1", "Zyklus 4 Tag 8"]})
    rule = {**load_report_spec(None)["cycles"], "variable": "VISIT",
            "visit_pattern": r"(?i)(?:zyklus\s*|c)(\d+)"}
    assert cycle_of_records(ex, rule).tolist() == [1.0, 4.0]


def test_date_after_last_cycle_length_is_in_no_cycle():
    starts = pd.DataFrame({"USUBJID": ["A"], "CYCLE": [1.0],
                           "START": pd.to_datetime(["2020-01-01"])})
    dates = pd.to_datetime(pd.Series(["2020-01-28", "2020-01-29", "2019-12-31"]))
    subj = pd.Series(["A"] * 3)
    assert cycle_of_dates(subj, dates, starts, 28).tolist()[:1] == [1.0]
    assert cycle_of_dates(subj, dates, starts, 28).isna().tolist() == [False, True, True]
    assert cycle_of_dates(subj, dates, starts, None).tolist()[:2] == [1.0, 1.0]


def test_report_page_is_self_contained(sample_report):
    page = (sample_report.out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page and "<link" not in page
    assert "src=" not in page
    assert "10 (55.6)" in page and "Percentages are of N = 18 treated patients." in page


def test_figure_written_as_png_and_svg(sample_report):
    assert (sample_report.out / "figure1_swimmer.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (sample_report.out / "figure1_swimmer.svg").read_bytes()


def test_swimmer_bars_end_where_participation_ends(sample_report):
    lanes = sample_report.swimmer.lanes.set_index("LABEL")
    assert len(lanes) == 18
    # treated to the end: bar to the figure end of the report spec (1 March 2021)
    assert lanes.loc["105-001", "END"] == pd.Timestamp("2021-03-01")
    assert pd.isna(lanes.loc["105-001", "REASON"])
    # premature end: bar to the disposition date, symbol for the reason
    assert lanes.loc["101-001", "END"] == pd.Timestamp("2020-09-13")
    assert lanes.loc["101-001", "REASON"] == "Death"
    assert lanes.loc["102-001", "REASON"] == "Disease progression"
    assert lanes.loc["109-001", "REASON"] == "Other"
    assert lanes.loc["101-001", "START"] == pd.Timestamp("2020-07-21")


def test_cli_report_exit_codes(sample_sdtm, tmp_path, capsys):
    assert main(["report", str(sample_sdtm), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "report.html").exists()
    assert main(["report", str(tmp_path / "nothing"), "--out", str(tmp_path / "r2")]) == 2
    assert "not a folder" in capsys.readouterr().err
