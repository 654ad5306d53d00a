"""Map source forms to SDTM domain frames, block by block, keeping provenance.

Each record carries ``_SRC_FORM``, ``_SRC_ROW`` (spreadsheet row) and ``_SUBJECT`` (the
registry's subject id). Rows that cannot become records are rejected with a reason; every
source row ends up in a record or in the rejects (``account_rows`` proves it).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from cup2std.engine.algorithms import MapContext, evaluate
from cup2std.engine.conditions import condition_mask
from cup2std.distinct import map_distinct
from cup2std.engine.numbers import parse_numbers
from cup2std.errors import SourceError
from cup2std.readers.base import SRC_FORM, SRC_ROW, SourceData
from cup2std.spec.model import Block, MappingSpec
from cup2std.standards import load_sdtmig
from cup2std.validate.findings import Ledger

SUBJECT = "_SUBJECT"
SUPP_PREFIX = "SUPP:"


def check_forms(spec: MappingSpec, data: SourceData) -> None:
    """Required forms and columns must be there; otherwise nothing sensible can be made."""
    for form in spec.source.forms.values():
        if form.name not in data.forms:
            if form.required:
                raise SourceError(f"required form '{form.name}' ({form.file}) is missing from "
                                  "the source")
            continue
        df = data.forms[form.name]
        needed = [spec.source.subject, *form.columns_required, *form.key]
        missing = [c for c in dict.fromkeys(needed) if c not in df.columns]
        if missing:
            raise SourceError(f"required column(s) {', '.join(missing)} missing (columns found: "
                              f"{', '.join(c for c in df.columns if not c.startswith('_'))}); "
                              "rename them in the export or in source.forms of the mapping",
                              file=data.files[form.name], row=1)


def reject_duplicate_keys(spec: MappingSpec, data: SourceData, ledger: Ledger) -> None:
    """A second row with the same declared key is rejected, the first one kept."""
    for form in spec.source.forms.values():
        df = data.forms.get(form.name)
        if df is None or not form.key:
            continue
        dup = df.duplicated(form.key, keep="first")
        for idx in dup[dup].index:
            first = df.loc[(df[form.key] == df.loc[idx, form.key]).all(axis=1), SRC_ROW].iloc[0]
            key = ", ".join(f"{k}={df.at[idx, k]}" for k in form.key)
            ledger.reject("REJ001", form.name, data.files[form.name], df.at[idx, SRC_ROW],
                          f"duplicate key ({key}); row {first} has the same key and was kept. "
                          "Remove or renumber the duplicate in the source.",
                          column=",".join(form.key), subject=str(df.at[idx, spec.source.subject]))
        data.forms[form.name] = df[~dup]


def map_blocks(spec: MappingSpec, data: SourceData, ledger: Ledger,
               lookup_rows: set | None = None) -> dict[str, pd.DataFrame]:
    """Run every block; return domain -> records (blocks of one domain concatenated).

    ``lookup_rows`` collects (form, row) of rows read only through ``form:`` lookups.
    """
    subj_form = spec.source.subjects_form
    subjects = set(data.forms[subj_form.name][spec.source.subject]) - {""}
    lookup_rows = set() if lookup_rows is None else lookup_rows
    parts: dict[str, list[pd.DataFrame]] = {}
    for block in spec.blocks:
        frame = map_block(spec, block, data, subjects, ledger, lookup_rows)
        if frame is not None:
            parts.setdefault(block.domain, []).append(frame)
    return {dom: pd.concat(frames, ignore_index=True) for dom, frames in parts.items()}


def map_block(spec: MappingSpec, block: Block, data: SourceData, subjects: set,
              ledger: Ledger, lookup_rows: set | None = None) -> pd.DataFrame | None:
    """Records of one block, or None when its form was not exported."""
    df = data.forms.get(block.form)
    if df is None:
        return None
    file = data.files[block.form]
    subj_col = spec.source.subject
    ctx = _context(spec, block, data, df, ledger)
    rows = df[condition_mask(ctx, block.where)]
    orphan = ~rows[subj_col].isin(subjects)
    for idx in rows.index[orphan]:
        sid = rows.at[idx, subj_col]
        ledger.reject("REJ002", block.form, file, rows.at[idx, SRC_ROW],
                      f"subject '{sid}' is not in form '{spec.source.subjects_form.name}'; add the "
                      "subject there or correct the id" if sid else
                      f"the subject column '{subj_col}' is empty",
                      domain=block.domain, column=subj_col, value=sid, subject=sid)
    rows = rows[~orphan]
    ctx = _context(spec, block, data, rows, ledger)
    if lookup_rows is not None:
        ctx.lookup_rows = lookup_rows
    out = pd.DataFrame(index=rows.index)
    out["STUDYID"] = spec.studyid
    out["DOMAIN"] = block.domain
    ctx.done["SUBJID"] = rows[subj_col]
    for name, vspec in block.variables.items():
        ctx.done[name] = out[name] = _typed(ctx, block.domain, name, evaluate(ctx, vspec),
                                            plain=bool(vspec.options.get("number")))
    if block.domain == "DM" and "SUBJID" not in out:
        out["SUBJID"] = rows[subj_col]
    ctx.done.setdefault("STUDYID", out["STUDYID"])
    out["USUBJID"] = _usubjids(spec, rows[subj_col])
    for qnam, sspec in block.supp.items():
        out[SUPP_PREFIX + qnam] = evaluate(ctx, sspec.var)
    out[SRC_FORM] = block.form
    out[SRC_ROW] = rows[SRC_ROW]
    out[SUBJECT] = rows[subj_col]
    out["_BLOCK"] = spec.blocks.index(block)
    return _reject_without_topic(out, block, file, ledger).reset_index(drop=True)


def _usubjids(spec: MappingSpec, subjects: pd.Series) -> list[str]:
    """USUBJID from the study's template, formatted once per subject (not once per record).
    A list, so that the column gets the dtype it always had."""
    template, studyid = spec.study["usubjid"], spec.studyid
    ids = map_distinct(subjects, lambda s: template.format(STUDYID=studyid, SUBJID=s),
                       infer=False)
    return ids.tolist()


def _context(spec, block, data, rows, ledger) -> MapContext:
    return MapContext(rows=rows, subjects=rows[spec.source.subject], forms=data.forms,
                      files=data.files, value_maps=spec.value_maps, constants=spec.study,
                      date_formats=spec.source.date_formats, subject_column=spec.source.subject,
                      ledger=ledger, domain=block.domain, form=block.form,
                      decimal=spec.source.decimal, thousands=spec.source.thousands)


def _typed(ctx: MapContext, domain: str, name: str, values: pd.Series,
           plain: bool = False) -> pd.Series:
    """Numeric SDTMIG variables become floats; text that is not a number is a finding.

    Text is read in the export's decimal style (``source.decimal``), or as plain ``1234.5``
    when the variable's spec already normalised it (``number: true``).
    """
    meta = load_sdtmig()[domain][name]
    if not meta.is_numeric:
        if values.dtype == object and infer_dtype(values, skipna=False) == "string":
            return values  # already str only: the conversion below would copy it twice
        return values.fillna("").astype(str).astype(object)
    if values.dtype.kind in "fi":
        return values.astype(float)
    decimal, thousands = (".", "") if plain else (ctx.decimal, ctx.thousands)
    num, bad = parse_numbers(values, decimal, thousands)
    if bad.any():
        text = values.fillna("").astype(str).str.strip()
        ctx.report("TYPE001", "error", bad, text, name, name,
                   f"{name} is numeric in SDTMIG 3.4 and this is not a number written with the "
                   f"decimal mark '{decimal}' (source.decimal); left empty.")
    return num


def _reject_without_topic(out: pd.DataFrame, block: Block, file: str,
                          ledger: Ledger) -> pd.DataFrame:
    """A record without its topic variable (AETERM, EXTRT, ...) is not a record."""
    meta = load_sdtmig()[block.domain]
    topics = [v.name for v in meta.variables.values() if v.role == "Topic" and v.name in out]
    if not topics or block.domain == "DM":
        return out
    empty = np.zeros(len(out), dtype=bool)
    for t in topics:
        empty |= out[t].fillna("").astype(str).eq("").to_numpy()
    for idx in out.index[empty]:
        ledger.reject("REJ003", block.form, file, out.at[idx, SRC_ROW],
                      f"{topics[0]} (the topic variable of {block.domain}) is empty; fill the "
                      f"source column that feeds it", domain=block.domain, column=topics[0],
                      subject=str(out.at[idx, SUBJECT]))
    return out[~empty]


def account_rows(spec: MappingSpec, data: SourceData, frames: dict[str, pd.DataFrame],
                 ledger: Ledger, lookup_rows: set = frozenset()) -> dict[str, dict]:
    """Per form: rows read, rows in the output, rows rejected; unmapped rows are rejected.

    A row counts as output when at least one record came from it; otherwise it must be in
    the rejects. ``read == output + rejected`` for every form.
    """
    used: dict[str, set] = {}
    for df in frames.values():
        if SRC_FORM in df:
            for form, rows in df.groupby(SRC_FORM)[SRC_ROW]:
                used.setdefault(form, set()).update(rows.astype("int64").tolist())
    for form, row in lookup_rows:
        used.setdefault(form, set()).add(row)
    rejected: dict[str, set] = {}
    for r in ledger.rejects:
        rejected.setdefault(r.form, set()).add(r.row)
    out = {}
    for form, df in data.forms.items():
        file = data.files[form]
        rows_all = set(df[SRC_ROW].astype("int64").tolist())
        for row in sorted(rows_all - used.get(form, set()) - rejected.get(form, set())):
            ledger.reject("REJ004", form, file, row, "no mapping block selects this row "
                          "(check the 'where' conditions of the blocks reading this form)",
                          subject=str(df.loc[df[SRC_ROW] == row, spec.source.subject].iloc[0]))
            rejected.setdefault(form, set()).add(row)
    for r in ledger.rejects:
        rejected.setdefault(r.form, set()).add(r.row)
    for form in data.forms:
        n_read = len(data.forms[form]) + sum(1 for r in ledger.rejects
                                             if r.form == form and r.rule == "REJ001")
        n_used = len(used.get(form, set()))
        n_rej = len(rejected.get(form, set()) - used.get(form, set()))
        out[form] = {"file": data.files[form], "rows_read": n_read, "rows_in_output": n_used,
                     "rows_rejected": n_rej, "reconciles": n_read == n_used + n_rej}
    return out
