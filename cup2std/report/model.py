"""What a report is made of: tables (display strings + the figures behind them) and skips.

>>> t = Table("t1", "Baseline", ["characteristic", "value"])
>>> t.add("Female", "10 (55.6)", value=10)
>>> t.rows, t.values
([['Female', '10 (55.6)']], {'Female': 10})
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    denominator: str = ""
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict, repr=False)

    def row(self, key: str) -> list[str]:
        """The printed row stored under ``key`` (a label or the key given to ``add``)."""
        return self.rows[self.index[key]]

    def add(self, label: str, *cells: str, value: Any = None, key: str | None = None) -> None:
        """Append a row; ``value`` (the figure behind it) is kept under ``key`` or the label."""
        self.index[key or label] = len(self.rows)
        self.rows.append([label, *cells])
        if value is not None:
            self.values[key or label] = value

    def skip(self, what: str, missing: list[str], why: str = "") -> None:
        """Record a row or column not computed, naming the missing variables."""
        because = why or f"missing {', '.join(missing)}"
        self.skipped.append(f"{what}: not computed ({because})")


@dataclass
class Skipped:
    key: str
    title: str
    reason: str


def rnd(x: float, places: int = 1) -> str:
    """Round half up (as in published tables), trailing '.0' kept only for percentages.

    >>> rnd(27.77777), rnd(5.55555), rnd(72.72727)
    ('27.8', '5.6', '72.7')
    """
    q = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def num(x: float) -> str:
    """A summary number: integer when whole, else one decimal.

    >>> num(67.0), num(75.5), num(7.25)
    ('67', '75.5', '7.3')
    """
    text = rnd(x, 1)
    return text[:-2] if text.endswith(".0") else text


def n_pct(n: int, total: int) -> str:
    """``n (pct)`` with one decimal, the way the paper prints it.

    >>> n_pct(10, 18), n_pct(18, 18), n_pct(0, 18)
    ('10 (55.6)', '18 (100.0)', '0')
    """
    if n == 0 or total == 0:
        return str(n)
    return f"{n} ({rnd(100.0 * n / total)})"


def median_range(values: pd.Series) -> str:
    """``median (min, max)``; '-' when nothing was collected.

    >>> median_range(pd.Series([47, 67, 78, 60]))
    '63.5 (47, 78)'
    """
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return "-"
    return f"{num(v.median())} ({num(v.min())}, {num(v.max())})"
