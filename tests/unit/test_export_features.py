"""Mapping features real exports need: decimal mark, numeric text, header renames, {columns}.

Each feature: what it makes of good input and what bad input gives (a finding or a spec error).
"""
from pathlib import Path

import pandas as pd
import pytest

from cup2std.engine.algorithms import MapContext, evaluate
from cup2std.engine.mapper import _typed
from cup2std.engine.numbers import number_text, parse_numbers
from cup2std.errors import SourceError, SpecError
from cup2std.readers import rename_columns
from cup2std.spec import load_mapping
from cup2std.spec.model import VarSpec

from tests.unit.test_spec import MINIMAL


def ctx_for(decimal=".", thousands="", **cols) -> MapContext:
    n = len(next(iter(cols.values())))
    rows = pd.DataFrame({**cols, "_SRC_ROW": range(2, 2 + n)}, dtype=object)
    ctx = MapContext.bare(rows)
    ctx.subjects = pd.Series([f"S{i}" for i in range(n)], index=rows.index)
    ctx.form, ctx.files, ctx.domain = "f", {"f": "f.csv"}, "VS"
    ctx.decimal, ctx.thousands = decimal, thousands
    return ctx


# -- decimal mark ---------------------------------------------------------------------------
def test_decimal_comma_numbers_are_read():
    num, bad = parse_numbers(pd.Series(["68,5", "-0,25", "70", ""]), ",")
    assert num.tolist()[:3] == [68.5, -0.25, 70.0] and not bad.any()


def test_decimal_point_in_a_decimal_comma_export_is_not_a_number():
    num, bad = parse_numbers(pd.Series(["68.5", "1,2,3"]), ",")
    assert bad.tolist() == [True, True] and num.isna().all()


def test_decimal_comma_in_a_decimal_point_export_is_not_a_number():
    # It used to be read as 68.5 whatever the mapping said; "1,234" could be 1234.
    assert parse_numbers(pd.Series(["68,5"]), ".")[1].tolist() == [True]


def test_thousands_separator_only_between_groups_of_three():
    num, bad = parse_numbers(pd.Series(["1.234,5", "12.34,5"]), ",", ".")
    assert num.tolist()[0] == 1234.5 and bad.tolist() == [False, True]


def test_numeric_variable_honours_source_decimal():
    ctx = ctx_for(decimal=",", w=["68,5", "68.5", ""])
    out = _typed(ctx, "VS", "VSSTRESN", ctx.rows["w"])
    assert out.tolist()[0] == 68.5 and pd.isna(out.tolist()[1])
    [f] = ctx.ledger.findings
    assert (f.rule, f.row, f.value) == ("TYPE001", 3, "68.5")
    assert "decimal mark ','" in f.message


def test_compute_honours_source_decimal():
    ctx = ctx_for(decimal=",", a=["1,5", "2.5"])
    out = evaluate(ctx, VarSpec("VSSTRESN", "compute", "a * 2"))
    assert out.tolist()[0] == 3.0 and pd.isna(out.tolist()[1])
    assert [(f.rule, f.value) for f in ctx.ledger.findings] == [("TYPE001", "2.5")]


def test_number_modifier_normalises_numeric_text():
    ctx = ctx_for(decimal=",", thousands=".", w=["68,0", "72,50", "1.234", "n.d."])
    out = evaluate(ctx, VarSpec("VSORRES", "assign", "w", {"number": True}))
    assert out.tolist() == ["68", "72.5", "1234", "n.d."]


def test_number_modifier_output_is_read_as_plain_number():
    ctx = ctx_for(decimal=",", w=["68,5"])
    vals = evaluate(ctx, VarSpec("VSSTRESN", "assign", "w", {"number": True}))
    assert _typed(ctx, "VS", "VSSTRESN", vals, plain=True).tolist() == [68.5]
    assert ctx.ledger.findings == []


def test_number_text_keeps_non_numbers():
    assert number_text(pd.Series(["<5", ""])).tolist() == ["<5", ""]


# -- compute with braced column names -------------------------------------------------------
def test_compute_with_braced_column_names():
    ctx = ctx_for(**{"Zyklus (Nr.)": ["2"], "IT.DAY": ["15"]})
    out = evaluate(ctx, VarSpec("VISITNUM", "compute", "{Zyklus (Nr.)} * 100 + {IT.DAY}"))
    assert out.tolist() == [215.0]


# -- header renames -------------------------------------------------------------------------
def test_rename_columns_applies_the_map():
    df = pd.DataFrame({"Patienten-Nr.": ["1"], "Alter": ["70"]})
    out = rename_columns(df, {"Patienten-Nr.": "patient_id", "absent": "x"}, "p.csv")
    assert out.columns.tolist() == ["patient_id", "Alter"]


def test_rename_onto_an_existing_column_is_refused():
    df = pd.DataFrame({"Pat": ["1"], "patient_id": ["2"]})
    with pytest.raises(SourceError, match="already has a column 'patient_id'"):
        rename_columns(df, {"Pat": "patient_id"}, "p.csv")


def test_renames_in_a_conversion(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "p.csv").write_bytes("Pat.-Nr.;Geschlecht\r\n7;weiblich\r\n"
                                              .encode("cp1252"))
    text = MINIMAL.replace("subject: pid", "subject: pid\n  delimiter: ';'\n  encoding: cp1252\n"
                           "  columns: {Pat.-Nr.: pid}").replace(
        "{file: p.csv, subjects: true}", "{file: p.csv, subjects: true, columns: {Geschlecht: sex}}"
    ).replace("female: F", "weiblich: F")
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    from cup2std.api import convert
    got = convert(tmp_path / "src", tmp_path / "m.yaml", tmp_path / "out")
    dm = got.hub.sdtm("DM")
    assert dm[["USUBJID", "SEX"]].values.tolist() == [["S1-7", "F"]]


# -- spec checks ----------------------------------------------------------------------------
def spec_error(tmp_path: Path, text: str) -> SpecError:
    p = tmp_path / "m.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_mapping(p)
    return exc.value


def loads(tmp_path: Path, text: str):
    p = tmp_path / "m.yaml"
    p.write_text(text, encoding="utf-8")
    return load_mapping(p)


SRC = "subject: pid"


@pytest.mark.parametrize("extra, fragment", [
    ("decimal: ';'", "decimal must be '.' or ','"),
    ("decimal: ','\n  thousands: ','", "thousands must be one of"),
    ("delimiter: ';;'", "delimiter must be one character"),
    ("columns: {A: pid, B: pid}", "both renamed to 'pid'"),
    ("columns: [a, b]", "columns must map the export's header"),
    ("odm: {column_names: label}", "odm.column_names must be"),
])
def test_bad_source_options_are_spec_errors(tmp_path, extra, fragment):
    err = spec_error(tmp_path, MINIMAL.replace(SRC, f"{SRC}\n  {extra}"))
    assert fragment in str(err) and err.line


def test_good_source_options_load(tmp_path):
    spec = loads(tmp_path, MINIMAL.replace(SRC, f"{SRC}\n  decimal: ','\n  thousands: '.'\n"
                                           "  columns: {Pat.-Nr.: pid}"))
    assert (spec.source.decimal, spec.source.thousands) == (",", ".")
    assert spec.source.renames("pats") == {"Pat.-Nr.": "pid"}


def test_form_renames_override_source_renames(tmp_path):
    spec = loads(tmp_path, MINIMAL.replace(SRC, f"{SRC}\n  columns: {{A: pid, B: x}}").replace(
        "subjects: true}", "subjects: true, columns: {B: y}}"))
    assert spec.source.renames("pats") == {"A": "pid", "B": "y"}


def test_form_needs_exactly_one_location(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("{file: p.csv,", "{file: p.csv, item_group: IG,"))
    assert "exactly one of 'file'" in str(err)


def test_odm_and_file_forms_do_not_mix(tmp_path):
    text = MINIMAL.replace("    pats: {file: p.csv, subjects: true}",
                           "    pats: {item_group: IG.DM, subjects: true}\n    x: {file: x.csv}")
    assert "not a mix in one mapping" in str(spec_error(tmp_path, text))


def test_odm_forms_load(tmp_path):
    spec = loads(tmp_path, MINIMAL.replace("{file: p.csv,", "{item_group: IG.DM,"))
    assert spec.source.is_odm and spec.source.forms["pats"].item_group == "IG.DM"


def test_number_must_be_a_boolean(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("map: sex}", "map: sex, number: yes}"))
    assert "'number' must be true or false" in str(err)


@pytest.mark.parametrize("expr, ok", [("{Zyklus} * 100 + {Tag}", True),
                                      ("{Zyklus * 100", False), ("Gewicht (kg) * 2", False)])
def test_compute_braces_are_checked(tmp_path, expr, ok):
    text = MINIMAL.replace("      SEX: {assign: sex, map: sex}",
                           f"      SEX: {{assign: sex, map: sex}}\n      AGE: {{compute: \"{expr}\"}}")
    if ok:
        assert loads(tmp_path, text).blocks[0].variables["AGE"].arg == expr
    else:
        assert "braces" in str(spec_error(tmp_path, text))
