"""define.html: define.xml rendered with the CDISC define2-1 stylesheet (Lex Jansen, MIT;
shipped as ``define2-1.xsl``, copied from the PyPI package defineutils 0.2.1) through lxml XSLT.

>>> html = render_html(open("out/sdtm/define.xml", "rb").read())   # doctest: +SKIP
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lxml import etree


@lru_cache(maxsize=1)
def _stylesheet() -> etree.XSLT:
    path = resources.files("cup2std.write.define") / "define2-1.xsl"
    return etree.XSLT(etree.parse(str(path), etree.XMLParser(no_network=True)))


def render_html(xml: bytes, codelist_items: int = 999) -> bytes:
    """HTML bytes of the define.xml; every codelist term shown (``codelist_items``)."""
    doc = etree.fromstring(xml, etree.XMLParser(no_network=True))
    result = _stylesheet()(doc, nCodeListItemDisplay=str(codelist_items),
                           displayMethodsTable="1", displayCommentsTable="1",
                           displayLengthDFormatSD="1")
    return bytes(result)
