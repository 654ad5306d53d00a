"""ASCII for SAS XPORT v5: German letters transliterated, every change recorded.

>>> to_ascii("Universitätsklinikum Würzburg, Fuß")
'Universitaetsklinikum Wuerzburg, Fuss'
>>> to_ascii("café ≥ 3")
'cafe >= 3'
"""
from __future__ import annotations

import unicodedata

import pandas as pd

# German transliteration (DIN 5007-2 style) first; then common typography; then accents stripped.
_TABLE = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
    "≥": ">=", "≤": "<=", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
    "…": "...", "µ": "u", "°": " deg", "×": "x", "\u00a0": " ",
})


def to_ascii(text: str) -> str:
    """Transliterate to ASCII; characters with no ASCII form become '?'."""
    if text.isascii():
        return text
    out = unicodedata.normalize("NFKD", text.translate(_TABLE))
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.encode("ascii", "replace").decode("ascii")


def ascii_frame(df: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, list[dict]]:
    """ASCII copy of the text columns and the list of changes (dataset, variable, row, from, to)."""
    out = df.copy()
    changes: list[dict] = []
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]):
            continue
        vals = out[col].fillna("").astype(str)
        non_ascii = ~vals.map(str.isascii)
        if not non_ascii.any():
            continue
        new = vals[non_ascii].map(to_ascii)
        for idx in new.index:
            changes.append({"dataset": dataset, "variable": col, "record": int(idx) + 1,
                            "usubjid": str(out.at[idx, "USUBJID"]) if "USUBJID" in out else "",
                            "from": vals[idx], "to": new[idx]})
        out.loc[new.index, col] = new
    return out, changes
