"""XPT v5: ASCII transliteration, long text into SUPP--, limits, atomic writes, independent read-back."""
import os

import pandas as pd
import pyreadstat
import pytest

from cup2std.write.ascii import ascii_frame, to_ascii
from cup2std.write.xpt import check_dataset, prepare_dataset, split_long_text, write_xpt


@pytest.mark.parametrize("text, ascii_text", [
    ("Hüftfraktur", "Hueftfraktur"), ("Ödeme", "Oedeme"), ("Fuß", "Fuss"),
    ("Anämie", "Anaemie"), ("Crème", "Creme"), ("ok", "ok"), ("≥ 3", ">= 3"), ("漢", "?"),
])
def test_to_ascii(text, ascii_text):
    assert to_ascii(text) == ascii_text


def test_every_transliteration_is_recorded():
    df = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AETERM": ["Schwindel", "Rückenschmerzen"]})
    out, changes = ascii_frame(df, "AE")
    assert out["AETERM"].tolist() == ["Schwindel", "Rueckenschmerzen"]
    assert changes == [{"dataset": "AE", "variable": "AETERM", "record": 2, "usubjid": "S-2",
                        "from": "Rückenschmerzen", "to": "Rueckenschmerzen"}]


def ae_frame(term: str) -> pd.DataFrame:
    return pd.DataFrame({"STUDYID": ["S"], "DOMAIN": ["AE"], "USUBJID": ["S-1"], "AESEQ": [1.0],
                         "AETERM": [term], "AEDECOD": ["Pain"]})


def test_text_past_200_moves_to_supp_in_200_character_pieces():
    term = ("sehr lange Beschreibung " * 20).strip()  # 479 characters
    frames = {"AE": ae_frame(term)}
    notes = split_long_text(frames)
    kept = frames["AE"].at[0, "AETERM"]
    supp = frames["SUPPAE"]
    assert len(kept) <= 200 and supp["QNAM"].tolist() == ["AETERM1", "AETERM2"]
    assert kept + "".join(supp["QVAL"]) == term
    assert (supp["IDVAR"].tolist(), supp["IDVARVAL"].tolist()) == (["AESEQ"] * 2, ["1"] * 2)
    assert notes[0]["split_into"] == 3


def test_limits_are_checked():
    ds, _ = prepare_dataset("AE", ae_frame("x" * 201))
    assert any("longer than 200 bytes" in p for p in check_dataset(ds))
    ds, _ = prepare_dataset("AE", ae_frame("fine"))
    assert check_dataset(ds) == []


def test_round_trip_with_two_independent_readers(tmp_path):
    df = ae_frame("Übelkeit")
    df["AESTDY"] = [-3.0]
    ds, _ = prepare_dataset("AE", df)
    path = write_xpt(ds, tmp_path)
    assert path.name == "ae.xpt"
    back, meta = pyreadstat.read_xport(str(path))
    assert back["AETERM"].tolist() == ["Uebelkeit"] and back["AESTDY"].tolist() == [-3.0]
    assert meta.column_names_to_labels["AETERM"] == "Reported Term for the Adverse Event"
    assert meta.file_label == "Adverse Events" and meta.table_name == "AE"
    sas = pd.read_sas(path, format="xport", encoding="ascii")
    assert sas["AETERM"].tolist() == ["Uebelkeit"] and sas["AESEQ"].tolist() == [1.0]


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    ds, _ = prepare_dataset("AE", ae_frame("x"))

    def boom(path, *a, **k):
        open(path, "wb").write(b"HEADER RECORD*******half")
        raise OSError("disk full")
    monkeypatch.setattr("cup2std.write.xpt.write_xport5", boom)
    with pytest.raises(OSError):
        write_xpt(ds, tmp_path)
    assert os.listdir(tmp_path) == []
