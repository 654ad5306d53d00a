"""Errors that stop a run. Bad *data* never raises: it becomes a finding or a reject.

Only a bad mapping spec (SpecError), unusable input (SourceError) or bad usage (UsageError)
raise; the CLI turns each into exit code 2 with its message and no traceback.
"""
from __future__ import annotations


class Cup2StdError(Exception):
    """Base class: the message is complete (where, what, fix) and safe to print."""

    exit_code = 2


class SpecError(Cup2StdError):
    """The mapping file is wrong. Carries file, line and key path."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 key: str | None = None):
        self.file, self.line, self.key = file, line, key
        where = ":".join(str(p) for p in (file, line) if p is not None)
        prefix = f"{where}: " if where else ""
        keypart = f"[{key}] " if key else ""
        super().__init__(f"{prefix}{keypart}{message}")


class SourceError(Cup2StdError):
    """An input file cannot be read at all (encoding, structure). Names file and row."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.file, self.row, self.column = file, row, column
        parts = [p for p in (file, f"row {row}" if row else None,
                             f"column {column}" if column else None) if p]
        prefix = f"{', '.join(parts)}: " if parts else ""
        super().__init__(prefix + message)


class UsageError(Cup2StdError):
    """The command was called wrongly (missing path, bad option)."""
