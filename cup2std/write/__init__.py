"""Writers of the outputs, all from the hub.

``OUTPUT_WRITERS`` is the plug-in list that ``convert`` runs after the SDTM package: each entry
is ``(name, writer)`` with ``writer(hub, staging: Path, datasets: dict, ledger) -> dict``,
writing below ``staging`` (which is published into OUT atomically file by file). A writer
module registers itself with :func:`register_writer`; it is imported in ``_load_plugins``.
"""
from __future__ import annotations

from typing import Callable

OUTPUT_WRITERS: list[tuple[str, Callable]] = []


def register_writer(name: str):
    def wrap(fn):
        if name not in [n for n, _ in OUTPUT_WRITERS]:
            OUTPUT_WRITERS.append((name, fn))
        return fn
    return wrap


def load_plugins() -> list[tuple[str, Callable]]:
    """Import the writer modules (each registers itself) and return the writers in order."""
    # One import line per output kind, e.g. ``from cup2std.write import fhir  # noqa: F401``.
    from cup2std.write import define  # noqa: F401
    from cup2std.write import fhir  # noqa: F401
    return OUTPUT_WRITERS
