"""The sample's SDTM package reproduces the published figures of the German isatuximab CUP.

Computed here directly from the XPT files with pandas (independently of cup2std's own code);
expected values typed from tests/fixtures/published-figures.md.
"""
import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def xpt(converted):
    def read(name):
        df = pd.read_sas(converted.out / "sdtm" / f"{name}.xpt", format="xport", encoding="ascii")
        for c in df.columns:  # pandas-dev/pandas#50670: true zeros may read as 5.4e-79
            if df[c].dtype.kind == "f":
                df[c] = df[c].where(df[c].abs() > 1e-70, 0.0)
        return df
    return {n: read(n) for n in ["dm", "suppdm", "ex", "ae", "suppae", "ds", "suppds", "cm",
                                  "mh", "vs", "rs"]}


def n_pct(n: int, total: int = 18) -> str:
    return f"{n} ({100 * n / total:.1f})"


def med(values) -> str:
    v = pd.Series(values, dtype=float)
    fmt = lambda x: f"{x:g}"
    return f"{fmt(v.median())} ({fmt(v.min())}, {fmt(v.max())})"


def supp(df, qnam):
    s = df[df["QNAM"] == qnam]
    return s.set_index(["USUBJID", "IDVARVAL"])["QVAL"]


@pytest.fixture(scope="module")
def ae(xpt):
    a = xpt["ae"].copy()
    a["key"] = list(zip(a["USUBJID"], a["AESEQ"].astype(int).astype(str)))
    for q in ("AETRTEM", "AERELPOM", "AERELDEX", "AESI"):
        a[q] = a["key"].map(supp(xpt["suppae"], q)).fillna("")
    return a


@pytest.fixture(scope="module")
def teae(ae):
    return ae[ae["AETRTEM"] == "Y"]


def test_table1_baseline(xpt):
    dm, vs, rs, cm, mh, ds = (xpt[k] for k in ("dm", "vs", "rs", "cm", "mh", "ds"))
    assert len(dm) == 18 and dm["SITEID"].nunique() == 12
    assert (n_pct((dm.SEX == "F").sum()), n_pct((dm.SEX == "M").sum())) == ("10 (55.6)", "8 (44.4)")
    assert med(dm["AGE"]) == "67 (47, 78)"
    base = vs[vs["VSLOBXFL"] == "Y"]
    assert med(base.loc[base.VSTESTCD == "WEIGHT", "VSSTRESN"]) == "75.5 (46, 88)"
    assert med(base.loc[base.VSTESTCD == "HEIGHT", "VSSTRESN"]) == "169.5 (150, 187)"
    ecog = rs[rs.RSTESTCD == "ECOG101"]["RSSTRESC"].value_counts()
    assert [n_pct(ecog[k]) for k in "012"] == ["5 (27.8)", "10 (55.6)", "3 (16.7)"]
    diag = mh[mh.MHCAT == "PRIMARY DIAGNOSIS"].set_index("USUBJID")["MHSTDTC"]
    reg = ds[ds.DSDECOD == "ENTERED INTO TRIAL"].set_index("USUBJID")["DSSTDTC"]
    months = lambda s: s.str[:4].astype(int) * 12 + s.str[5:7].astype(int)
    years = (months(reg) - months(diag.loc[reg.index])) // 12
    assert med(years) == "7 (1, 17)"
    assert med(supp(xpt["suppdm"], "PRIORLN").astype(float)) == "3 (2, 11)"
    pre = cm[cm.CMPRESP == "Y"]
    got = {t: n_pct(((pre.CMTRT == t) & (pre.CMOCCUR == "Y")).sum()) for t in pre.CMTRT.unique()}
    assert got == {"PROTEASOME INHIBITOR": "18 (100.0)", "LENALIDOMIDE": "18 (100.0)",
                   "POMALIDOMIDE": "9 (50.0)", "ANTI-CD38 MONOCLONAL ANTIBODY": "8 (44.4)"}
    assert n_pct(cm[cm.CMCAT == "CONCOMITANT MEDICATION"].USUBJID.nunique()) == "8 (44.4)"
    assert n_pct(mh[mh.MHCAT == "CONCOMITANT DISEASE"].USUBJID.nunique()) == "9 (50.0)"


TABLE2 = {  # term: (any, >=3, serious, related, related >=3), patients
    "Anemia": (1, 1, 1, 0, 0), "Febrile neutropenia": (1, 1, 0, 1, 1), "Neutropenia": (1, 0, 0, 0, 0),
    "Angina pectoris": (1, 0, 1, 1, 0), "Ascites": (1, 0, 0, 0, 0),
    "Disease progression": (1, 1, 1, 0, 0), "Localized edema": (2, 0, 0, 0, 0),
    "Pain": (1, 1, 1, 0, 0), "Bronchitis": (1, 1, 1, 0, 0), "Urinary tract infection": (2, 1, 1, 1, 1),
    "Fall": (1, 1, 1, 0, 0), "Hip fracture": (1, 1, 1, 0, 0),
    "Infusion related reaction": (1, 0, 0, 1, 0), "Neutrophil count decreased": (1, 1, 0, 1, 1),
    "Platelet count decreased": (1, 1, 1, 1, 1), "Cachexia": (1, 1, 1, 0, 0),
    "Hypokalemia": (1, 1, 0, 0, 0), "Back pain": (1, 0, 0, 0, 0), "Bone pain": (1, 1, 1, 0, 0),
    "Plasma cell myeloma": (2, 2, 1, 0, 0), "Dizziness": (1, 0, 0, 0, 0), "Dyspnea": (1, 0, 0, 1, 0),
    "Laryngeal obstruction": (1, 0, 0, 1, 0), "Pruritus": (1, 0, 0, 1, 0),
    "Hypertension": (1, 1, 0, 1, 1),
}


def test_table2_teae_by_term(teae):
    t = teae.assign(g3=teae.AETOXGR.astype(int) >= 3, rel=teae.AEREL == "RELATED")
    got = {}
    for term, g in t.groupby("AEDECOD"):
        pts = lambda m: g.loc[m, "USUBJID"].nunique()
        got[term] = (pts(g.index == g.index), pts(g.g3), pts(g.AESER == "Y"), pts(g.rel),
                     pts(g.rel & g.g3))
    assert got == TABLE2


def test_table2_soc_of_terms(teae):
    soc = teae.groupby("AEDECOD")["AESOC"].first()
    assert soc["Angina pectoris"] == "Cardiac disorders"
    assert soc["Plasma cell myeloma"].startswith("Neoplasms benign, malignant and unspecified")
    assert soc["Hip fracture"] == "Injury, poisoning and procedural complications"


def test_text_counts(ae, teae):
    assert (len(ae), ae.USUBJID.nunique()) == (29, 11)
    pre = ae[ae.AETRTEM == "N"]
    assert len(pre) == 1 and (pre.AESER == "Y").all()
    assert len(teae) == 28
    assert (teae.AESTDY <= 28).sum() == 19 and (teae.AESTDY <= 5).sum() == 10
    rel = teae[teae.AEREL == "RELATED"]
    assert len(rel) == 10
    rel3 = rel[rel.AETOXGR.astype(int) >= 3]
    assert (len(rel3), n_pct(rel3.USUBJID.nunique())) == (5, "4 (22.2)")
    assert sorted(rel3.AEDECOD) == ["Febrile neutropenia", "Hypertension",
                                    "Neutrophil count decreased", "Platelet count decreased",
                                    "Urinary tract infection"]
    assert n_pct(rel.USUBJID.nunique()) == "6 (33.3)"
    assert n_pct(teae[teae.AERELDEX == "RELATED"].USUBJID.nunique()) == "1 (5.6)"
    assert n_pct(teae[teae.AERELPOM == "RELATED"].USUBJID.nunique()) == "2 (11.1)"
    ser_rel = rel[rel.AESER == "Y"].set_index("AEDECOD")
    assert ser_rel.AETOXGR.to_dict() == {"Angina pectoris": "2", "Platelet count decreased": "4",
                                         "Urinary tract infection": "3"}
    assert ser_rel.AEACN.to_dict() == {"Angina pectoris": "DRUG WITHDRAWN",
                                       "Platelet count decreased": "DOSE NOT CHANGED",
                                       "Urinary tract infection": "DRUG WITHDRAWN"}
    assert sorted(teae[teae.AESI == "Y"].AEDECOD) == [
        "Angina pectoris", "Dyspnea", "Hypertension", "Infusion related reaction",
        "Laryngeal obstruction"]
    wd = teae[teae.AEACN == "DRUG WITHDRAWN"]
    assert sorted(zip(wd.AEDECOD, wd.AETOXGR)) == [
        ("Angina pectoris", "2"), ("Dyspnea", "1"), ("Febrile neutropenia", "3"),
        ("Hypertension", "3"), ("Infusion related reaction", "2"), ("Laryngeal obstruction", "2"),
        ("Urinary tract infection", "3")]
    assert n_pct(wd.USUBJID.nunique()) == "6 (33.3)"
    assert n_pct(teae[teae.AESER == "Y"].USUBJID.nunique()) == "6 (33.3)"
    fatal = teae[teae.AEOUT == "FATAL"]
    assert sorted(fatal.AEDECOD) == ["Disease progression", "Plasma cell myeloma"]
    assert (fatal.AETOXGR == "5").all() and (fatal.AEREL == "NOT RELATED").all()
    per_pt = teae.groupby("USUBJID").AEOUT.agg(set)
    died = per_pt.map(lambda s: "FATAL" in s)
    notrec = per_pt.map(lambda s: "FATAL" not in s and "NOT RECOVERED/NOT RESOLVED" in s)
    assert (died.sum(), notrec.sum(), (~died & ~notrec).sum()) == (2, 1, 8)


def test_table3_exposure_and_disposition(xpt):
    ds = xpt["ds"]
    eot = ds[ds.DSCAT == "DISPOSITION EVENT"].copy()
    eot["PREMAT"] = list(map(dict(supp(xpt["suppds"], "PREMAT")).get,
                             zip(eot.USUBJID, eot.DSSEQ.astype(int).astype(str))))
    assert (n_pct((eot.PREMAT == "Y").sum()), n_pct((eot.PREMAT == "N").sum())) == \
        ("6 (33.3)", "12 (66.7)")
    reasons = eot[eot.PREMAT == "Y"].DSDECOD.value_counts()
    assert {k: n_pct(v) for k, v in reasons.items()} == {
        "PROGRESSIVE DISEASE": "3 (16.7)", "DEATH": "2 (11.1)", "OTHER": "1 (5.6)"}
    cycles = (xpt["ex"].VISITNUM // 100).groupby(xpt["ex"].USUBJID).max()
    assert [n_pct((cycles >= k).sum()) for k in range(1, 6)] == [
        "18 (100.0)", "13 (72.2)", "6 (33.3)", "3 (16.7)", "2 (11.1)"]


def test_deaths_agree_across_dm_ae_ds(xpt, ae):
    dm = xpt["dm"]
    dead = set(dm[dm.DTHFL == "Y"].USUBJID)
    assert dead == set(ae[ae.AEOUT == "FATAL"].USUBJID)
    assert dead == set(xpt["ds"][xpt["ds"].DSDECOD == "DEATH"].USUBJID)
    assert len(dead) == 2
