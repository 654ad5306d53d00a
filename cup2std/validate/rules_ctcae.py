"""CTCAE v5.0 grading of adverse events, and seriousness.

The grading rules run when AE has AETOXGR (a package graded with AESEV is not CTCAE-graded).
The term checked is AEDECOD, or AETERM when AEDECOD is empty.

>>> ae = pd.DataFrame({"USUBJID": ["S-1", "S-1"], "AEDECOD": ["Anemia", "Anemia"],
...                    "AETOXGR": ["3", "6"]})
>>> [f.value for f in grade_range({"AE": ae}, RuleContext())]
['6']
"""
from __future__ import annotations

import pandas as pd

from cup2std.standards import load_ctcae
from cup2std.validate.ctcae_suggest import suggest
from cup2std.validate.findings import Finding
from cup2std.validate.registry import Frames, RuleContext, col, emit, rule

THEME = "ctcae"
CRITERIA = ("AESCAN", "AESCONG", "AESDISAB", "AESDTH", "AESHOSP", "AESLIFE", "AESOD", "AESMIE")


def _graded_ae(frames: Frames) -> pd.DataFrame | None:
    ae = frames.get("AE")
    if ae is None or "AETOXGR" not in ae or col(ae, "AETOXGR").eq("").all():
        return None
    return ae


def _term(ae: pd.DataFrame) -> tuple[str, pd.Series]:
    dec, term = col(ae, "AEDECOD"), col(ae, "AETERM")
    name = "AEDECOD" if "AEDECOD" in ae else "AETERM"
    return name, dec.where(dec.ne(""), term)


def _grades(grades: tuple[int, ...]) -> str:
    if not grades:
        return "none"
    return f"{grades[0]}-{grades[-1]}" if len(grades) > 1 and \
        grades == tuple(range(grades[0], grades[-1] + 1)) else ", ".join(map(str, grades))


@rule("CTC001", "error", "AETOXGR is a CTCAE grade: 1, 2, 3, 4 or 5", THEME)
def grade_range(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = _graded_ae(frames)
    if ae is None:
        return []
    g = col(ae, "AETOXGR")
    return emit(ctx, "CTC001", ae, g.ne("") & ~g.isin(["1", "2", "3", "4", "5"]),
                "AETOXGR must be 1, 2, 3, 4 or 5 (CTCAE v5.0 has no other grade); correct the "
                "grade in the source", domain="AE", variable="AETOXGR", value=g)


@rule("CTC002", "warning", "The AE term is a CTCAE v5.0 term (else: the nearest CTCAE terms)",
      THEME)
def ctcae_term(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = _graded_ae(frames)
    if ae is None:
        return []
    var, terms = _term(ae)
    ctcae = load_ctcae()
    known = {t: ctcae.term(t) is not None for t in terms.unique()}
    bad = terms.ne("") & ~terms.map(known).astype(bool)
    soc = col(ae, "AESOC").where(col(ae, "AESOC").ne(""), col(ae, "AEBODSYS"))
    msgs = {}
    for idx in ae.index[bad]:
        key = (terms[idx], soc[idx])
        if key not in msgs:
            near = suggest(*key)
            hint = "; ".join(f'"{t}" (grades {_grades(ctcae.term(t).grades)})' for t in near)
            msgs[key] = (f'"{terms[idx]}" is not a CTCAE v5.0 term' +
                         (f"; nearest CTCAE terms: {hint}" if hint else "") +
                         ". Code the event to a CTCAE term, or accept it in the review file "
                         "with a justification")
    msg = pd.Series({i: msgs[(terms[i], soc[i])] for i in ae.index[bad]}, dtype=object)
    return emit(ctx, "CTC002", ae, bad, msg, domain="AE", variable=var, value=terms)


@rule("CTC003", "error", "The grade is defined for the CTCAE term (Febrile neutropenia has no "
      "grade 1 or 2, Disease progression only grade 5)", THEME)
def grade_defined(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = _graded_ae(frames)
    if ae is None:
        return []
    var, terms = _term(ae)
    ctcae = load_ctcae()
    allowed = {t: tuple(str(g) for g in ctcae.term(t).grades) for t in terms.unique()
               if ctcae.term(t) is not None}
    g = col(ae, "AETOXGR")
    pairs = {f"{t}|{gr}" for t, grades in allowed.items() for gr in grades}
    bad = terms.isin(list(allowed)) & g.isin(["1", "2", "3", "4", "5"]) & \
        ~(terms + "|" + g).isin(pairs)
    msg = ('grade ' + g[bad] + ' is not defined for "' + terms[bad] + '" in CTCAE v5.0 '
           '(defined: ' + terms[bad].map(lambda t: _grades(ctcae.term(t).grades)) + '); '
           'check the grade or the term')
    return emit(ctx, "CTC003", ae, bad, msg, domain="AE", variable="AETOXGR", value=g)


@rule("CTC004", "error", "The MedDRA code (AEPTCD, else AELLTCD) is the code of the CTCAE term",
      THEME)
def meddra_code(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = _graded_ae(frames)
    if ae is None:
        return []
    var, terms = _term(ae)
    code_var = "AEPTCD" if "AEPTCD" in ae else "AELLTCD"
    codes = col(ae, code_var)
    ctcae = load_ctcae()
    want = terms.map({t: (ctcae.term(t).meddra_code if ctcae.term(t) else "")
                      for t in terms.unique()})
    bad = codes.ne("") & want.ne("") & codes.ne(want)
    msg = (code_var + " " + codes[bad] + ' is not the MedDRA code of CTCAE term "' +
           terms[bad] + '" (' + want[bad] + "); correct the code or the term")
    return emit(ctx, "CTC004", ae, bad, msg, domain="AE", variable=code_var, value=codes)


@rule("CTC005", "error", "Grade 5 if and only if AEOUT = FATAL and AESDTH = Y", THEME)
def grade5_fatal(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = _graded_ae(frames)
    if ae is None:
        return []
    g = col(ae, "AETOXGR")
    fatal = col(ae, "AEOUT").eq("FATAL")
    death = col(ae, "AESDTH").eq("Y") if "AESDTH" in ae else fatal
    g5 = g.eq("5")
    bad = g5 & ~(fatal & death)  # messages only for the flagged rows
    out = emit(ctx, "CTC005", ae, bad,
               "grade 5 (death) but AEOUT is " + col(ae, "AEOUT")[bad].replace("", "empty") +
               " and AESDTH is " + col(ae, "AESDTH")[bad].replace("", "empty") +
               "; a grade 5 event is fatal (AEOUT = FATAL, AESDTH = Y), or the grade is wrong",
               domain="AE", variable="AETOXGR", value=g)
    bad = g.ne("") & ~g5 & (fatal | death)
    out += emit(ctx, "CTC005", ae, bad,
                "AEOUT = FATAL or AESDTH = Y but AETOXGR is " + g[bad] +
                "; death related to an adverse event is grade 5 in CTCAE v5.0",
                domain="AE", variable="AETOXGR", value=g)
    return out


@rule("SER001", "error", "AESER = Y has at least one seriousness criterion = Y", THEME)
def serious_needs_criterion(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = frames.get("AE")
    crit = [c for c in CRITERIA if ae is not None and c in ae]
    if ae is None or "AESER" not in ae or not crit:
        return []
    any_y = pd.concat([col(ae, c).eq("Y") for c in crit], axis=1).any(axis=1)
    return emit(ctx, "SER001", ae, col(ae, "AESER").eq("Y") & ~any_y,
                f"AESER = Y but none of {', '.join(crit)} is Y; record the criterion that "
                "made the event serious", domain="AE", variable="AESER")


@rule("SER002", "error", "A seriousness criterion = Y needs AESER = Y", THEME)
def criterion_needs_serious(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = frames.get("AE")
    if ae is None or "AESER" not in ae:
        return []
    out = []
    aeser = col(ae, "AESER")
    not_serious = aeser.ne("Y")
    for c in (c for c in CRITERIA if c in ae):
        bad = col(ae, c).eq("Y") & not_serious  # messages only for the flagged rows
        out += emit(ctx, "SER002", ae, bad,
                    f"{c} = Y but AESER is " + aeser[bad].replace("", "empty") +
                    "; an event meeting a seriousness criterion is serious (AESER = Y)",
                    domain="AE", variable=c)
    return out

