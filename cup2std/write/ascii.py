"""ASCII for SAS XPORT v5: German letters transliterated, every change recorded.

>>> to_ascii("Universitätsklinikum Würzburg, Fuß")
'Universitaetsklinikum Wuerzburg, Fuss'
>>> to_ascii("café ≥ 3")
'cafe >= 3'
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from cup2std.write.text import is_printable_ascii, text_list


# German transliteration (DIN 5007-2 style) first; then common typography; then accents stripped.
_TABLE = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
    "≥": ">=", "≤": "<=", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
    "…": "...", "µ": "u", "°": " deg", "×": "x", "\u00a0": " ",
})


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def to_ascii(text: str) -> str:
    r"""Transliterate to printable ASCII; control characters (tabs, line breaks) become one
    blank, characters with no ASCII form '?'.

    >>> to_ascii("Zeile 1\nZeile\t2")
    'Zeile 1 Zeile 2'
    """
    if text.isascii() and text.isprintable():
        return text
    text = _CONTROL.sub(" ", text)
    out = unicodedata.normalize("NFKD", text.translate(_TABLE))
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.encode("ascii", "replace").decode("ascii")


_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def ascii_frame(df: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, list[dict]]:
    """Printable-ASCII copy of the text columns and the list of changes (dataset, variable,
    record, from, to).

    >>> out, changes = ascii_frame(pd.DataFrame({"USUBJID": ["S-1"], "AETERM": ["Übelkeit"]}), "AE")
    >>> out["AETERM"].tolist(), changes[0]["to"]
    (['Uebelkeit'], 'Uebelkeit')
    """
    # A shallow copy (copy-on-write): a deep one would first consolidate every text column.
    out = df.copy(deep=False)
    changes: list[dict] = []
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]):
            continue
        texts = text_list(out[col])
        # Most columns are clean: one check over the joined text settles them.
        if is_printable_ascii(texts):
            continue
        rows, new = _transliterated(texts)
        if not len(rows):
            continue
        index = out.index[rows]
        subjects = (out["USUBJID"].to_numpy(dtype=object)[rows] if "USUBJID" in out
                    else [""] * len(rows))
        for idx, pos, subject, to in zip(index, rows, subjects, new):
            changes.append({"dataset": dataset, "variable": col, "record": int(idx) + 1,
                            "usubjid": str(subject), "from": texts[pos], "to": to})
        fixed = out[col].to_numpy(dtype=object).copy()
        fixed[rows] = new
        out[col] = pd.Series(fixed, index=out.index, dtype=out[col].dtype)
    return out, changes


def _transliterated(texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """Positions of the texts that are not printable ASCII and their ASCII forms, worked out
    once per distinct text."""
    codes, uniques = pd.factorize(np.array(texts, dtype=object))
    dirty = np.array([bool(_NOT_PRINTABLE_ASCII.search(u)) for u in uniques], dtype=bool)
    rows = np.flatnonzero(dirty[codes])
    ascii_of = {int(i): to_ascii(uniques[i]) for i in np.flatnonzero(dirty)}
    return rows, [ascii_of[int(c)] for c in codes[rows]]
