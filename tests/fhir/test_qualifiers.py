"""SUPP-- qualifiers lined up with their parent records (cup2std/write/fhir/qualifiers.py).

The oracle is the plain per-record lookup the writer used before: a dict keyed by
(RDOMAIN, USUBJID, IDVARVAL) filled in SUPP-- order, read with the parent's --SEQ as text.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cup2std.write.fhir.qualifiers import Qualifiers


def _lookup(supp: pd.DataFrame, domain: str, parent: pd.DataFrame) -> list[dict]:
    index: dict = {}
    for rec in supp.to_dict("records"):
        idval = "" if pd.isna(rec["IDVARVAL"]) else str(rec["IDVARVAL"])
        index.setdefault((rec["RDOMAIN"], rec["USUBJID"], idval), {})[rec["QNAM"]] = rec["QVAL"]
    out = []
    for rec in parent.to_dict("records"):
        seq = rec.get(f"{domain}SEQ")
        idval = "" if seq is None or pd.isna(seq) else str(int(float(seq)))
        out.append(index.get((domain, rec["USUBJID"], idval), {}))
    return out


def _supp(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["RDOMAIN", "USUBJID", "IDVARVAL", "QNAM", "QVAL"])


def test_parts_of_the_key_are_not_run_together():
    """("S-1", 12) and ("S-11", 2) would be one key if the parts were joined as text."""
    parent = pd.DataFrame({"USUBJID": ["S-1", "S-11"], "AESEQ": [12.0, 2.0]})
    supp = _supp([("AE", "S-11", "2", "AETRTEM", "Y")])
    assert Qualifiers(supp, "AE", parent).of(np.array([0, 1])) == [{}, {"AETRTEM": "Y"}]


def test_last_value_given_wins_and_other_domains_are_ignored():
    parent = pd.DataFrame({"USUBJID": ["S-1"], "CMSEQ": [3.0]})
    supp = _supp([("CM", "S-1", "3", "CMREAS", "first"), ("AE", "S-1", "3", "CMREAS", "x"),
                  ("CM", "S-1", "3", "CMREAS", "second"), ("CM", "S-1", "3", "CMX", "")])
    assert Qualifiers(supp, "CM", parent).of(np.array([0])) == [{"CMREAS": "second", "CMX": ""}]


def test_subject_level_qualifiers_of_dm_and_rows_read_in_order():
    dm = pd.DataFrame({"USUBJID": ["B", "A"]})
    supp = _supp([("DM", "A", None, "SITENAME", "Mainz"), ("DM", "B", "", "SITENAME", "Ulm")])
    quals = Qualifiers(supp, "DM", dm, order=np.array([1, 0]))
    assert quals.of(np.array([0, 1])) == [{"SITENAME": "Mainz"}, {"SITENAME": "Ulm"}]
    assert quals.of(np.array([1])) == [{"SITENAME": "Ulm"}]


def test_no_supp_frame_means_no_qualifiers():
    parent = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AESEQ": [1.0, 1.0]})
    assert Qualifiers(None, "AE", parent).of(np.array([0, 1])) == [{}, {}]
    assert Qualifiers(_supp([]), "AE", parent).of(np.array([1])) == [{}]


subjects = st.sampled_from(["S-1", "S-11", "S-2", "1", "11"])
seqs = st.one_of(st.just(float("nan")), st.integers(1, 12).map(float))


@settings(max_examples=150, deadline=None)
@given(parent=st.lists(st.tuples(subjects, seqs), min_size=1, max_size=12),
       supp=st.lists(st.tuples(st.sampled_from(["AE", "CM"]), subjects,
                               st.sampled_from(["", "1", "2", "12", None]),
                               st.sampled_from(["Q1", "Q2"]), st.sampled_from(["Y", "N", ""])),
                     max_size=25))
def test_same_as_a_lookup_per_record(parent, supp):
    parent_frame = pd.DataFrame(parent, columns=["USUBJID", "AESEQ"])
    supp_frame = _supp(supp)
    got = Qualifiers(supp_frame, "AE", parent_frame).of(np.arange(len(parent_frame)))
    assert got == _lookup(supp_frame, "AE", parent_frame)
