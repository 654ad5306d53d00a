"""Shared fixtures: the bundled sample, its mapping, and one conversion of it per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so CI is a stable gate; widen the search
# locally with HYPOTHESIS_PROFILE=explore (random examples).
settings.register_profile("stable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "stable"))

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "isa_cup"
MAPPING = ROOT / "mappings" / "cup_registry.yaml"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def mapping_path() -> Path:
    return MAPPING


@pytest.fixture(scope="session")
def converted(tmp_path_factory):
    """The sample converted once with the reference mapping (read-only for tests)."""
    from cup2std.api import convert

    out = tmp_path_factory.mktemp("sample-out")
    return convert(SAMPLE, MAPPING, out)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the sample export, for tests that plant defects."""
    dst = tmp_path / "export"
    shutil.copytree(SAMPLE, dst, ignore=shutil.ignore_patterns("*.md"))
    return dst
