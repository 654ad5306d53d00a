"""Shared fixtures: the clean sample as validation frames (hub, with provenance)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from cup2std.api import validation_frames
from cup2std.engine.hub import build_hub
from cup2std.readers import read_source
from cup2std.spec import load_mapping
from cup2std.validate.runner import hub_context

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "samples" / "isa_cup"
MAPPING = ROOT / "mappings" / "cup_registry.yaml"
PILOT = ROOT / "tests" / "fixtures" / "cdisc-pilot"


@pytest.fixture(scope="session")
def _clean():
    spec = load_mapping(MAPPING)
    data = read_source(SAMPLE, spec.source)
    hub = build_hub(spec, data)
    return validation_frames(hub), hub_context(hub, dict(data.files))


@pytest.fixture
def clean_frames(_clean):
    """A fresh deep copy of the clean sample's frames (tests may mutate it)."""
    return {k: v.copy(deep=True) for k, v in _clean[0].items()}


@pytest.fixture
def clean_ctx(_clean):
    return copy.deepcopy(_clean[1])
