"""The Define-XML model from the hub, the mapping and the datasets exactly as written.

>>> define = build_define(hub, [d["dataset"] for d in datasets.values()])  # doctest: +SKIP
>>> [d.name for d in define.datasets][:3]                                   # doctest: +SKIP
['DM', 'SUPPDM', 'EX']
"""
from __future__ import annotations

import pandas as pd

from cup2std.engine.hub import Hub
from cup2std.standards import load_ct, load_ctcae, load_sdtmig
from cup2std.standards.sdtmig import DOMAIN_KEYS, SDTMIG_VERSION
from cup2std.write.define.codelists import CT_STANDARD_OID, codelist_for, uses_ctcae
from cup2std.write.define.describe import value_maps_used
from cup2std.write.define.model import Dataset, Define, ItemDef, ItemRef, Origin, ValueList, \
    WhereClause
from cup2std.write.define.origins import (
    derivation, mapping_method, origins_from_rules, rules_for, treatment_emergent_method,
)
from cup2std.write.define.types import item_type
from cup2std.write.define.vlm import oid_part, subsets, value_level_targets
from cup2std.write.xpt import XptDataset

IG_STANDARD_OID = f"STD.SDTMIG.{SDTMIG_VERSION}"
# SDTMIG 3.4 dataset structures (the "Structure" line of each domain's specification table).
STRUCTURES = {
    "DM": "One record per subject",
    "AE": "One record per adverse event per subject",
    "EX": "One record per protocol-specified study treatment, constant-dosing interval, per "
          "subject",
    "DS": "One record per disposition status or protocol milestone per subject",
    "CM": "One record per recorded intervention occurrence or constant-dosing interval per "
          "subject",
    "MH": "One record per medical history event per subject",
    "VS": "One record per vital sign measurement per time point per visit per subject",
    "RS": "One record per response assessment or clinical classification assessment per time "
          "point per visit per subject per assessor per medical evaluator",
    "TS": "One record per trial summary parameter value",
    "SE": "One record per actual Element per subject",
    "SV": "One record per actual or planned visit per subject",
    "TA": "One record per planned Element per Arm", "TE": "One record per planned Element",
    "TI": "One record per I/E criterion", "TV": "One record per planned Visit per Arm",
    "SUPPQUAL": "One record per IDVAR, IDVARVAL, and QNAM value per subject",
}


def build_define(hub: Hub, written: list[XptDataset]) -> Define:
    """Every dataset, variable, value-level item, codelist, method and comment."""
    spec = hub.spec
    title = next((t.get("TSVAL", "") for t in spec.trial_summary if t["TSPARMCD"] == "TITLE"),
                 spec.name)
    define = Define(
        study_oid=f"ST.{spec.studyid}", study_name=spec.studyid, description=title,
        protocol=spec.studyid,
        standards=[{"OID": IG_STANDARD_OID, "Name": "SDTMIG", "Type": "IG",
                    "Version": SDTMIG_VERSION, "Status": "Final"},
                   {"OID": CT_STANDARD_OID, "Name": "CDISC/NCI", "Type": "CT",
                    "PublishingSet": "SDTM", "Version": load_ct().package_date,
                    "Status": "Final"}])
    ascii_changes = _transliterations(hub)
    for ds in written:
        define.datasets.append(_dataset(define, hub, ds, ascii_changes))
    _drop_empty_codelists(define)
    return define


def _drop_empty_codelists(define: Define) -> None:
    """A codelist whose variables are all empty has no term to list: no CodeList, no ref."""
    empty = {oid for oid, cl in define.codelists.items() if not cl.terms and not cl.dictionary}
    for oid in empty:
        del define.codelists[oid]
    for item in define.items.values():
        if item.codelist_oid in empty:
            item.codelist_oid = ""


def _dataset(define: Define, hub: Hub, ds: XptDataset, ascii_changes: dict) -> Dataset:
    name, frame = ds.name, ds.frame
    meta_name = "SUPPQUAL" if name.startswith("SUPP") else name
    meta = load_sdtmig()[meta_name]
    klass = meta.klass.upper().replace("-", " ")
    out = Dataset(f"IG.{name}", name, name, ds.label, klass,
                  STRUCTURES.get(meta_name, "One record per " + ", ".join(meta.keys)),
                  repeating=not (name == "DM" or klass == "TRIAL DESIGN"),
                  reference_data=klass == "TRIAL DESIGN", href=f"{name.lower()}.xpt")
    keys = _keys(name, meta_name, frame)
    for order, (col, label) in enumerate(zip(frame.columns, ds.labels), 1):
        # Type, length, codelist terms and comments depend on the distinct values only.
        item, method = _item(define, hub, name, col, label, frame[col].drop_duplicates(),
                             ascii_changes)
        define.items[item.oid] = item
        var = meta[col] if col in meta else None
        out.refs.append(ItemRef(item.oid, order, bool(var and var.core == "Req"),
                                keys.index(col) + 1 if col in keys else None, method,
                                var.role if var else ""))
    for where, targets in value_level_targets(name, frame):
        for target in targets:
            _value_list(define, hub, name, frame, where, target)
    return out


def _keys(name: str, meta_name: str, frame: pd.DataFrame) -> list[str]:
    """DOMAIN_KEYS present in the data, plus --SEQ when they do not identify a record."""
    keys = [k for k in DOMAIN_KEYS.get(meta_name, ("STUDYID", "USUBJID")) if k in frame]
    seq = f"{name}SEQ"
    if keys and frame.duplicated(keys).any() and seq in frame:
        keys.append(seq)
    return keys


def _item(define: Define, hub: Hub, ds: str, col: str, label: str, values: pd.Series,
          ascii_changes: dict) -> tuple[ItemDef, str]:
    spec = hub.spec
    datatype, length, digits = item_type(col, values)
    item = ItemDef(f"IT.{ds}.{col}", col, label, datatype, length, digits)
    rules = rules_for(spec, ds, col)
    method = ""
    if rules:
        item.origins = origins_from_rules(spec, rules)
        method = mapping_method(define, spec, ds, col, rules)
    elif not (ds.startswith("SUPP") and col == "QVAL"):
        item.origins, method = derivation(define, spec, ds, col)
    if not item.origins and not (ds.startswith("SUPP") and col == "QVAL"):
        item.origins = [Origin("Not Available", "", "not in the registry export")]
    maps = [m for _, vs in rules for m in value_maps_used(vs)]
    item.codelist_oid = codelist_for(define, spec, ds, col, values, datatype, maps)
    item.comment_oid = _comment(define, hub, ds, col, values, ascii_changes)
    return item, method


def _comment(define: Define, hub: Hub, ds: str, col: str, values: pd.Series,
             ascii_changes: dict) -> str:
    texts = []
    n, example = ascii_changes.get((ds, col), (0, None))
    if n:
        texts.append(f"{n} value(s) transliterated to ASCII for SAS XPORT v5 (e.g. "
                     f"'{example['from']}' -> '{example['to']}'); the UTF-8 originals are listed "
                     "in conversion-log.json (transliterations).")
    if col == f"{ds}DECOD" and uses_ctcae(hub.spec, ds):
        ctcae = load_ctcae()
        other = sorted({v for v in values.fillna("").astype(str) if v and not ctcae.term(v)})
        if other:
            texts.append(f"Coded to CTCAE v{ctcae.version} terms; {len(other)} term(s) are not "
                         f"CTCAE v{ctcae.version} terms and are kept as reported: "
                         f"{', '.join(other)}.")
    if not texts:
        return ""
    return define.comment(f"COM.{ds}.{col}", " ".join(texts))


def _value_list(define: Define, hub: Hub, ds: str, frame: pd.DataFrame, where: str,
                target: str) -> None:
    parent = define.items[f"IT.{ds}.{target}"]
    vl = define.valuelists.setdefault(f"VL.{ds}.{target}", ValueList(f"VL.{ds}.{target}"))
    parent.valuelist_oid = vl.oid
    for order, (value, sub) in enumerate(subsets(frame, where, target), 1):
        sub = sub.drop_duplicates()
        wc = define.where_clauses.setdefault(
            f"WC.{ds}.{where}.{oid_part(value)}",
            WhereClause(f"WC.{ds}.{where}.{oid_part(value)}", f"IT.{ds}.{where}", [value]))
        datatype, length, digits = item_type(target, sub)
        item = ItemDef(f"IT.{ds}.{target}.{oid_part(value)}", target, parent.label, datatype,
                       length, digits)
        origins, method, maps = _value_origin(define, hub, ds, where, target, value)
        item.origins = origins or parent.origins
        if ds.startswith("SUPP"):
            item.label = hub.supp_meta.get((ds[4:], value), {}).get("label") or \
                str(frame.loc[frame["QNAM"].eq(value), "QLABEL"].iloc[0])
        domain = ds[4:] if ds.startswith("SUPP") else ds
        item.codelist_oid = codelist_for(define, hub.spec, domain,
                                         value if ds.startswith("SUPP") else target, sub,
                                         datatype, maps)
        define.items[item.oid] = item
        vl.refs.append(ItemRef(item.oid, order, False, method_oid=method, where_oid=wc.oid))


def _value_origin(define: Define, hub: Hub, ds: str, where: str, target: str, value: str):
    """(origins, method OID, value maps) of one value-level item."""
    spec = hub.spec
    if ds.startswith("SUPP"):
        rdomain = ds[4:]
        rules = [(b, b.supp[value].var) for b in spec.blocks_for(rdomain) if value in b.supp]
        if rules:
            return (origins_from_rules(spec, rules), "",
                    [m for _, vs in rules for m in value_maps_used(vs)])
        te = spec.derivations.treatment_emergent
        if rdomain == "AE" and te and te.get("qnam", "AETRTEM") == value:
            return [Origin("Derived", "Sponsor")], treatment_emergent_method(define, spec), []
        source = next((c["variable"] for c in hub.ledger.changes
                       if c["kind"] == "long_text_split" and c["dataset"] == rdomain
                       and value.startswith(c["variable"][:7])), "")
        if source:
            return [Origin("Predecessor", "", f"{rdomain}.{source}: the text past 200 "
                                              "characters (SDTMIG 3.4 section 4.5.3.2)")], "", []
        return [], "", []
    blocks = [b for b in spec.blocks_for(ds) if where in b.variables
              and b.variables[where].algorithm == "hardcode"
              and str(b.variables[where].arg) == value]
    rules = [(b, b.variables[target]) for b in blocks if target in b.variables] or \
        rules_for(spec, ds, target)
    if not rules:
        return [], "", []
    method = mapping_method(define, spec, ds, target, rules)
    return origins_from_rules(spec, rules), method, [m for _, vs in rules
                                                     for m in value_maps_used(vs)]


def _transliterations(hub: Hub) -> dict[tuple[str, str], tuple[int, dict]]:
    out: dict[tuple[str, str], tuple[int, dict]] = {}
    for c in hub.ledger.changes:
        if c.get("kind") == "transliteration":
            n, first = out.get((c["dataset"], c["variable"]), (0, c))
            out[(c["dataset"], c["variable"])] = (n + 1, first)
    return out
