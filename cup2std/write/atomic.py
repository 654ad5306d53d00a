"""Atomic file writes: a reader sees the old file or the complete new one, never half."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write to a temp file in the same folder, fsync, rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_json_atomic(path: Path, obj) -> Path:
    """JSON with sorted keys and a final newline, so equal content gives equal bytes."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    return write_bytes_atomic(path, text.encode("utf-8"))
