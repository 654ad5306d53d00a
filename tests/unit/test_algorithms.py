"""Each mapping algorithm: what it makes of good rows, and the finding a bad row gives."""
import pandas as pd

from cup2std.engine.algorithms import MapContext, evaluate
from cup2std.spec.model import VarSpec


def ctx_for(**cols) -> MapContext:
    n = len(next(iter(cols.values())))
    rows = pd.DataFrame({**cols, "_SRC_ROW": range(2, 2 + n)}, dtype=object)
    ctx = MapContext.bare(rows)
    ctx.subjects = pd.Series([f"S{i}" for i in range(n)], index=rows.index)
    ctx.form, ctx.files, ctx.domain = "f", {"f": "f.csv"}, "AE"
    ctx.value_maps = {"yn": {"yes": "Y", "no": "N"}}
    return ctx


def test_assign_with_value_map_is_case_insensitive_and_reports_unmapped():
    ctx = ctx_for(x=["yes", "NO ", "", "vielleicht"])
    out = evaluate(ctx, VarSpec("AESER", "assign", "x", {"map": "yn"}))
    assert out.tolist() == ["Y", "N", "", "vielleicht"]
    [f] = ctx.ledger.findings
    assert (f.rule, f.row, f.column, f.value, f.subject) == ("MAP001", 5, "x", "vielleicht", "S3")
    assert "value_maps.yn" in f.message


def test_date_reports_bad_dates_with_row_and_value():
    ctx = ctx_for(d=["2020-07-14", "2020-02-30", "2020"])
    out = evaluate(ctx, VarSpec("AESTDTC", "date", "d"))
    assert out.tolist() == ["2020-07-14", "", "2020"]
    [f] = ctx.ledger.findings
    assert (f.rule, f.row, f.value) == ("DATE001", 3, "2020-02-30")


def test_template_is_empty_when_a_part_is_missing():
    ctx = ctx_for(c=["1", "2"], d=["8", ""])
    out = evaluate(ctx, VarSpec("VISIT", "template", "CYCLE {c} DAY {d}"))
    assert out.tolist() == ["CYCLE 1 DAY 8", ""]


def test_compute_arithmetic_and_non_numbers():
    ctx = ctx_for(c=["1", "2", "x"], d=["8", "15", "1"])
    out = evaluate(ctx, VarSpec("VISITNUM", "compute", "c * 100 + d"))
    assert out.tolist()[:2] == [108.0, 215.0] and pd.isna(out[2])
    assert [f.rule for f in ctx.ledger.findings] == ["TYPE001"]


def test_flag_yes_no_or_empty():
    ctx = ctx_for(c=["hospitalization; death", "death", ""])
    out = evaluate(ctx, VarSpec("AESHOSP", "flag", "c", {"contains": "hospitalization"}))
    assert out.tolist() == ["Y", "N", ""]


def test_ctcae_lookup_and_first_of_fallback():
    ctx = ctx_for(soc=["", "Cardiac disorders"], term=["Febrile neutropenia", "Angina pectoris"])
    spec = VarSpec("AESOC", "first_of", None, alternatives=[
        VarSpec("AESOC", "assign", "soc"), VarSpec("AESOC", "ctcae", "term", {"field": "soc"})])
    assert evaluate(ctx, spec).tolist() == ["Blood and lymphatic system disorders",
                                            "Cardiac disorders"]


def test_when_blanks_values_where_condition_fails_and_default_fills():
    ctx = ctx_for(ongoing=["yes", "no"])
    out = evaluate(ctx, VarSpec("MHENRTPT", "hardcode", "ONGOING",
                                {"when": {"ongoing": {"equals": "yes"}}}))
    assert out.tolist() == ["ONGOING", ""]
    out = evaluate(ctx_for(x=["", "a"]), VarSpec("X", "assign", "x", {"default": "U"}))
    assert out.tolist() == ["U", "a"]


def test_missing_column_is_one_info_finding_and_empty_values():
    ctx = ctx_for(x=["a", "b"])
    out = evaluate(ctx, VarSpec("AETERM", "assign", "nope"))
    assert out.tolist() == ["", ""]
    assert [(f.rule, f.severity) for f in ctx.ledger.findings] == [("SRC002", "info")]
