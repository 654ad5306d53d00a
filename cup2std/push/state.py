"""Resume journal of a push: which bundle files (by content hash) a server has accepted.

Kept beside the bundles in ``push-state.json`` and rewritten atomically after every accepted
bundle, so an interrupted push resumes where it stopped; a bundle whose content changed (a new
conversion) is sent again.

>>> j = PushJournal.__new__(PushJournal); j.data = {}; j.server = "http://x/fhir"
>>> j.mark("a.json", "h1"); j.done("a.json", "h1"), j.done("a.json", "h2")
(True, False)
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cup2std.write.atomic import write_json_atomic

STATE_FILE = "push-state.json"


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class PushJournal:
    def __init__(self, folder: Path, server: str, fresh: bool = False):
        self.path = folder / STATE_FILE
        self.server = server
        self.data: dict = {}
        if self.path.exists() and not fresh:
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                self.data = {}
        if fresh:
            self.data[server] = {}

    def done(self, name: str, digest: str) -> bool:
        return self.data.get(self.server, {}).get(name) == digest

    def mark(self, name: str, digest: str) -> None:
        self.data.setdefault(self.server, {})[name] = digest

    def save(self) -> None:
        write_json_atomic(self.path, self.data)
