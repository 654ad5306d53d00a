"""Registry-level checks done while reading and mapping an export, listed as rules.

The mapping machinery (``engine/``) raises these as findings or rejects with file, row and
column; a reject is reported as an error finding with the same id. The XPT reader of
``cup2std validate`` raises ENC001; the XPT writer raises XPT001.

>>> RULES["REJ002"].description
'Every child-form row belongs to a patient of the subjects form (unknown patient)'
"""
from __future__ import annotations

from cup2std.validate.registry import RULES, external_rule

THEME = "source"

for _id, _sev, _desc in (
    ("REJ001", "error", "A form has no two rows with the same declared key (duplicate patient, "
     "duplicate record); the later row is rejected"),
    ("REJ002", "error", "Every child-form row belongs to a patient of the subjects form "
     "(unknown patient)"),
    ("REJ003", "error", "A record has its topic variable (AETERM, EXTRT, ...); else the row "
     "is rejected"),
    ("REJ004", "error", "Every source row is selected by a mapping block"),
    ("MAP001", "error", "A value has an entry in the mapping's value map"),
    ("DATE001", "error", "A source date parses with the mapping's date formats and is a real "
     "date"),
    ("TYPE001", "error", "A source value for a numeric variable parses as a number"),
    ("SRC002", "info", "A column the mapping reads is in the export (else its variables are "
     "empty)"),
    ("SRC003", "error", "A column the mapping reads is not missing while a near-named column "
     "is present (a renamed column would silently empty its variables)"),
    ("XPT001", "error", "A dataset fits the XPT v5 limits (names, labels, lengths)"),
    ("ENC001", "warning", "XPT text is ASCII (FDA); other bytes are read as Windows-1252"),
):
    external_rule(_id, _sev, _desc, THEME)

__all__ = ["RULES"]
