"""Giving freed memory back to the operating system between stages.

Mapping and validation create many short-lived objects. Once they are freed, glibc's allocator
keeps the freed space for reuse, so the process's resident memory stays at its high-water mark:
at 100,000 patients, about 1 GB of the 2.8 GB resident after mapping was free space that
``malloc_trim`` returned. Elsewhere (no glibc), this does nothing.

>>> release_free_memory() in (True, False)
True
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def release_free_memory() -> bool:
    """Return the allocator's free space to the system (glibc ``malloc_trim``); True if it did."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.malloc_trim(0))
