"""CodeLists: the CDISC CT terms actually used (with NCI codes), sponsor lists from the
mapping's value maps, and external dictionaries (MedDRA, CTCAE, WHODrug).

Which list a variable gets, first match wins:
1. the SDTMIG codelist(s) of the variable (CDISC CT);
2. MedDRA for the dictionary-coded Events variables (--DECOD, --BODSYS, --SOC, codes),
   CTCAE for --TOXGR, when the mapping codes the domain with the ``ctcae`` algorithm;
   WHODrug for --DECOD of Interventions;
3. a value map of the mapping rule: the CT codelist of another variable recoded with the same
   map, else a sponsor-defined list of the map's values that occur in the data.
"""
from __future__ import annotations

import pandas as pd

from cup2std.spec.model import MappingSpec
from cup2std.standards import load_ct, load_ctcae, load_sdtmig
from cup2std.standards.ct import CT_PACKAGE_DATE
from cup2std.write.define.describe import value_maps_used
from cup2std.write.define.model import CodeList, Define, Term

CT_STANDARD_OID = f"STD.CT.SDTM.{CT_PACKAGE_DATE}"
# CTCAE v5.0 terms are MedDRA 20.1 lowest level terms (CTCAE v5.0, November 27, 2017).
CTCAE_MEDDRA_VERSION = "20.1"
MEDDRA_SUFFIXES = ("DECOD", "BODSYS", "SOC", "LLT", "HLT", "HLGT", "PTCD", "LLTCD", "HLTCD",
                   "HLGTCD", "SOCCD", "BDSYCD")


def uses_ctcae(spec: MappingSpec, domain: str) -> list[str]:
    """Source columns the mapping looks up in CTCAE for ``domain`` ([] when it does not)."""
    cols = []

    def walk(vs):
        if vs.algorithm == "ctcae":
            cols.append(str(vs.arg))
        for alt in vs.alternatives:
            walk(alt)
    for b in spec.blocks_for(domain):
        for vs in b.variables.values():
            walk(vs)
    return cols


def map_codelists(spec: MappingSpec) -> dict[str, tuple[str, ...]]:
    """Value map name -> CT codelist codes of an SDTMIG variable recoded with it."""
    ig = load_sdtmig()
    out: dict[str, tuple[str, ...]] = {}
    for b in spec.blocks:
        meta = ig.get(b.domain)
        for var, vs in b.variables.items():
            if meta is not None and var in meta and meta[var].codelists:
                for m in value_maps_used(vs):
                    out.setdefault(m, meta[var].codelists)
    return out


def codelist_for(define: Define, spec: MappingSpec, domain: str, var: str, values: pd.Series,
                 datatype: str, maps: list[str]) -> str:
    """OID of the CodeList for one item (adding its terms), or '' when none applies."""
    if datatype not in ("text", "integer", "float"):
        return ""
    ig = load_sdtmig()
    meta = ig.get("SUPPQUAL" if domain.startswith("SUPP") else domain)
    codes = meta[var].codelists if meta is not None and var in meta else ()
    if codes and datatype == "text":
        return _ct(define, codes, values)
    suffix = var[len(domain):] if var.startswith(domain) else ""
    has_data = values.fillna("").astype(str).ne("").any() if values.dtype == object \
        else values.notna().any()
    klass = meta.klass if meta is not None else ""
    if has_data and klass == "Events" and suffix in MEDDRA_SUFFIXES:
        version = CTCAE_MEDDRA_VERSION if uses_ctcae(spec, domain) else ""
        return _external(define, "MedDRA", version, datatype)
    if has_data and suffix == "TOXGR" and uses_ctcae(spec, domain):
        return _external(define, "CTCAE", load_ctcae().version, datatype)
    if has_data and klass == "Interventions" and suffix == "DECOD":
        return _external(define, "WHODD", "", datatype)
    ct_maps = map_codelists(spec)
    for m in maps:
        if m in ct_maps and datatype == "text":
            return _ct(define, ct_maps[m], values)
    for m in maps:
        if datatype == "text":
            return _sponsor(define, m, values)
    return ""


def _used(values: pd.Series) -> list[str]:
    """The distinct non-empty values, sorted (unique() first: columns repeat a lot)."""
    return sorted({str(v) for v in pd.unique(values.to_numpy(dtype=object))
                   if v is not None and v == v and str(v) != ""})


def _ct(define: Define, codes: tuple[str, ...], values: pd.Series) -> str:
    ct = load_ct()
    lists = [ct.get(c) for c in codes if ct.get(c) is not None]
    if not lists:
        return ""
    oid = "CL." + ".".join(cl.submission_value for cl in lists)
    cl = define.codelists.get(oid)
    if cl is None:
        cl = define.codelists[oid] = CodeList(
            oid, " / ".join(c.name for c in lists), code=lists[0].code if len(lists) == 1 else "",
            standard=True)
    known = {t.value for t in cl.terms}
    for v in _used(values):
        if v in known:
            continue
        term = next((c.values[v] for c in lists if v in c.values), None)
        cl.terms.append(Term(v, term.code if term else "", extended=term is None))
    cl.terms.sort(key=lambda t: t.value)
    return oid


def _external(define: Define, dictionary: str, version: str, datatype: str) -> str:
    oid = f"CL.{dictionary.upper()}" + (f".{datatype.upper()}" if datatype != "text" else "")
    define.codelists.setdefault(oid, CodeList(oid, dictionary + (" codes" if datatype != "text"
                                                                  else ""),
                                              datatype=datatype, dictionary=dictionary,
                                              version=version))
    return oid


def _sponsor(define: Define, name: str, values: pd.Series) -> str:
    oid = f"CL.{name.upper()}"
    cl = define.codelists.setdefault(oid, CodeList(oid, f"{name} (value map of the mapping)"))
    known = {t.value for t in cl.terms}
    for v in _used(values):
        if v not in known:
            cl.terms.append(Term(v))
    cl.terms.sort(key=lambda t: t.value)
    return oid
