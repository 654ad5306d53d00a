"""The rules registry: ``@rule`` registers a check under a stable id; ``run_rules`` runs them.

A rule is ``check(frames, ctx) -> list[Finding]``: vectorised over the frames (a boolean mask
per condition), with a Python loop only to emit one finding per flagged row (:func:`emit`).
Frames may carry provenance (``_SRC_FORM``/``_SRC_ROW``): from the hub they name the source
file and spreadsheet row, from an XPT package the file and record number.

Rules that are checked elsewhere (the mapping machinery, the XPT reader) are listed with
:func:`external_rule` so that the catalogue, the reports and the docs know them too.

>>> @rule("DEMO001", "info", "A demo rule", theme="demo")
... def demo(frames, ctx):
...     df = frames["DM"]
...     return emit(ctx, "DEMO001", df, df["AGE"] > 90, "age above 90", domain="DM",
...                 variable="AGE")
>>> dm = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AGE": [40.0, 95.0]})
>>> [f.subject for f in run_rules({"DM": dm}, only=["DEMO001"])]
['S-2']
>>> _ = RULES.pop("DEMO001")
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from cup2std.distinct import map_distinct
from cup2std.readers.base import SRC_FORM, SRC_ROW
from cup2std.standards import load_sdtmig
from cup2std.validate.findings import SEVERITIES, Finding

Frames = dict[str, pd.DataFrame]


@dataclass
class RuleContext:
    """What a rule may know besides the frames.

    ``files``: source form or dataset -> file; ``cutoff``: data cut-off (ISO 8601) when not in
    TS DCUTDTC; ``teae_window``: days after last dose that still count as treatment-emergent
    (None = unknown); ``xpt_meta``: dataset -> {variable: storage width} when read from XPT;
    ``kind``: 'hub' (registry export through a mapping) or 'sdtm' (a package of XPT files).
    """

    files: dict = field(default_factory=dict)
    cutoff: str | None = None
    teae_window: int | None = None
    xpt_meta: dict = field(default_factory=dict)
    kind: str = "hub"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    description: str
    check: Callable[[Frames, RuleContext], list[Finding]] | None
    theme: str = ""

    @property
    def external(self) -> bool:
        """Checked by the mapping machinery or a reader, not by ``run_rules``."""
        return self.check is None


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, description: str, theme: str = ""):
    """Register a rule function under a stable id (one line of description)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")

    def wrap(fn):
        RULES[rule_id] = Rule(rule_id, severity, description, fn, theme or fn.__module__)
        return fn
    return wrap


def external_rule(rule_id: str, severity: str, description: str, theme: str) -> None:
    """List a rule that another part of cup2std checks (for the catalogue and reports)."""
    RULES[rule_id] = Rule(rule_id, severity, description, None, theme)


def run_rules(frames: Frames, files: dict | RuleContext | None = None,
              only: list[str] | None = None) -> list[Finding]:
    """Run the registered rules (or ``only`` those) over the frames."""
    ctx = files if isinstance(files, RuleContext) else RuleContext(files=files or {})
    frames = prepare_frames(frames)
    out: list[Finding] = []
    for rid, r in sorted(RULES.items()):
        if r.external or (only and rid not in only):
            continue
        out.extend(r.check(frames, ctx))
    return out


PREPARED = "cup2std_prepared"


def prepare_frames(frames: Frames) -> Frames:
    """Text columns as stripped ``str`` ('' for missing), once for all rules (a new dict of
    shallow copies; the caller's frames are not changed)."""
    out = {}
    for name, df in frames.items():
        if df.attrs.get(PREPARED):
            out[name] = df
            continue
        df = df.copy(deep=False)
        for c in df.columns:
            if df[c].dtype.kind == "O" and not str(c).startswith("_"):
                df[c] = df[c].fillna("").astype(str).str.strip()
        df.attrs[PREPARED] = True
        out[name] = df
    return out


def where(df: pd.DataFrame, idx, files: dict, domain: str = "") -> dict:
    """Location fields of a finding on row ``idx``: subject, --SEQ, source file and row."""
    return _locations(df, np.array([df.index.get_loc(idx)]), files, domain)[0]


def _locations(df: pd.DataFrame, pos: np.ndarray, files: dict, domain: str) -> list[dict]:
    """:func:`where` for the rows at positions ``pos`` (columns read once, not cell by cell)."""
    def cells(name: str):
        return df[name].to_numpy()[pos]
    subjects = [str(v) for v in cells("USUBJID")] if "USUBJID" in df else [""] * len(pos)
    seq = f"{domain}SEQ"
    seqs = cells(seq) if domain and seq in df else None
    source = (cells(SRC_FORM), cells(SRC_ROW)) if SRC_FORM in df and SRC_ROW in df else None
    out = []
    for i, subject in enumerate(subjects):
        loc = {"subject": subject}
        if seqs is not None and pd.notna(seqs[i]) and str(seqs[i]) != "":
            try:
                loc["seq"] = int(float(seqs[i]))
            except ValueError:
                pass
        if source is not None and source[0][i] != "mapping":
            loc["file"] = files.get(source[0][i], str(source[0][i]))
            loc["row"] = int(source[1][i])
        out.append(loc)
    return out


def _per_row(values, df: pd.DataFrame, pos: np.ndarray) -> list:
    """The cells of a Series (or anything indexed by row label) for the rows at ``pos``."""
    labels = df.index[pos]
    if isinstance(values, pd.Series):
        if values.index.equals(df.index):
            return list(values.to_numpy()[pos])
        if values.index.is_unique:
            return list(values.loc[labels].to_numpy())
    return [values[idx] for idx in labels]


def emit(ctx: RuleContext, rid: str, df: pd.DataFrame, mask, message, *, domain: str,
         variable: str = "", value=None) -> list[Finding]:
    """One finding per row where ``mask`` is true.

    ``message`` and ``value`` are a string or a Series aligned to ``df`` (value defaults to
    the cell of ``variable``).
    """
    mask = pd.Series(mask, index=df.index).fillna(False).astype(bool)
    pos = np.flatnonzero(mask.to_numpy())
    if not len(pos):
        return []
    severity = RULES[rid].severity
    if value is None and variable in df:
        value = df[variable]
    msgs = [message] * len(pos) if isinstance(message, str) else \
        [str(m) for m in _per_row(message, df, pos)]
    vals = [""] * len(pos) if value is None else [value] * len(pos) if \
        isinstance(value, str) else [text(v) for v in _per_row(value, df, pos)]
    return [Finding(rid, severity, msg, domain=domain, variable=variable, value=val, **loc)
            for msg, val, loc in zip(msgs, vals, _locations(df, pos, ctx.files, domain))]


def text(value) -> str:
    """A cell as text: '' for missing, integers without '.0'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def meta(name: str):
    """SDTMIG 3.4 metadata of a dataset (SUPP-- use SUPPQUAL), or None."""
    ig = load_sdtmig()
    return ig["SUPPQUAL"] if name.startswith("SUPP") else ig.get(name)


def blank(s: pd.Series) -> pd.Series:
    """True where a cell is missing or only spaces."""
    if s.dtype.kind == "f":
        return s.isna()
    if s.attrs.get(PREPARED):  # already stripped, '' for missing
        if s.dtype.kind == "O":  # numpy compares an object array several times faster
            v = s.to_numpy()
            return pd.Series((v == "") | pd.isna(v), index=s.index)
        return s.isna() | s.eq("")
    return s.isna() | s.astype(str).str.strip().eq("")


def col(df: pd.DataFrame, name: str) -> pd.Series:
    """A column as stripped text ('' when missing or absent)."""
    if name not in df:
        return pd.Series("", index=df.index, dtype=object)
    s = df[name]
    if s.dtype.kind == "O" and df.attrs.get(PREPARED):
        return s
    if s.dtype.kind == "f":
        return map_distinct(s, text).astype(object)  # --SEQ, --DY: few distinct values
    return s.fillna("").astype(str).str.strip()


def dm_lookup(frames: Frames, var: str, usubjid: pd.Series) -> pd.Series:
    """DM ``var`` for each USUBJID in ``usubjid`` ('' when unknown)."""
    dm = frames.get("DM")
    if dm is None or var not in dm or "USUBJID" not in dm:
        return pd.Series("", index=usubjid.index, dtype=object)
    per = dm.drop_duplicates("USUBJID").set_index("USUBJID")[var]
    per = per.map(text) if per.dtype.kind == "f" else per.fillna("").astype(str).str.strip()
    return usubjid.map(per).fillna("").astype(object)


def key(*parts: pd.Series) -> pd.Series:
    """A join key text from several columns, for isin/map lookups; equal only for equal parts.

    Every part but the last carries its length, so no two tuples give the same text:

    >>> key(pd.Series(["S-1", "S-11"]), pd.Series(["12", "2"])).tolist()
    ['3:S-112', '4:S-112']
    """
    texts = [p.astype(str) for p in parts]
    out = texts[0].str.len().astype(str) + ":" + texts[0] if len(texts) > 1 else texts[0]
    for i, t in enumerate(texts[1:], 1):
        if i < len(texts) - 1:
            t = t.str.len().astype(str) + ":" + t
        out = out + t.values
    return out


def joint_keys(left: list[pd.Series], right: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """Integer join keys for two sides, equal exactly where all parts are equal as text
    (-1 where a part is missing).

    >>> a, b = joint_keys([pd.Series(["S-1", "S-2", "S-1"]), pd.Series(["1", "1", "12"])],
    ...                   [pd.Series(["S-2", "S-1", "S-11"]), pd.Series(["1", "2", "2"])])
    >>> np.isin(b, a).tolist()
    [True, False, False]
    """
    n_left = len(left[0])
    part_codes, part_texts = [], []
    for a, b in zip(left, right):
        codes, uniques = _text_codes(pd.concat([a.astype(object), b.astype(object)],
                                               ignore_index=True))
        part_codes.append(codes)
        part_texts.append(uniques)
    combo = np.zeros(len(part_codes[0]), dtype=np.int64)
    missing = np.zeros(len(part_codes[0]), dtype=bool)
    for codes, uniques in zip(part_codes, part_texts):  # codes + 1: 0 is a missing part
        missing |= codes < 0
        combo, _ = pd.factorize(combo * (len(uniques) + 1) + (codes + 1))
    keys = np.where(missing, -1, combo)
    return keys[:n_left], keys[n_left:]


def _text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 where missing) and distinct texts of ``values.astype(str)``."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def on_distinct(values: pd.Series, fn) -> pd.Series:
    """An elementwise ``fn`` (Series -> Series) computed on the distinct values only, with
    the column's dtype (missing values included), and spread back to every row.

    >>> on_distinct(pd.Series(["AB", "toolong", "AB"], dtype=object),
    ...             lambda v: v.str.len() > 4).tolist()
    [False, True, False]
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    result = fn(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(np.asarray(result)[codes], index=values.index)
