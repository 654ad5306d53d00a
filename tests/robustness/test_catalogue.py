"""A catalogue of bad inputs, each with its exact expected outcome.

Every case runs the real command line on an edited copy of the sample and checks: exit code,
a message fragment, no traceback, which output files exist, and that the accounting reconciles.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pyreadstat
import pytest

from cup2std.cli import main


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _edit(form: str, fn: Callable[[pd.DataFrame], pd.DataFrame]):
    def apply(export: Path) -> None:
        p = export / f"{form}.csv"
        fn(_csv(p)).to_csv(p, index=False)
    return apply


def _raw(form: str, fn: Callable[[bytes], bytes]):
    def apply(export: Path) -> None:
        p = export / f"{form}.csv"
        p.write_bytes(fn(p.read_bytes()))
    return apply


def _set(form: str, row: int, column: str, value: str):
    """Set one cell; ``row`` as a spreadsheet shows it (header = 1)."""
    def fn(df):
        df.loc[row - 2, column] = value
        return df
    return _edit(form, fn)


def _second_line(data: bytes, new: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[1] = new
    return b"\n".join(lines)


@dataclass
class Case:
    id: str
    edit: Callable[[Path], None]
    exit: int
    fragment: str                 # in stderr (exit 2) or in a finding/reject (exit 0/1)
    outputs: bool                 # OUT/sdtm written and conversion-log.json present
    check: Callable | None = None  # more assertions on the output folder


def _ae_xpt(out: Path) -> pd.DataFrame:
    return pyreadstat.read_xport(str(out / "sdtm" / "ae.xpt"))[0]


CASES = [
    Case("open-quote", _raw("adverse_events", lambda d: d + b'101-001,9,"Fieber,Fever\n'),
         2, "never closed", False),
    Case("wrong-delimiter", _raw("patients", lambda d: d.replace(b",", b";")),
         2, "set source.delimiter", False),
    Case("ragged-row", _raw("administrations", lambda d: d.replace(b"\n", b",extra\n", 3)
                            .replace(b",extra\n", b"\n", 1)),
         2, "fields but the header has", False),
    Case("wrong-encoding", _raw("medical_history", lambda d: d.decode().encode("cp1252")),
         2, "cannot be decoded as utf-8", False),
    Case("mixed-encoding", _raw("conmeds", lambda d: d + "101-001,Präparat,concomitant,,,,x\n"
                                .encode("cp1252")), 2, "row 229", False),
    Case("nul-byte", _raw("conmeds", lambda d: d.replace(b"Bortezomib", b"Borte\x00zomib", 1)),
         2, "conmeds.csv", False),
    Case("bom", _raw("patients", lambda d: b"\xef\xbb\xbf" + d), 0, "", True),
    Case("empty-file", _raw("conmeds", lambda d: b""), 2, "empty", False),
    Case("header-only", _raw("adverse_events", lambda d: d.split(b"\n")[0] + b"\n"), 0, "", True,
         lambda out, log: log["sources"]["adverse_events"]["rows_read"] == 0),
    Case("missing-required-column", _edit("adverse_events", lambda df: df.drop(columns="patient_id")),
         2, "required column(s) patient_id missing", False),
    Case("unknown-column", _edit("patients", lambda df: df.assign(bemerkung="x")), 0, "", True),
    Case("renamed-column", _edit("adverse_events", lambda df: df.rename(
        columns={"start_date": "startdate"})), 1, "'startdate' is: renamed in the export?", True),
    Case("missing-optional-column", _edit("patients", lambda df: df.drop(columns="mm_subtype")),
         0, "", True, lambda out, log: not (out / "sdtm" / "suppmh.xpt").exists()),
    Case("wrong-type", _set("patients", 3, "age", "sixty-five"), 1, "not a number", True),
    Case("impossible-date", _set("adverse_events", 4, "start_date", "2020-02-30"), 1,
         "not a real calendar date", True),
    Case("future-date", _set("adverse_events", 4, "end_date", "2031-01-01"), 1,
         "cut-off", True),
    Case("duplicate-key", _edit("adverse_events", lambda df: pd.concat([df, df.iloc[[0]]])),
         1, "duplicate key", True,
         lambda out, log: log["sources"]["adverse_events"]["rows_rejected"] == 1),
    Case("duplicate-patient", _edit("patients", lambda df: pd.concat([df, df.iloc[[0]]])),
         1, "duplicate key", True, lambda out, log: log["datasets"]["DM"]["records"] == 18),
    Case("orphan-record", _set("adverse_events", 2, "patient_id", "999-999"), 1,
         "is not in form 'patients'", True,
         lambda out, log: log["sources"]["adverse_events"]["rows_rejected"] == 1),
    Case("code-outside-value-map", _set("patients", 2, "sex", "divers"), 1,
         "not in value map 'sex'", True),
    Case("very-long-text", _set("adverse_events", 2, "verbatim", "Schmerz " * 80), 0, "", True,
         lambda out, log: (_ae_xpt(out)["AETERM"].str.len() <= 200).all()
         and (out / "sdtm" / "suppae.xpt").exists() and len(log["long_text_splits"]) == 1),
    Case("control-characters", _set("adverse_events", 2, "verbatim", "Fieber\tund\x07Husten"),
         0, "", True, lambda out, log: _ae_xpt(out)["AETERM"].map(str.isprintable).all()),
    Case("path-characters-in-subject-id", lambda e: [
        _edit(f, lambda df: df.assign(patient_id=df.patient_id.replace("101-001", "../../evil")))(e)
        for f in ("patients", "administrations", "adverse_events", "end_of_treatment",
                  "conmeds", "medical_history")], 0, "", True,
         lambda out, log: all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
         and any(p.name.startswith(".._.._evil-") for p in (out / "fhir" / "bundles").iterdir())
         and not (out.parent / "evil.json").exists()),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, sample_copy, mapping_path, tmp_path, capsys):
    case.edit(sample_copy)
    out = tmp_path / "out"
    code = main(["convert", str(sample_copy), "-m", str(mapping_path), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert code == case.exit, captured.err + captured.out
    if case.exit == 2:
        assert case.fragment in captured.err
        assert not out.exists() or not any(out.rglob("*.xpt"))
        return
    log = json.loads((out / "conversion-log.json").read_text())
    assert log["reconciles"] is True
    assert (out / "sdtm" / "dm.xpt").exists() == case.outputs
    if case.fragment:
        texts = [f["message"] for f in json.loads((out / "findings.json").read_text())]
        texts += [r["reason"] for r in log["rejects"]]
        assert any(case.fragment in t for t in texts), texts[:5]
    if case.check:
        assert case.check(out, log)


def test_catalogue_covers_every_exit_code():
    assert {c.exit for c in CASES} == {0, 1, 2}
