"""Validation against the official Define-XML 2.1 schema shipped in ``schema/`` (see
``schema/SOURCE.md``): the CDISC XSDs for Define-XML 2.1.0 on ODM 1.3.2.

>>> errors = validate_define(b"<ODM xmlns='http://www.cdisc.org/ns/odm/v1.3'/>")
>>> len(errors) > 0
True
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lxml import etree


@lru_cache(maxsize=1)
def define_schema() -> etree.XMLSchema:
    """The Define-XML 2.1.0 schema (loaded once, from files only: no network)."""
    path = resources.files("cup2std.write.define") / "schema" / "cdisc-define-2.1" / \
        "define2-1-0.xsd"
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def validate_define(xml: bytes) -> list[str]:
    """Schema errors as 'line N: message'; empty when the document is valid."""
    schema = define_schema()
    doc = etree.fromstring(xml, etree.XMLParser(no_network=True))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
