"""Fixtures: the sample converted once, the Node validator and the Medplum test FHIR server.

The Node parts need ``node`` and ``npm``: the first test that needs them runs ``npm ci`` in
tests/fhir_server (pinned by its package-lock.json) if node_modules is missing. Without Node
those tests are skipped with the reason; a failed install fails them.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_DIR = ROOT / "tests" / "fhir_server"


def node_missing() -> str:
    """'' when the Node parts can run (installing them if needed), else why not."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm are not installed (Node >= 20 runs the FHIR validator and test server)"
    if not (SERVER_DIR / "node_modules" / "@medplum" / "fhir-router").is_dir():
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                              cwd=SERVER_DIR, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            pytest.fail(f"npm ci in tests/fhir_server failed:\n{proc.stderr[-2000:]}")
    return ""


@pytest.fixture(scope="session")
def converted(tmp_path_factory):
    from cup2std.api import convert
    out = tmp_path_factory.mktemp("fhir-out")
    result = convert(ROOT / "samples" / "isa_cup", mapping=ROOT / "mappings" / "cup_registry.yaml",
                     out=out)
    return result


@pytest.fixture(scope="session")
def hub(converted):
    return converted.hub


def read_ndjson(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def node_validate():
    reason = node_missing()
    if reason:
        pytest.skip(reason)

    def run(*files) -> tuple[int, list[dict]]:
        proc = subprocess.run(["node", str(SERVER_DIR / "validate.js"), *map(str, files)],
                              capture_output=True, text=True, timeout=300)
        lines = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
        return proc.returncode, lines
    return run


@pytest.fixture()
def fhir_server():
    """A fresh Medplum in-memory FHIR server; yields its base URL."""
    reason = node_missing()
    if reason:
        pytest.skip(reason)
    proc = subprocess.Popen(["node", str(SERVER_DIR / "server.js"), "0"], cwd=SERVER_DIR,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("listening"):
            pytest.fail(f"test FHIR server did not start: {line} {proc.stderr.read()}")
        yield f"http://127.0.0.1:{int(line.split()[1])}/fhir"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
