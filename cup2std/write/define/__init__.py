"""Define-XML 2.1 for the SDTM package: ``OUT/sdtm/define.xml`` and ``define.html``.

A writer plug-in (see cup2std/write/__init__.py): it describes the datasets exactly as the SDTM
package wrote them, checks the result against the CDISC Define-XML 2.1 schema (a problem is
finding DEF001) and renders the HTML view with the CDISC stylesheet.

Modules: ``build`` (model from hub and mapping), ``types``, ``origins``, ``describe``,
``codelists``, ``vlm``, ``xml`` (writer), ``schema`` (XSD check), ``html`` (XSLT).
"""
from __future__ import annotations

from pathlib import Path

from cup2std.write import register_writer
from cup2std.write.atomic import write_bytes_atomic
from cup2std.write.define.build import build_define
from cup2std.write.define.html import render_html
from cup2std.write.define.schema import validate_define
from cup2std.write.define.xml import write_define_xml


@register_writer("define")
def write_define(hub, staging: Path, datasets: dict, ledger) -> dict:
    """Write ``sdtm/define.xml`` and ``sdtm/define.html`` below ``staging``.

    >>> write_define(hub, Path("staging"), datasets, hub.ledger)   # doctest: +SKIP
    {'define_xml': 'sdtm/define.xml', 'define_html': 'sdtm/define.html', ...}
    """
    written = [d["dataset"] for d in datasets.values() if "dataset" in d]
    if not written:
        return {"written": False, "reason": "no datasets were written"}
    define = build_define(hub, written)
    xml = write_define_xml(define, staging / "sdtm" / "define.xml")
    errors = validate_define(xml)
    for err in errors[:20]:
        ledger.finding("DEF001", "error", f"define.xml does not validate against the "
                       f"Define-XML 2.1 schema: {err}. This is a cup2std bug; please report it.",
                       file="sdtm/define.xml")
    write_bytes_atomic(staging / "sdtm" / "define.xml", xml)
    write_bytes_atomic(staging / "sdtm" / "define.html", render_html(xml))
    return {"define_xml": "sdtm/define.xml", "define_html": "sdtm/define.html",
            "schema_valid": not errors, "datasets": len(define.datasets),
            "items": len(define.items), "codelists": len(define.codelists),
            "methods": len(define.methods), "comments": len(define.comments),
            "value_lists": len(define.valuelists)}


# convert() keeps the SDTM datasets as written (``datasets[name]["dataset"]``) until every
# writer that reads them has run, then lets them go.
write_define.reads_package = True
