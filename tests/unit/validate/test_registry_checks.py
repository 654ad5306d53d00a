"""Registry-level checks before conversion: file, row and column for each defect."""
from __future__ import annotations

import shutil

import pytest

from cup2std.validate.runner import validate_path
from conftest import MAPPING, SAMPLE


@pytest.fixture
def export(tmp_path):
    dst = tmp_path / "export"
    shutil.copytree(SAMPLE, dst)
    return dst


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _append_copy_of_line(path, lineno, replace=None):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines[lineno - 1]
    if replace:
        line = line.replace(*replace)
    path.write_text("".join(lines) + line, encoding="utf-8")


def _errors(path):
    return [f for f in validate_path(path, MAPPING).findings if f.severity == "error"]


def test_clean_export_has_no_error(export):
    assert _errors(export) == []


def test_duplicate_patient(export):
    _append_copy_of_line(export / "patients.csv", 2)
    [f] = _errors(export)
    assert (f.rule, f.file.endswith("patients.csv"), f.row, f.column) == \
        ("REJ001", True, 20, "patient_id")


def test_unknown_patient_in_a_child_file(export):
    _append_copy_of_line(export / "adverse_events.csv", 2, ("101-001,", "999-001,"))
    [f] = _errors(export)
    assert (f.rule, f.row, f.column, f.value) == ("REJ002", 31, "patient_id", "999-001")
    assert f.file.endswith("adverse_events.csv")


def test_value_not_in_value_map(export):
    _edit(export / "patients.csv", ",female,", ",divers,")
    [f] = _errors(export)
    assert (f.rule, f.column, f.value, f.variable) == ("MAP001", "sex", "divers", "SEX")
    assert f.row >= 2 and f.file.endswith("patients.csv")


def test_unparseable_number(export):
    lines = (export / "patients.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("age")] = "sixty"
    lines[1] = ",".join(cells)
    (export / "patients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [f] = _errors(export)
    # the mapper names the SDTM variable as the column here (engine/mapper.py _typed)
    assert (f.rule, f.row, f.value, f.variable) == ("TYPE001", 2, "sixty", "AGE")
    assert f.file.endswith("patients.csv")


def test_unparseable_date(export):
    _edit(export / "adverse_events.csv", "2020-07-23", "2020-13-45")
    [f] = _errors(export)
    assert (f.rule, f.row, f.column, f.value) == ("DATE001", 2, "start_date", "2020-13-45")
