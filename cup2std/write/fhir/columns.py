"""A dataset's columns in a form forked workers can read without copying the parent's memory.

A forked process shares the parent's pages until it writes to them, and reading a Python
object writes to it (its reference count). Records built from an object column touch every
cell's object, so each FHIR worker copied the pages holding the objects it read (at 10,000
patients the process tree's PSS went from 2.41 to 2.07 GiB with this module). Here text is kept as
integer codes into the column's distinct values and numbers as numpy arrays (numbers that take
few values, as codes too; integers in their narrowest type): building a partition's records
touches only the distinct values it uses.

>>> cols = Columns(pd.DataFrame({"A": ["x", None, "x"], "N": [1.0, float("nan"), 3.0]}))
>>> cols.records(np.array([2, 1]))
[{'A': 'x', 'N': 3.0}, {'A': nan, 'N': nan}]
>>> Columns(pd.DataFrame({"A": ["x", "y"]}), np.array([1, 0])).records(np.array([0]))
[{'A': 'y'}]
>>> cols.key_rows(np.array([0, 1]), ("A", "N", "B"), lambda v: "" if pd.isna(v) else str(v))
[('x', '1.0', ''), ('', '', '')]
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def _narrowest(values: np.ndarray) -> np.ndarray:
    """Integers in the smallest type that holds them all (read back as the same ints).

    >>> _narrowest(np.array([1, 70_000])).dtype, _narrowest(np.array([], dtype=np.int64)).dtype
    (dtype('int32'), dtype('int8'))
    """
    if values.dtype.kind != "i":
        return values
    low, high = (int(values.min()), int(values.max())) if len(values) else (0, 0)
    for kind in (np.int8, np.int16, np.int32):
        info = np.iinfo(kind)
        if info.min <= low and high <= info.max:
            return values.astype(kind)
    return values


def code_type(n: int):
    """The smallest signed integer type for codes -1 .. n - 1."""
    return np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32


class Columns:
    """``records(rows)`` and ``key_rows(rows, variables, text)`` of a frame, by row position."""

    def __init__(self, frame: pd.DataFrame, order: np.ndarray | None = None):
        """``order``: row positions of ``frame`` in the order the rows are to be read."""
        self.names = list(frame.columns)
        self.length = len(frame)
        order = np.arange(len(frame)) if order is None else order
        self.numbers: dict[str, np.ndarray] = {}
        self.codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in self.names:
            col = frame[name]
            if col.dtype.kind in "iub":
                self.numbers[name] = _narrowest(col.to_numpy())[order]
                continue
            if col.dtype.kind == "f":
                values = col.to_numpy()
                codes, uniques = pd.factorize(values, use_na_sentinel=True)
                # factorize takes -0.0 for 0.0: such a column is kept as it is
                if len(uniques) >= 32_767 or (np.signbit(values) & (values == 0)).any():
                    self.numbers[name] = values[order]
                    continue
                # most numbers (--SEQ, doses, study days, visits) take few values
                distinct = np.append(uniques, np.nan)
                self.codes[name] = (codes[order].astype(code_type(len(distinct))), distinct)
                continue
            values = col.astype(object).to_numpy()
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            distinct = np.empty(len(uniques) + 1, dtype=object)
            distinct[:-1] = uniques
            missing = np.flatnonzero(codes < 0)
            # code -1 takes the last slot: the column's own missing value (None or NaN)
            distinct[-1] = values[missing[0]] if len(missing) else None
            self.codes[name] = (codes[order].astype(code_type(len(distinct))), distinct)

    def __len__(self) -> int:
        return self.length

    def __contains__(self, name: str) -> bool:
        return name in self.numbers or name in self.codes

    def column(self, name: str, rows: np.ndarray) -> list:
        if name in self.numbers:
            return self.numbers[name][rows].tolist()
        codes, distinct = self.codes[name]
        return distinct[codes[rows]].tolist()

    def records(self, rows: np.ndarray) -> list[dict]:
        """Rows as plain dicts (column order kept)."""
        values = [self.column(name, rows) for name in self.names]
        return [dict(zip(self.names, row)) for row in zip(*values)]

    def key_rows(self, rows: np.ndarray, variables: tuple, text) -> list[tuple]:
        """``text`` of each key variable's value per row, once per distinct value ('' when
        the variable is absent)."""
        columns = []
        for v in variables:
            if v in self.codes:
                codes, distinct = self.codes[v]
                # only the values these rows use: the column's distinct values (100,000
                # USUBJIDs, say) once per partition would make the stage quadratic in N
                used, at = np.unique(codes[rows], return_inverse=True)
                texts = np.array([text(u) for u in distinct[used].tolist()], dtype=object)
                columns.append(texts[at.reshape(-1)].tolist())
            elif v in self.numbers:
                codes, uniques = pd.factorize(self.numbers[v][rows], use_na_sentinel=True)
                texts = np.array([text(u) for u in uniques.tolist()] + [text(np.nan)],
                                 dtype=object)
                columns.append(texts[codes].tolist())
            else:
                columns.append([""] * len(rows))
        return list(zip(*columns))
