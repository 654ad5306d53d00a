"""One conversion of the bundled sample, shared by the Define-XML tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from cup2std.api import convert

REPO = Path(__file__).resolve().parents[2]
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("define-sample")
    convert(REPO / "samples" / "isa_cup", REPO / "mappings" / "cup_registry.yaml", out)
    return out


@pytest.fixture(scope="session")
def define_doc(sample_out):
    return etree.parse(str(sample_out / "sdtm" / "define.xml"))
