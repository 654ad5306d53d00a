"""What the hub keeps alive: the source is released once mapped, and repeated texts are one
object per distinct value (docs/performance.md, memory)."""
from pathlib import Path

import pytest

from cup2std.engine.hub import build_hub
from cup2std.readers import read_source
from cup2std.spec import load_mapping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built():
    spec = load_mapping(ROOT / "mappings" / "cup_registry.yaml")
    data = read_source(ROOT / "samples" / "isa_cup", spec.source)
    cells = data.forms["administrations"]["drug"].tolist()
    return data, build_hub(spec, data), cells


def test_source_frames_are_released_but_files_kept(built):
    data, hub, _ = built
    assert data.forms == {}
    assert set(data.files) >= {"patients", "administrations", "adverse_events"}
    assert len(hub.frames["EX"]) == 313


def test_equal_source_cells_are_one_object(built):
    cells = built[2]
    assert len(set(map(id, cells))) == len(set(cells)) < len(cells)


@pytest.mark.parametrize("domain, variable", [("EX", "EPOCH"), ("EX", "VISIT"), ("EX", "USUBJID")])
def test_repeated_hub_texts_are_one_object_per_value(built, domain, variable):
    values = built[1].frames[domain][variable].tolist()
    assert len(set(values)) < len(values)
    assert len(set(map(id, values))) == len(set(values))
