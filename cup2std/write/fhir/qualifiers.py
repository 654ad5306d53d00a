"""The SUPP-- qualifiers of each record of a domain, lined up with its rows once, as codes.

A SUPP-- record names its parent by RDOMAIN, USUBJID and IDVARVAL (the parent's --SEQ; empty
for subject-level qualifiers of DM). Looking them up per record needed an index of every
qualifier as Python dicts (about 0.6 GB at 100,000 patients), which each forked FHIR worker
then copied page by page as it read them. Here the join is done once per domain on whole
columns, and each QNAM becomes a column of small integer codes into its distinct QVAL texts,
in the order the records are built.

>>> parent = pd.DataFrame({"USUBJID": ["S-1", "S-1", "S-2"], "AESEQ": [1.0, 2.0, 1.0]})
>>> supp = pd.DataFrame({"RDOMAIN": ["AE", "AE", "AE"], "USUBJID": ["S-1", "S-2", "S-2"],
...                      "IDVARVAL": ["2", "1", "1"], "QNAM": ["AETRTEM", "AETRTEM", "AETRTEM"],
...                      "QVAL": ["Y", "N", "Y"]})
>>> Qualifiers(supp, "AE", parent).of(np.array([0, 1, 2]))
[{}, {'AETRTEM': 'Y'}, {'AETRTEM': 'Y'}]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cup2std.write.fhir.columns import code_type
from cup2std.write.fhir.datatypes import is_blank

# The key under which a record built for FHIR carries its qualifiers (QNAM -> QVAL).
QUALIFIERS = "_SUPP"


class Qualifiers:
    """QNAM -> QVAL of each row of ``frame`` (rows read in ``order``), from its SUPP-- frame.

    A qualifier given twice for one record keeps its last value, as an index filled in
    SUPP-- order would. Records without a SUPP-- frame have no qualifiers.
    """

    def __init__(self, supp: pd.DataFrame | None, domain: str, frame: pd.DataFrame,
                 order: np.ndarray | None = None):
        order = np.arange(len(frame)) if order is None else order
        self.columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if supp is None or supp.empty or "USUBJID" not in frame:
            return
        supp = supp[supp["RDOMAIN"].astype(object).to_numpy() == domain]
        if supp.empty:
            return
        seq = frame[f"{domain}SEQ"] if f"{domain}SEQ" in frame else None
        at_parent, at_supp = _joint_key(
            frame["USUBJID"].to_numpy(dtype=object)[order], _seq_texts(seq, len(frame))[order],
            supp["USUBJID"].to_numpy(dtype=object), _texts(supp["IDVARVAL"]))
        qnam_codes, qnams = pd.factorize(np.array(_texts(supp["QNAM"]), dtype=object))
        value_codes, values = pd.factorize(np.array(_texts(supp["QVAL"]), dtype=object))
        distinct = np.empty(len(values) + 1, dtype=object)
        distinct[:-1] = values
        distinct[-1] = None   # code -1: no such qualifier for the record
        for q in np.argsort(qnams.astype(str), kind="stable"):
            mine = np.flatnonzero(qnam_codes == q)
            keys = pd.Series(at_supp[mine])
            last = ~keys.duplicated(keep="last").to_numpy()   # the last value given wins
            where = pd.Index(keys[last].to_numpy()).get_indexer(at_parent)
            codes = np.where(where >= 0, value_codes[mine[last]][where], -1)
            self.columns[str(qnams[q])] = (codes.astype(code_type(len(distinct))), distinct)

    def attach(self, records: list[dict], rows: np.ndarray) -> list[dict]:
        """``records`` (the rows at ``rows``, in order), each given its qualifiers under
        ``QUALIFIERS``."""
        for rec, quals in zip(records, self.of(rows)):
            rec[QUALIFIERS] = quals
        return records

    def of(self, rows: np.ndarray) -> list[dict]:
        """The qualifiers of the rows (positions in build order), one dict per row."""
        if not self.columns:
            return [{} for _ in range(len(rows))]
        names = list(self.columns)
        values = [distinct[codes[rows]].tolist() for codes, distinct in self.columns.values()]
        return [{q: v for q, v in zip(names, row) if v is not None} for row in zip(*values)]


def _joint_key(parent_subject: np.ndarray, parent_id: np.ndarray, supp_subject: np.ndarray,
               supp_id: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One integer per (USUBJID, id) pair, the same on both sides (exact: no text joins)."""
    n_parent = len(parent_subject)
    subjects, _ = pd.factorize(np.concatenate([parent_subject, supp_subject]))
    ids, id_values = pd.factorize(np.concatenate([parent_id, np.array(supp_id, dtype=object)]))
    joint = subjects.astype(np.int64) * (len(id_values) + 1) + ids
    return joint[:n_parent], joint[n_parent:]


def _seq_texts(seq: pd.Series | None, n: int) -> np.ndarray:
    """--SEQ as IDVARVAL writes it ('3' for 3.0; '' when blank or without --SEQ)."""
    if seq is None:
        return np.full(n, "", dtype=object)
    codes, uniques = pd.factorize(seq.to_numpy(dtype=object), use_na_sentinel=True)
    texts = ["" if is_blank(u) else str(int(float(u))) for u in uniques]
    return np.array(texts + [""], dtype=object)[codes]


def _texts(values: pd.Series) -> list[str]:
    """Each value as text, '' for missing (worked out once per distinct value).

    >>> _texts(pd.Series(["a", None, "a", 2]))
    ['a', '', 'a', '2']
    """
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    texts = np.array(["" if is_blank(u) else str(u) for u in uniques] + [""], dtype=object)
    return texts[codes].tolist()
