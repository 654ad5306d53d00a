"""The mapping algorithms: each turns source rows into one variable's values.

Vocabulary (after sdtm.oak): ``hardcode``, ``assign`` (+ ``map``), ``date``, ``template``,
``compute``, ``flag``, ``ctcae``, ``first_of``; modifiers ``when``, ``form``, ``default``.
Every function is frame in, Series out; bad values become findings through ``ctx``.

>>> import pandas as pd
>>> rows = pd.DataFrame({"cycle": ["1", "2"], "day": ["8", "1"], "_SRC_ROW": [2, 3]})
>>> ctx = MapContext.bare(rows)
>>> template(ctx, VarSpec("VISIT", "template", "CYCLE {cycle} DAY {day}")).tolist()
['CYCLE 1 DAY 8', 'CYCLE 2 DAY 1']
"""
from __future__ import annotations

import ast
import difflib
import re
import string
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from cup2std.distinct import map_distinct
from cup2std.engine.iso8601 import to_iso
from cup2std.engine.numbers import number_text, parse_numbers
from cup2std.readers.base import SRC_ROW, shared
from cup2std.spec.model import VarSpec
from cup2std.standards import load_ctcae
from cup2std.validate.findings import Ledger


@dataclass
class MapContext:
    """What an algorithm may look at: the block's rows, other forms, the spec, the ledger."""

    rows: pd.DataFrame
    subjects: pd.Series
    forms: dict[str, pd.DataFrame]
    files: dict[str, str]
    value_maps: dict[str, dict[str, str]]
    constants: dict[str, str]
    date_formats: list[str]
    subject_column: str
    ledger: Ledger
    domain: str = ""
    form: str = ""
    decimal: str = "."          # the export's decimal mark (source.decimal)
    thousands: str = ""         # and thousands separator (source.thousands)
    done: dict[str, pd.Series] = field(default_factory=dict)
    # (form, row) of rows read through a ``form:`` lookup: they are used, not lost.
    lookup_rows: set = field(default_factory=set)
    _missing_reported: set = field(default_factory=set)

    @classmethod
    def bare(cls, rows: pd.DataFrame) -> "MapContext":
        """A context for one frame alone (tests, doctests)."""
        return cls(rows, pd.Series("", index=rows.index), {}, {}, {}, {}, ["ISO8601"],
                   "subject", Ledger())

    def column(self, name: str, form: str | None = None) -> pd.Series:
        """A source column aligned to the block's rows; from another form by subject."""
        if form and form != self.form:
            return self._lookup(name, form)
        if name in self.rows:
            return self.rows[name]
        self._report_missing(self.form, name)
        return pd.Series("", index=self.rows.index, dtype=object)

    def _lookup(self, name: str, form: str) -> pd.Series:
        other = self.forms.get(form)
        if other is None or name not in other:
            self._report_missing(form, name)
            return pd.Series("", index=self.rows.index, dtype=object)
        first = other.drop_duplicates(self.subject_column)
        used = first[first[self.subject_column].isin(set(self.subjects))]
        self.lookup_rows.update((form, int(r)) for r in used[SRC_ROW])
        per_subject = first.set_index(self.subject_column)[name]
        return self.subjects.map(per_subject).fillna("").astype(object)

    def _report_missing(self, form: str, name: str) -> None:
        """A column the mapping reads is absent: 'not collected' (info), unless a column with
        a near name is there, which looks like a rename (warning: a whole column would be lost).
        """
        if (form, name) in self._missing_reported:
            return
        self._missing_reported.add((form, name))
        where = dict(file=self.files.get(form, form), column=name, domain=self.domain)
        frame = self.forms.get(form, self.rows if form == self.form else None)
        present = [c for c in (frame.columns if frame is not None else []) if c[:1] != "_"]
        near = difflib.get_close_matches(name, present, n=1, cutoff=0.75)
        if near:
            self.ledger.finding("SRC003", "error", f"column '{name}' is not in form '{form}' "
                                f"but '{near[0]}' is: renamed in the export? Rename it back or "
                                "map that column; until then the variables it feeds are empty",
                                **where)
            return
        self.ledger.finding("SRC002", "info", f"column '{name}' is not in form '{form}'; the "
                            "variables it feeds are empty (allowed: not collected)", **where)

    def report(self, rule: str, severity: str, mask: pd.Series, values: pd.Series,
               variable: str, column: str, message: str) -> None:
        """One finding per row in ``mask``, with file, row, subject and value."""
        for idx in mask[mask].index:
            self.ledger.finding(rule, severity, message, domain=self.domain, variable=variable,
                                subject=str(self.subjects.get(idx, "")),
                                file=self.files.get(self.form, self.form),
                                row=int(self.rows.at[idx, SRC_ROW]), column=column,
                                value=str(values.get(idx, "")))


def _empty(ctx: MapContext) -> pd.Series:
    return pd.Series("", index=ctx.rows.index, dtype=object)


def hardcode(ctx: MapContext, spec: VarSpec) -> pd.Series:
    return pd.Series(spec.arg, index=ctx.rows.index, dtype=object)


def assign(ctx: MapContext, spec: VarSpec) -> pd.Series:
    values = ctx.column(str(spec.arg), spec.options.get("form"))
    if "map" in spec.options:
        values = apply_value_map(ctx, spec, values)
    return values


def apply_value_map(ctx: MapContext, spec: VarSpec, values: pd.Series) -> pd.Series:
    """Recode with a value map (case-insensitive keys); unmapped values are findings."""
    vmap = ctx.value_maps[spec.options["map"]]
    lower = {k.strip().lower(): v for k, v in vmap.items()}
    out = map_distinct(values, lambda v: lower.get(str(v).strip().lower()), infer=False)
    unmapped = out.isna() & values.ne("")
    if unmapped.any():
        ctx.report("MAP001", "error", unmapped, values, spec.name, str(spec.arg),
                   f"value is not in value map '{spec.options['map']}' (known: "
                   f"{', '.join(list(vmap)[:10])}). Add it under value_maps.{spec.options['map']}"
                   " in the mapping.")
    return out.fillna(values).astype(object)


def date(ctx: MapContext, spec: VarSpec) -> pd.Series:
    values = ctx.column(str(spec.arg), spec.options.get("form"))
    formats = [str(f) for f in spec.options.get("formats", ctx.date_formats)]
    iso, error = to_iso(values, formats)
    bad = error.ne("")
    if bad.any():
        for reason in error[bad].unique():
            ctx.report("DATE001", "error", error.eq(reason), values, spec.name, str(spec.arg),
                       f"{reason}; the date is left empty. Correct it in the source, or add its "
                       "format under date_formats in the mapping.")
    return iso


def template(ctx: MapContext, spec: VarSpec) -> pd.Series:
    """Text from columns, mapped variables and study constants; empty if any part is."""
    out = pd.Series("", index=ctx.rows.index, dtype=object)
    complete = pd.Series(True, index=ctx.rows.index)
    for literal, fld, _, _ in string.Formatter().parse(str(spec.arg)):
        out = out + (literal or "")
        if fld is None:
            continue
        part = _field(ctx, fld)
        complete &= part.ne("")
        out = out + part
    text = out.where(complete, "").str.strip()
    # Texts repeat (a VISIT per cycle day): one object per distinct text, not per record.
    return pd.Series(shared(text.tolist()), index=text.index, dtype=text.dtype)


def _field(ctx: MapContext, name: str) -> pd.Series:
    if name in ctx.done:
        return ctx.done[name].fillna("").astype(str)
    if name in ctx.constants:
        return pd.Series(ctx.constants[name], index=ctx.rows.index, dtype=object)
    return ctx.column(name)


def compute(ctx: MapContext, spec: VarSpec) -> pd.Series:
    """Arithmetic over numeric columns (checked to be only names, numbers and + - * / %).

    A column whose name is not a Python name (``Gewicht (kg)``, ``IT.EX.CYCLE``) is written
    in braces: ``{Zyklus} * 100 + {Tag}``. Numbers are read in the export's decimal style.
    """
    expr, braced = compute_expression(str(spec.arg))
    tree = ast.parse(expr, mode="eval")
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    env = {}
    for name in names:
        column = braced.get(name, name)
        raw = _field(ctx, column)
        num, bad = parse_numbers(raw, ctx.decimal, ctx.thousands)
        if bad.any():
            ctx.report("TYPE001", "error", bad, raw, spec.name, column,
                       f"is not a number (decimal mark '{ctx.decimal}'); the computed value is "
                       "left empty. Correct the source or source.decimal in the mapping.")
        env[name] = num
    result = eval(compile(tree, "<compute>", "eval"), {"__builtins__": {}}, env)  # noqa: S307
    if not isinstance(result, pd.Series):
        result = pd.Series(result, index=ctx.rows.index)
    return result.astype(float)


def compute_expression(text: str) -> tuple[str, dict[str, str]]:
    """Replace ``{column name}`` by placeholder names; return (expression, placeholder->column).

    >>> compute_expression("{Zyklus (Nr.)} * 100 + day")
    ('__col0 * 100 + day', {'__col0': 'Zyklus (Nr.)'})
    """
    braced: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        name = f"__col{len(braced)}"
        braced[name] = m.group(1).strip()
        return name
    return re.sub(r"\{([^{}]+)\}", sub, text), braced


def flag(ctx: MapContext, spec: VarSpec) -> pd.Series:
    """Y when the token is among the column's separated values, N when others are, else ''."""
    values = ctx.column(str(spec.arg), spec.options.get("form"))
    sep = str(spec.options.get("sep", ";"))
    token = str(spec.options["contains"]).strip().lower()
    has = map_distinct(values, lambda v: token in [x.strip() for x in str(v).lower().split(sep)],
                       infer=False)
    has = has.astype(bool)
    return pd.Series(np.where(has, "Y", np.where(values.ne(""), "N", "")), index=values.index,
                     dtype=object)


def ctcae(ctx: MapContext, spec: VarSpec) -> pd.Series:
    """A CTCAE v5.0 attribute (soc, meddra_code, term) of the term in the column."""
    terms = ctx.column(str(spec.arg), spec.options.get("form"))
    lookup = load_ctcae()
    fld = spec.options["field"]

    def attribute(t):
        found = lookup.term(t)
        return getattr(found, fld, "") if found else ""
    return map_distinct(terms, attribute, infer=False)


def first_of(ctx: MapContext, spec: VarSpec) -> pd.Series:
    out = _empty(ctx)
    for alt in spec.alternatives:
        vals = evaluate(ctx, alt).astype(object)
        fill = (out.isna() | out.eq("")) & vals.notna() & vals.ne("")
        out = out.where(~fill, vals)
    return out


ALGORITHM_FUNCS: dict[str, Callable[[MapContext, VarSpec], pd.Series]] = {
    "hardcode": hardcode, "assign": assign, "date": date, "template": template,
    "compute": compute, "flag": flag, "ctcae": ctcae, "first_of": first_of,
}


def evaluate(ctx: MapContext, spec: VarSpec) -> pd.Series:
    """Run a variable's algorithm, then its modifiers ``when`` and ``default``."""
    values = ALGORITHM_FUNCS[spec.algorithm](ctx, spec)
    if spec.options.get("number") and values.dtype.kind not in "fi":
        values = number_text(values, ctx.decimal, ctx.thousands)
    if "default" in spec.options:
        blank = values.isna() | values.astype(str).eq("")
        values = values.astype(object).where(~blank, str(spec.options["default"]))
    if "when" in spec.options:
        from cup2std.engine.conditions import condition_mask
        keep = condition_mask(ctx, spec.options["when"])
        values = values.where(keep, np.nan if values.dtype.kind == "f" else "")
    return values
