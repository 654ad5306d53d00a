"""Planted defects: one per rule, each a small edit of the clean sample's SDTM frames.

Each entry is ``(rule id, what is planted, edit)``; ``edit(frames, ctx)`` changes the frames
(or the rule context) in place so that exactly that rule fires. Study days are re-derived
after an edit (``redo_study_days``) so that moving a date plants one defect, not two.
"""
from __future__ import annotations

import pandas as pd

from cup2std.engine.derive import study_day
from cup2std.validate.registry import dm_lookup


def redo_study_days(frames: dict) -> None:
    for name, df in frames.items():
        if name == "DM" or "USUBJID" not in df:
            continue
        ref = dm_lookup(frames, "RFSTDTC", df["USUBJID"])
        for c in [c for c in df.columns if c.endswith("DTC") and c[:-3] + "DY" in df]:
            df[c[:-3] + "DY"] = study_day(df[c], ref)


def _row(df: pd.DataFrame, **match) -> int:
    mask = pd.Series(True, index=df.index)
    for k, v in match.items():
        mask &= df[k].astype(str).eq(str(v))
    assert mask.sum() >= 1, f"no row with {match}"
    return df.index[mask][0]


S1 = "ISA-CUP-DE-101-001"   # died 2020-09-13; fatal Disease progression (AESEQ 4)
S2 = "ISA-CUP-DE-101-002"   # alive; non-serious AEs


def req001(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S2, AESEQ=1.0), "AETERM"] = ""


def req002(f, ctx):
    f["DM"] = f["DM"].drop(columns=["AGEU"])


def typ001(f, ctx):
    dm = f["DM"]
    dm["AGE"] = dm["AGE"].astype(object)
    dm.loc[0, "AGE"] = "sixty"


def len001(f, ctx):
    f["SUPPDM"].loc[0, "QNAM"] = "PRIORLINES"


def len002(f, ctx):
    ctx.xpt_meta = {"DM": {"SEX": 8}}


def meta001(f, ctx):
    f["LB"] = pd.DataFrame({"STUDYID": ["ISA-CUP-DE"], "DOMAIN": ["LB"], "USUBJID": [S2],
                            "LBSEQ": [1.0], "LBTESTCD": ["HGB"]})


def dm001(f, ctx):
    f["DM"] = pd.concat([f["DM"], f["DM"].iloc[[1]]], ignore_index=True)


def key001(f, ctx):
    vs = f["VS"]
    extra = vs.iloc[[0]].copy()
    extra["USUBJID"] = "ISA-CUP-DE-999-999"
    extra[[c for c in vs.columns if c.endswith("DY")]] = float("nan")
    f["VS"] = pd.concat([vs, extra], ignore_index=True)


def key002(f, ctx):
    ae = f["AE"]
    f["AE"] = pd.concat([ae, ae.loc[[_row(ae, USUBJID=S2, AESEQ=2.0)]]], ignore_index=True)


def key003(f, ctx):
    f["SUPPAE"].loc[0, "IDVARVAL"] = "99"


def ct001(f, ctx):
    f["DM"].loc[0, "SEX"] = "female"


def ct002(f, ctx):
    f["EX"].loc[0, "EXROUTE"] = "INTRAVENOUSLY"


def dt001(f, ctx):
    f["DM"].loc[1, "BRTHDTC"] = "12.03.1950"


def dt002(f, ctx):
    f["DM"].loc[1, "BRTHDTC"] = "1950-02-30"


def dt003(f, ctx):
    f["DM"].loc[1, "RFENDTC"] = "2020-01-01"


def dt004(f, ctx):
    ts = f["TS"]
    cut = ts.iloc[[0]].copy()
    cut[["TSSEQ", "TSPARMCD", "TSPARM", "TSVAL"]] = [1.0, "DCUTDTC", "Data Cutoff Date",
                                                     "2021-12-31"]
    f["TS"] = pd.concat([ts, cut], ignore_index=True)
    f["DM"].loc[1, "BRTHDTC"] = "2022"


def dt005(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S2, AESEQ=1.0), "AESTDY"] += 5


def ctc001(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S2, AESEQ=1.0), "AETOXGR"] = "6"


def ctc002(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S2, AESEQ=2.0), "AEDECOD"] = "Lumbago"


def ctc003(f, ctx):
    f["AE"].loc[_row(f["AE"], AEDECOD="Febrile neutropenia"), "AETOXGR"] = "1"


def ctc004(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S1, AEDECOD="Anemia"), "AEPTCD"] = 10016288.0


def ctc005(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S1, AEDECOD="Anemia"), "AETOXGR"] = "5"


def ser001(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S1, AEDECOD="Bone pain"), "AESHOSP"] = "N"


def ser002(f, ctx):
    f["AE"].loc[_row(f["AE"], USUBJID=S2, AESEQ=1.0), "AESLIFE"] = "Y"


def dth001(f, ctx):
    i = _row(f["AE"], USUBJID=S2, AESEQ=1.0)   # Ascites: grade 5 defined
    f["AE"].loc[i, ["AETOXGR", "AEOUT", "AESDTH", "AESER"]] = ["5", "FATAL", "Y", "Y"]


def dth002(f, ctx):
    ds = f["DS"]
    ds.loc[_row(ds, USUBJID=S1, DSDECOD="DEATH"), "DSDECOD"] = "PROGRESSIVE DISEASE"


def dth003(f, ctx):
    ds = f["DS"]
    ds.loc[_row(ds, USUBJID=S1, DSDECOD="DEATH"), "DSSTDTC"] = "2020-09-14"
    redo_study_days(f)


def dth004(f, ctx):
    f["DM"].loc[_row(f["DM"], USUBJID=S2), "DTHDTC"] = "2021-03-01"


def teae001(f, ctx):
    supp = f["SUPPAE"]
    i = _row(supp, USUBJID=S2, IDVARVAL="1", QNAM="AETRTEM")
    supp.loc[i, "QVAL"] = "N"


def rfx001(f, ctx):
    f["DM"].loc[_row(f["DM"], USUBJID=S2), "RFXENDTC"] = "2021-01-27"


PLANTED = [
    ("REQ001", "AETERM (Req) emptied", req001),
    ("REQ002", "DM.AGEU (Exp) dropped", req002),
    ("TYP001", "DM.AGE (Num) holds text", typ001),
    ("LEN001", "a QNAM of 10 characters", len001),
    ("LEN002", "DM.SEX stored with length 8", len002),
    ("META001", "an LB dataset cup2std has no metadata for", meta001),
    ("DM001", "a subject twice in DM", dm001),
    ("KEY001", "a VS record of a subject not in DM", key001),
    ("KEY002", "an AE record duplicated (same AESEQ)", key002),
    ("KEY003", "a SUPPAE record pointing to AESEQ 99", key003),
    ("CT001", "SEX = female", ct001),
    ("CT002", "EXROUTE = INTRAVENOUSLY", ct002),
    ("DT001", "BRTHDTC = 12.03.1950", dt001),
    ("DT002", "BRTHDTC = 1950-02-30", dt002),
    ("DT003", "RFENDTC before RFSTDTC", dt003),
    ("DT004", "TS DCUTDTC 2021-12-31 and BRTHDTC 2022", dt004),
    ("DT005", "AESTDY off by 5", dt005),
    ("CTC001", "AETOXGR = 6", ctc001),
    ("CTC002", "AEDECOD = Lumbago", ctc002),
    ("CTC003", "Febrile neutropenia grade 1", ctc003),
    ("CTC004", "Anemia with the MedDRA code of Febrile neutropenia", ctc004),
    ("CTC005", "grade 5 Anemia, recovered", ctc005),
    ("SER001", "AESER = Y without a criterion", ser001),
    ("SER002", "AESLIFE = Y on a non-serious event", ser002),
    ("DTH001", "a fatal AE in a subject DM says is alive", dth001),
    ("DTH002", "DS DEATH record of a subject who died recoded", dth002),
    ("DTH003", "DS death date one day after DTHDTC", dth003),
    ("DTH004", "DTHDTC without DTHFL", dth004),
    ("TEAE001", "AETRTEM = N on an event during treatment", teae001),
    ("RFX001", "RFXENDTC not the last EXENDTC", rfx001),
]
