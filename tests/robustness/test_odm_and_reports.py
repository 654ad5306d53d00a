"""Random bytes in an ODM file never crash the reader; formula-like text cannot run in a CSV."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cup2std.cli import main
from cup2std.errors import SourceError
from cup2std.readers import read_source
from cup2std.spec import load_mapping

ROOT = Path(__file__).resolve().parents[2]
ODM = (ROOT / "samples" / "odm_isa" / "isa_cup_odm.xml").read_bytes()
ODM_SPEC = load_mapping(ROOT / "mappings" / "odm_isa.yaml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 30000), noise=st.binary(max_size=64))
def test_random_bytes_in_odm_give_data_or_a_clean_refusal(cut, noise, tmp_path):
    """Splice random bytes into the sample ODM (early in the file, where the metadata is)."""
    p = tmp_path / "x.xml"
    p.write_bytes(ODM[:cut] + noise + ODM[cut + len(noise):cut + 40000])
    try:
        data = read_source(p, ODM_SPEC.source)
    except SourceError as exc:
        assert "x.xml" in str(exc)
    else:
        assert isinstance(data.forms, dict)


def test_formula_text_lands_inert_in_report_csv(sample_copy, mapping_path, tmp_path):
    p = sample_copy / "adverse_events.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    teae = df.index[df["ctcae_term"] == "Ascites"][0]
    df.loc[teae, "ctcae_term"] = '=HYPERLINK("http://evil.example","x")'
    df.loc[teae, "meddra_code"] = ""
    df.to_csv(p, index=False)
    out = tmp_path / "out"
    assert main(["convert", str(sample_copy), "-m", str(mapping_path), "-o", str(out), "-q"]) == 0
    rep = tmp_path / "report"
    assert main(["report", str(out / "sdtm"), "--out", str(rep), "--spec",
                 str(ROOT / "mappings" / "cup_registry.report.yaml")]) == 0
    cells = [c for f in rep.glob("*.csv") for row in csv.reader(f.open(encoding="utf-8-sig"))
             for c in row]
    hits = [c for c in cells if "HYPERLINK" in c]
    assert hits and all(c.startswith("'=") for c in hits)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_undeclared_vendor_prefix_gives_data_or_a_clean_refusal(tmp_path):
    """Random bytes once broke a namespace declaration and lxml's QName raised ValueError."""
    text = ODM.decode("utf-8").replace(
        'xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1"', 'xmlns:Open="x"', 1)
    p = tmp_path / "x.xml"
    p.write_text(text, encoding="utf-8")
    try:
        read_source(p, ODM_SPEC.source)
    except SourceError as exc:
        assert "x.xml" in str(exc)


def test_damaged_root_namespace_is_a_clean_refusal(tmp_path):
    """Found by the random-bytes property: a '}' inside the root's namespace URI."""
    p = tmp_path / "x.xml"
    p.write_bytes(ODM[:51] + b"}" + ODM[52:])
    try:
        read_source(p, ODM_SPEC.source)
    except SourceError as exc:
        assert "x.xml" in str(exc)
