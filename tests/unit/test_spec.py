"""The mapping spec is checked before any data is read; errors name file, line and key."""
from pathlib import Path

import pytest

from cup2std.errors import SpecError
from cup2std.spec import load_mapping

MINIMAL = """\
mapping_version: 1
study:
  STUDYID: S1
source:
  subject: pid
  forms:
    pats: {file: p.csv, subjects: true}
domains:
  DM:
    from: pats
    variables:
      SEX: {assign: sex, map: sex}
value_maps:
  sex: {female: F, male: M}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "m.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def spec_error(tmp_path, text) -> SpecError:
    with pytest.raises(SpecError) as exc:
        load_mapping(write(tmp_path, text))
    return exc.value


def test_minimal_mapping_loads(tmp_path):
    spec = load_mapping(write(tmp_path, MINIMAL))
    assert spec.studyid == "S1"
    assert spec.blocks[0].variables["SEX"].algorithm == "assign"
    assert spec.study["usubjid"] == "{STUDYID}-{SUBJID}"


def test_reference_mapping_loads(mapping_path):
    spec = load_mapping(mapping_path)
    assert {"DM", "EX", "AE", "DS", "CM", "MH", "VS", "RS", "TS"} <= set(spec.domains)


def test_yes_and_no_stay_text_not_booleans(mapping_path):
    spec = load_mapping(mapping_path)
    assert spec.value_maps["yes_no"] == {"yes": "Y", "no": "N"}


def test_unknown_variable_names_line_and_nearest(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("SEX: {assign", "SEKS: {assign"))
    assert err.line == 12 and "SEKS" in str(err)
    assert "Did you mean 'SEX'?" in str(err)
    assert str(err).startswith(str(tmp_path / "m.yaml") + ":12:")


def test_unknown_key_suggests_nearest(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("    from: pats", "    frm: pats"))
    assert "unknown key 'frm'" in str(err) and "Did you mean 'from'?" in str(err)
    assert err.line == 10


def test_unknown_form_and_map_are_named(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("    from: pats", "    from: patients"))
    assert "form 'patients' is not declared" in str(err) and "'pats'" in str(err)
    err = spec_error(tmp_path, MINIMAL.replace("map: sex}", "map: sexx}"))
    assert "value map 'sexx' is not defined" in str(err) and "Did you mean 'sex'" in str(err)


def test_map_target_outside_non_extensible_codelist_is_a_spec_error(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("male: M}", "male: MALE}"))
    assert "'MALE' is not in codelist C66731 (SEX)" in str(err)
    assert "Allowed: F, INTERSEX, M, U" in str(err)


def test_duplicate_keys_are_refused(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("      SEX:", "      SEX: {hardcode: F}\n      SEX:"))
    assert "written twice" in str(err)


def test_engine_variables_cannot_be_mapped(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace("      SEX:", "      USUBJID: {assign: pid}\n      SEX:"))
    assert "derived by cup2std" in str(err)


@pytest.mark.parametrize("bad, fragment", [
    ("{compute: \"__import__('os')\"}", "compute allows only"),
    ("{template: \"{unclosed\"}", "malformed"),
    ("{assign: x, hardcode: y}", "exactly one of"),
    ("{date: x, formats: [\"DD.QQ.YYYY\"]}", "is not one of"),
])
def test_bad_algorithms_are_refused(tmp_path, bad, fragment):
    text = MINIMAL.replace("domains:\n  DM:", "domains:\n  AE:\n    from: pats\n    variables:\n"
                           f"      AETERM: {bad}\n  DM:")
    assert fragment in str(spec_error(tmp_path, text))


def test_yaml_syntax_error_has_line(tmp_path):
    err = spec_error(tmp_path, MINIMAL + "  bad: [unclosed\n")
    assert err.line is not None and "not valid YAML" in str(err)


def test_missing_mapping_file(tmp_path):
    with pytest.raises(SpecError, match="not found"):
        load_mapping(tmp_path / "nope.yaml")


def test_exactly_one_subjects_form(tmp_path):
    err = spec_error(tmp_path, MINIMAL.replace(", subjects: true", ""))
    assert "subjects: true" in str(err)


def test_ts_parameter_must_be_cdisc(tmp_path):
    err = spec_error(tmp_path, MINIMAL + "trial_summary:\n  - {TSPARMCD: STYP, TSVAL: X}\n")
    assert "'STYP' is not in codelist TSPARMCD" in str(err) and "STYPE" in str(err)


def test_non_utf8_spec_files_are_spec_errors(tmp_path):
    """Mapping and report spec share one reader: both refuse non-UTF-8 with the file named."""
    from cup2std.report.spec import load_report_spec
    p = tmp_path / "x.yaml"
    p.write_bytes("name: Größe\n".encode("cp1252"))
    for load in (load_mapping, load_report_spec):
        with pytest.raises(SpecError, match="is not UTF-8") as exc:
            load(p)
        assert str(p) in str(exc.value)
