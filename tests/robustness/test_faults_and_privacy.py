"""Interrupted runs, random bytes, patient data kept out of logs, pseudonymised ids."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cup2std.cli import main
from cup2std.errors import SourceError
from cup2std.readers.csv_reader import read_csv_form
from cup2std.spec.model import SourceSpec

SECRET = "GEHEIM-Patientin-Mustermann"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash_the_reader(data, tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"patient_id,x\n" + data)
    try:
        df = read_csv_form(p, SourceSpec())
    except SourceError as exc:
        assert "f.csv" in str(exc)
    else:
        assert list(df.columns)[:2] == ["patient_id", "x"]


def _read_all(out: Path) -> dict:
    """Outputs that must match between runs (XPT headers carry a creation time)."""
    got = {}
    for p in sorted((out / "sdtm").glob("*.xpt")):
        # NaN-safe comparison: missing numbers as None
        df = pyreadstat.read_xport(str(p))[0]
        got[p.name] = df.astype(object).where(df.notna(), None).to_dict("list")
    for p in sorted((out / "fhir").rglob("*.*")):
        if p.name != "push-state.json":
            got[str(p.relative_to(out))] = p.read_bytes()
    return got


def test_killed_run_leaves_no_complete_looking_output_and_rerun_matches(sample_dir, mapping_path,
                                                                         tmp_path):
    clean = tmp_path / "clean"
    assert main(["convert", str(sample_dir), "-m", str(mapping_path), "-o", str(clean), "-q"]) == 0
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "cup2std", "convert", str(sample_dir), "-m", str(mapping_path),
           "-o", str(out), "-q"]
    killed_midway = False
    for delay in (1.2, 1.8, 2.4, 3.0):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed_midway = not (out / "conversion-log.json").exists()
            if killed_midway:
                break
    if killed_midway:
        # No log means incomplete; whatever XPT is there is complete (written atomically).
        for p in (out / "sdtm").glob("*.xpt") if (out / "sdtm").exists() else []:
            pyreadstat.read_xport(str(p))
    assert main(["convert", str(sample_dir), "-m", str(mapping_path), "-o", str(out), "-q"]) == 0
    assert _read_all(out) == _read_all(clean)
    assert not list(out.rglob(".cup2std-staging*"))


def test_source_values_stay_out_of_the_terminal(sample_copy, mapping_path, tmp_path, capsys):
    p = sample_copy / "adverse_events.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[0, "outcome"] = SECRET          # not in the value map
    df.loc[1, "start_date"] = SECRET       # not a date
    df.loc[2, "grade"] = SECRET
    df.to_csv(p, index=False)
    pts = sample_copy / "patients.csv"
    dfp = pd.read_csv(pts, dtype=str, keep_default_na=False)
    dfp.loc[0, "age"] = SECRET
    dfp.to_csv(pts, index=False)
    out = tmp_path / "out"
    code = main(["convert", str(sample_copy), "-m", str(mapping_path), "-o", str(out)])
    printed = capsys.readouterr()
    assert code == 1
    assert SECRET not in printed.out + printed.err
    findings = json.loads((out / "findings.json").read_text())
    assert any(f["value"] == SECRET for f in findings)       # the report file has it
    assert all(SECRET not in f["message"] for f in findings)


def test_pseudonymised_ids_everywhere_and_stable(sample_dir, mapping_path, tmp_path, monkeypatch,
                                                 capsys):
    monkeypatch.setenv("CUP2STD_PSEUDONYM_KEY", "k" * 24)
    outs = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        assert main(["convert", str(sample_dir), "-m", str(mapping_path), "-o", str(out), "-q",
                     "--pseudonymise"]) == 0
        outs.append(out)
    raw = pd.read_csv(sample_dir / "patients.csv", dtype=str)["patient_id"].tolist()
    for p in outs[0].rglob("*"):
        if p.is_file() and p.suffix in (".xpt", ".json", ".ndjson", ".xml", ".html"):
            text = p.read_bytes()
            assert not any(r.encode() in text for r in raw), p
    dm = pyreadstat.read_xport(str(outs[0] / "sdtm" / "dm.xpt"))[0]
    ae = pyreadstat.read_xport(str(outs[0] / "sdtm" / "ae.xpt"))[0]
    assert dm["SUBJID"].str.fullmatch(r"P-[0-9A-F]{12}").all()
    assert set(ae["USUBJID"]) <= set(dm["USUBJID"])
    patients = [json.loads(x) for x in (outs[0] / "fhir" / "Patient.ndjson").read_text().splitlines()]
    fhir_ids = {i["value"] for p in patients for i in p["identifier"]}
    assert set(dm["USUBJID"]) <= fhir_ids
    assert _read_all(outs[0]) == _read_all(outs[1])  # same key, same pseudonyms


def test_pseudonymise_without_key_is_a_usage_error(sample_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CUP2STD_PSEUDONYM_KEY", raising=False)
    code = main(["convert", str(sample_dir), "-o", str(tmp_path / "o"), "--pseudonymise"])
    assert code == 2 and "CUP2STD_PSEUDONYM_KEY" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
