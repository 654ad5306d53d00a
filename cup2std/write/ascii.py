"""ASCII for SAS XPORT v5: German letters transliterated, every change recorded.

>>> to_ascii("Universitätsklinikum Würzburg, Fuß")
'Universitaetsklinikum Wuerzburg, Fuss'
>>> to_ascii("café ≥ 3")
'cafe >= 3'
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd


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
    record, from, to)."""
    out = df.copy()
    changes: list[dict] = []
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]):
            continue
        vals = out[col].fillna("").astype(str)
        # Most columns are clean: one check over the joined text settles them.
        joined = "".join(vals.tolist())
        if joined.isascii() and not _NOT_PRINTABLE_ASCII.search(joined):
            continue
        non_ascii = vals.str.contains(_NOT_PRINTABLE_ASCII, regex=True)
        if not non_ascii.any():
            continue
        new = vals[non_ascii].map(to_ascii)
        for idx in new.index:
            changes.append({"dataset": dataset, "variable": col, "record": int(idx) + 1,
                            "usubjid": str(out.at[idx, "USUBJID"]) if "USUBJID" in out else "",
                            "from": vals[idx], "to": new[idx]})
        out.loc[new.index, col] = new
    return out, changes
