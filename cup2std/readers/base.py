"""What every reader returns: source forms as frames of text with provenance.

Each form is a DataFrame of ``str`` cells (empty string = not collected) plus ``_SRC_ROW``,
the row as a spreadsheet shows it (header = row 1, first record = row 2). The file each form
came from is in ``SourceData.files``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SRC_ROW = "_SRC_ROW"
SRC_FORM = "_SRC_FORM"


@dataclass
class SourceData:
    """Forms read from one source: frames, the file of each, and what was missing."""

    forms: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    missing_forms: list[str] = field(default_factory=list)
    # Findings a reader makes about values (e.g. ODM values that do not fit their ItemDef).
    findings: list = field(default_factory=list)

    def rows_read(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.forms.items()}


def tidy_text_frame(df: pd.DataFrame, first_row: int = 2) -> pd.DataFrame:
    """Strip cells, make empties '', number rows for provenance.

    >>> tidy_text_frame(pd.DataFrame({"a": [" x ", None]}))[["a", "_SRC_ROW"]].values.tolist()
    [['x', 2], ['', 3]]
    """
    columns = {}
    for name in df.columns:
        columns[str(name).strip()] = _clean_cells(df[name].to_numpy(dtype=object))
    out = pd.DataFrame(columns)
    out[SRC_ROW] = range(first_row, first_row + len(df))
    return out


def text_frame(header: list[str], cells: np.ndarray, first_row: int = 2) -> pd.DataFrame:
    """The frame ``tidy_text_frame`` makes, from cells that are already stripped str.

    >>> text_frame([" a "], np.array([["x"]], dtype=object)).values.tolist()
    [['x', 2]]
    """
    columns = {str(name).strip(): cells[:, j].copy() for j, name in enumerate(header)}
    out = pd.DataFrame(columns)
    out[SRC_ROW] = range(first_row, first_row + len(cells))
    return out


def shared(cells, seen: dict | None = None) -> list[str]:
    """The cells with equal values as one str object each (``seen``: the objects kept so
    far, to share them across calls).

    Registry columns repeat (drug names, units, dates, codes): one object per distinct value
    instead of one per cell saves most of the memory the source and the hub (which keeps
    the same objects) take, and makes later hashing and comparing of these values cheaper.

    >>> cells = ["".join(["a", "b"]), "".join(["a", "b"])]
    >>> cells[0] is cells[1], (lambda a, b: a is b)(*shared(cells))
    (False, True)
    """
    cells = list(cells)
    seen = {} if seen is None else seen
    return list(map(seen.setdefault, cells, cells))  # a C loop, no Python per cell


def _clean_cells(values: np.ndarray) -> np.ndarray:
    """Cells as stripped str ('' for missing), kept as an object array (fast to build and
    to iterate; pandas' string dtype would convert every cell again)."""
    try:
        cells = shared(v.strip() for v in values)  # CSV cells are all str
    except AttributeError:
        cells = shared(v.strip() if isinstance(v, str) else
                       ("" if v is None or (isinstance(v, float) and v != v) else str(v).strip())
                       for v in values)
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    return out
