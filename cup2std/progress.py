"""Progress bars with an estimate of the time left, for the long stages of a run.

Off unless :func:`enable` is called (the CLI does, unless ``--quiet``). On a terminal the bar
is redrawn in place; otherwise a line is written at every tenth of the work.

>>> bar = Bar("FHIR", 4)           # disabled: does nothing
>>> bar.update(2); bar.done()
"""
from __future__ import annotations

import sys
import time

_STREAM = None


def enable(stream=None) -> None:
    """Show bars on ``stream`` (default: standard error as it is when a bar starts)."""
    global _STREAM
    _STREAM = stream or "stderr"


def disable() -> None:
    global _STREAM
    _STREAM = None


def eta_text(seconds: float) -> str:
    """'1 min 05 s' / '12 s'.

    >>> eta_text(65), eta_text(12.4)
    ('1 min 05 s', '12 s')
    """
    s = int(round(seconds))
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


class Bar:
    """``Bar(label, total)``; ``update(done)`` with the units done so far; ``done()``."""

    def __init__(self, label: str, total: int, unit: str = "subjects"):
        self.label, self.total, self.unit = label, max(total, 1), unit
        self.start = time.perf_counter()
        self.stream = sys.stderr if _STREAM == "stderr" else _STREAM
        try:
            self.tty = bool(self.stream and self.stream.isatty())
        except (ValueError, AttributeError):
            self.stream, self.tty = None, False
        self.shown = -1

    def update(self, done: int) -> None:
        if not self.stream:
            return
        frac = min(done / self.total, 1.0)
        tenth = int(frac * 10)
        if not self.tty and tenth == self.shown:
            return
        self.shown = tenth
        spent = time.perf_counter() - self.start
        left = spent / frac * (1 - frac) if frac > 0 else 0.0
        bar = "#" * int(frac * 30)
        text = (f"  {self.label} [{bar:<30}] {done}/{self.total} {self.unit}, "
                f"{eta_text(spent)} spent, about {eta_text(left)} left")
        self.stream.write(("\r" + text) if self.tty else text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.stream and self.tty:
            self.stream.write("\n")
            self.stream.flush()
