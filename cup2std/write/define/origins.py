"""def:Origin and MethodDef of each variable: from the mapping rule that filled it, else from
the SDTM derivation that computed it (cup2std/engine/derive.py), else Not Available.

The method texts are written from the mapping's ``derivations`` section, so a study that
changes its epochs or its treatment-emergence window gets the new text without code changes.
"""
from __future__ import annotations

from cup2std.spec.model import Block, MappingSpec, VarSpec
from cup2std.standards.sdtmig import DOMAIN_KEYS
from cup2std.write.define.describe import describe, form_files, origin_type
from cup2std.write.define.model import Define, Origin

SOURCE = {"Collected": "Investigator", "Assigned": "Sponsor", "Derived": "Sponsor",
          "Protocol": "Sponsor"}
SUPP_ASSIGNED = ("RDOMAIN", "IDVAR", "QNAM", "QLABEL", "QORIG", "QEVAL")


def rules_for(spec: MappingSpec, domain: str, var: str) -> list[tuple[Block, VarSpec]]:
    """The mapping rules that fill ``domain.var`` (one per block that sets it)."""
    return [(b, b.variables[var]) for b in spec.blocks_for(domain) if var in b.variables]


def origins_from_rules(spec: MappingSpec, rules: list[tuple[Block, VarSpec]]) -> list[Origin]:
    """One def:Origin per origin type, its description listing the blocks of that type."""
    files = form_files(spec)
    by_type: dict[str, list[str]] = {}
    for block, vs in rules:
        text = describe(vs, files.get(block.form, block.form), files)
        if len(rules) > 1 and block.label:
            text = f"{block.label}: {text}"
        by_type.setdefault(origin_type(vs), []).append(text)
    return [Origin(t, SOURCE.get(t, ""), "; ".join(dict.fromkeys(texts)))
            for t, texts in by_type.items()]


def mapping_method(define: Define, spec: MappingSpec, domain: str, var: str,
                   rules: list[tuple[Block, VarSpec]]) -> str:
    """A MethodDef for a variable the mapping computes (template, compute, flag, ctcae)."""
    if not any(origin_type(vs) == "Derived" for _, vs in rules):
        return ""
    text = "; ".join(o.description for o in origins_from_rules(spec, rules))
    return define.method(f"MT.{domain}.{var}", f"Algorithm to derive {domain}.{var}",
                         f"{domain}.{var} = {text}.")


def derivation(define: Define, spec: MappingSpec, domain: str, var: str,
               ) -> tuple[list[Origin], str]:
    """Origin and method OID of a variable set by an SDTM derivation; ([], "") if none."""
    d = spec.derivations
    derived = [Origin("Derived", "Sponsor")]
    if var in ("STUDYID", "DOMAIN") or (domain.startswith("SUPP") and var in SUPP_ASSIGNED):
        return [Origin("Assigned", "Sponsor")], ""
    if var == "USUBJID":
        return derived, define.method(
            "MT.USUBJID", "Algorithm to derive USUBJID",
            f"USUBJID = {spec.study['usubjid']} (the registry subject id as SUBJID).")
    if var == "SUBJID" and domain == "DM":
        form = spec.source.subjects_form
        return [Origin("Collected", "Investigator",
                       f"{form.file or form.sheet} column '{spec.source.subject}'")], ""
    if var == "IDVARVAL":
        return derived, define.method(
            "MT.IDVARVAL", "Algorithm to derive IDVARVAL",
            "The value of the parent record's IDVAR (its --SEQ); empty for DM qualifiers.")
    if var in d.reference_dates:
        how, sources = next(iter(d.reference_dates[var].items()))
        return derived, define.method(
            f"MT.DM.{var}", f"Algorithm to derive DM.{var}",
            f"{var} = the {'earliest' if how == 'first' else 'latest'} of "
            f"{', '.join(sources)} per subject (ISO 8601 text compared in time order).")
    if var == "DTHFL":
        return derived, define.method("MT.DM.DTHFL", "Algorithm to derive DM.DTHFL",
                                      "DTHFL = Y when DTHDTC is known, else null.")
    if var in ("ACTARMCD", "ACTARM", "ARMNRS") and d.actual_arm_if_untreated:
        un = d.actual_arm_if_untreated
        return derived, define.method(
            "MT.DM.ACTARM", "Algorithm to derive DM.ACTARMCD, ACTARM and ARMNRS",
            f"Subjects with an EX record: ACTARMCD/ACTARM = ARMCD/ARM. Subjects without: "
            f"ACTARMCD = {un.get('ACTARMCD', 'NOTTRT')}, ACTARM = "
            f"{un.get('ACTARM', 'Not Treated')}, ARMNRS = NOT TREATED.")
    if var == f"{domain}SEQ":
        keys = [k for k in DOMAIN_KEYS.get(domain, ()) if k not in ("STUDYID", "USUBJID")]
        return derived, define.method(
            f"MT.{domain}.{var}", f"Algorithm to derive {domain}.{var}",
            f"{var} = 1, 2, ... per USUBJID, records ordered by {', '.join(keys)}, then by "
            "mapping block and source row.")
    if var.endswith("DY") and var[:-2].startswith(domain):
        return derived, define.method(
            "MT.STUDYDAY", "Algorithm to derive study day (--DY, --STDY, --ENDY)",
            "--DY = (date of --DTC) - (date of DM.RFSTDTC) + 1 when on or after RFSTDTC, else "
            "(date of --DTC) - (date of DM.RFSTDTC); there is no day 0. Null when either date "
            "is partial.")
    if var == "EPOCH" and d.epochs:
        e = d.epochs
        return derived, define.method(
            "MT.EPOCH", "Algorithm to derive EPOCH",
            f"From the record's start date (--STDTC, else --DTC) against DM.RFXSTDTC and "
            f"DM.RFXENDTC: before RFXSTDTC = {e.get('before', '')}; from RFXSTDTC to RFXENDTC = "
            f"{e.get('during', '')}; after RFXENDTC = {e.get('after', '')}. Null when a partial "
            "date cannot be placed.")
    if var == f"{domain}LOBXFL":
        return derived, define.method(
            f"MT.LOBXFL", "Algorithm to derive --LOBXFL",
            "--LOBXFL = Y on the last record with a result on or before DM.RFXSTDTC, per "
            "subject and --TESTCD.")
    if domain == "TS" and var == "TSPARM":
        return [Origin("Assigned", "Sponsor", "CDISC CT TSPARM term paired with TSPARMCD")], ""
    if domain == "TS" and var == "TSSEQ":
        return derived, define.method("MT.TS.TSSEQ", "Algorithm to derive TS.TSSEQ",
                                      "TSSEQ = 1, 2, ... per TSPARMCD in the mapping's order.")
    if domain == "TS":
        return [Origin("Protocol", "Sponsor", "trial_summary section of the mapping")], ""
    return [], ""


def treatment_emergent_method(define: Define, spec: MappingSpec) -> str:
    """The MethodDef of the treatment-emergent flag (a SUPPAE qualifier)."""
    rule = spec.derivations.treatment_emergent
    window = int(rule.get("window_days", 30))
    return define.method(
        "MT.AE.TRTEMFL", "Algorithm to derive the treatment-emergent flag",
        f"Y when AESTDTC is on or after DM.RFXSTDTC and no later than DM.RFXENDTC + {window} "
        "days; N otherwise; a partial onset is compared at its own precision and counts as "
        "treatment-emergent when that cannot be ruled out.")
