"""The hub: mapped SDTM frames at full fidelity (UTF-8, provenance on every row).

XPT, Define-XML and FHIR are all written from a Hub; nothing downstream reads the source.

>>> hub = build_hub(spec, source_data)          # doctest: +SKIP
>>> hub.sdtm("DM").columns[:3].tolist()        # doctest: +SKIP
['STUDYID', 'DOMAIN', 'USUBJID']
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cup2std.engine.derive import derive_all
from cup2std.engine.mapper import (
    SUPP_PREFIX, account_rows, check_forms, map_blocks, reject_duplicate_keys,
)
from cup2std.engine.supp import build_supp, drop_supp_columns
from cup2std.engine.trial_summary import build_ts
from cup2std.readers.base import SourceData
from cup2std.spec.model import MappingSpec
from cup2std.standards import load_sdtmig
from cup2std.validate.findings import Ledger

# Order of datasets in a package (special purpose, interventions, events, findings, trial);
# each SUPP-- follows its parent.
DATASET_ORDER = ("DM", "EX", "CM", "AE", "DS", "MH", "VS", "RS", "TS")


@dataclass
class Hub:
    """Domain and SUPP-- frames plus what the run learnt about its input."""

    spec: MappingSpec
    frames: dict[str, pd.DataFrame]
    supp_meta: dict
    ledger: Ledger
    accounting: dict[str, dict] = field(default_factory=dict)
    missing_forms: list[str] = field(default_factory=list)
    _sdtm_cache: dict = field(default_factory=dict, repr=False)

    def invalidate(self) -> None:
        """Forget the cached SDTM views after the frames were changed in place."""
        self._sdtm_cache.clear()

    @property
    def datasets(self) -> list[str]:
        rank = {n: i for i, n in enumerate(DATASET_ORDER)}

        def key(n: str) -> tuple:
            parent = n[4:] if n.startswith("SUPP") else n
            return (rank.get(parent, len(rank)), parent, n.startswith("SUPP"))
        return sorted(self.frames, key=key)

    def sdtm(self, name: str) -> pd.DataFrame:
        """SDTM variables only, in SDTMIG order: Req and Exp always, Perm when it has data.

        Computed once per dataset; callers get a copy (copy-on-write: cheap until changed).
        """
        if name not in self._sdtm_cache:
            self._sdtm_cache[name] = self._sdtm_view(name)
        return self._sdtm_cache[name].copy(deep=False)

    def _sdtm_view(self, name: str) -> pd.DataFrame:
        df = self.frames[name]
        meta = load_sdtmig()["SUPPQUAL" if name.startswith("SUPP") else name]
        cols = []
        for var in sorted(meta.variables.values(), key=lambda v: v.order):
            if var.name in df:
                if var.core in ("Req", "Exp") or _has_data(df[var.name]):
                    cols.append(var.name)
            elif var.core in ("Req", "Exp") and not name.startswith("SUPP"):
                cols.append(var.name)
        out = df.reindex(columns=cols)
        for var in cols:
            if meta[var].is_numeric:
                if out[var].dtype != "float64":   # converting a float column would copy it
                    out[var] = pd.to_numeric(out[var], errors="coerce").astype(float)
            else:
                out[var] = _as_text(out[var])
        return out


def _has_data(s: pd.Series) -> bool:
    """A cell that is neither missing nor '' (as text)."""
    if s.dtype.kind in "iufb":
        return bool(s.notna().any())
    return bool((_as_text(s).to_numpy() != "").any())


def _as_text(s: pd.Series) -> pd.Series:
    """Text as an object column, '' for missing.

    Cells that are all ``str`` already (the usual case) are kept as they are: pandas' string
    conversion would copy every cell into a string array only to give them back. A column of
    pandas' ``str`` dtype without missing cells is read through as an object view of the same
    cells (its python storage is an object array); copying it cost about 1 GB at 100,000
    patients, held for the whole run by the cache of views.

    >>> _as_text(pd.Series(["a", None, 1.5])).tolist()
    ['a', '', '1.5']
    >>> text = pd.Series(["a", "b"], dtype="str")
    >>> view = _as_text(text)
    >>> view.dtype, view.tolist(), view.to_numpy().base is text.to_numpy(dtype=object)
    (dtype('O'), ['a', 'b'], True)
    """
    if s.dtype == object and len(s) and \
            pd.api.types.infer_dtype(s.to_numpy(), skipna=False) == "string":
        return s   # no copy: the column is already what a view holds
    if s.dtype == "str" and len(s) and not s.hasnans:
        cells = s.to_numpy(dtype=object, copy=False).view()   # python storage: the array
        cells.flags.writeable = False   # a write through the view must not reach the hub
        return pd.Series(cells, index=s.index, name=s.name, dtype=object, copy=False)
    values = s.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = ""
    if pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty"):
        return pd.Series(values, index=s.index, name=s.name, dtype=object)
    col = s.astype(object)
    return col.where(col.notna(), "").astype(str).astype(object)


def build_hub(spec: MappingSpec, data: SourceData) -> Hub:
    """read -> map -> derive: the SDTM hub for a source already read.

    The source frames are released once mapped (``data.forms`` is empty afterwards; files,
    missing forms and reader findings stay): nothing downstream reads the source, and a
    caller holding ``data`` would otherwise keep a second copy of every cell alive for the
    whole run (about 50 MB per 10,000 patients).
    """
    ledger = Ledger()
    ledger.findings.extend(data.findings)
    check_forms(spec, data)
    reject_duplicate_keys(spec, data, ledger)
    lookup_rows: set = set()
    frames = map_blocks(spec, data, ledger, lookup_rows)
    supp_meta = {(b.domain, q): {"label": s.label, "qorig": s.qorig, "qeval": s.qeval}
                 for b in spec.blocks for q, s in b.supp.items()}
    if "DM" not in frames:
        frames["DM"] = pd.DataFrame(columns=["STUDYID", "DOMAIN", "USUBJID"])
    derive_all(spec, frames, supp_meta)
    if spec.trial_summary:
        frames["TS"] = build_ts(spec.studyid, spec.trial_summary)
    for dom in list(frames):
        if any(c.startswith(SUPP_PREFIX) for c in frames[dom].columns):
            supp = build_supp(dom, frames[dom], supp_meta)
            if len(supp):
                frames[f"SUPP{dom}"] = supp
    accounting = account_rows(spec, data, frames, ledger, lookup_rows)
    for dom in list(frames):
        frames[dom] = drop_supp_columns(frames[dom])
    data.forms.clear()
    return Hub(spec, frames, supp_meta, ledger, accounting, list(data.missing_forms))
