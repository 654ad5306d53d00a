"""Table 2: treatment-emergent adverse events by system organ class and term (patients).

Columns: any grade, grade >= 3, serious, related to the investigational product (any grade,
grade >= 3). A column whose variables are missing is left out and named in the table's skips.
"""
from __future__ import annotations

from cup2std.report.ae_data import AEData
from cup2std.report.context import Context
from cup2std.report.model import Table, n_pct

COLUMNS = [("ANY", "Any grade", []), ("HIGH", "Grade >= {g}", ["HIGH"]),
           ("SERIOUS", "Serious", ["SERIOUS"]), ("RELATED", "Related to {ip}", ["RELATED"]),
           ("RELHIGH", "Related to {ip}, grade >= {g}", ["RELATED", "HIGH"])]


def ae_table(ctx: Context, data: AEData) -> Table:
    """Patients per SOC and term (AEBODSYS, AEDECOD), sorted alphabetically, any-TEAE first.

    >>> t = ae_table(ctx, ae_frame(ctx))                                # doctest: +SKIP
    >>> t.values["Cardiac disorders|Angina pectoris"]["SERIOUS"]        # doctest: +SKIP
    1
    """
    g = ctx.spec["adverse_events"]["high_grade"]
    ip = ctx.ip or "the investigational product"
    cols = [(k, head.format(g=g, ip=ip)) for k, head, need in COLUMNS
            if all(data.has.get(n) for n in need)]
    t = Table("table2_teae", "Table 2. Treatment-emergent adverse events by system organ class "
              "and term (patients)", ["System organ class", "Term"] + [h for _, h in cols],
              denominator=ctx.denominator() + " A patient is counted once per term and column.")
    for key, head, need in COLUMNS:
        lacking = [m for n in need for m in data.missing.get(n, [])]
        if lacking:
            t.skip(f"column '{head.format(g=g, ip=ip)}'", lacking)
    ae = data.ae[data.ae["TEAE"]].copy()
    ae["ANY"] = True
    ae["RELHIGH"] = ae["RELATED"] & ae["HIGH"]

    def counts(part):
        return {k: int(part.loc[part[k], "USUBJID"].nunique()) for k, _ in cols}

    total = counts(ae)
    t.add("Any treatment-emergent adverse event", "", *[n_pct(total[k], ctx.n) for k, _ in cols],
          value=total, key="ANY")
    for (soc, term), part in sorted(ae.groupby(["AEBODSYS", "AEDECOD"]),
                                    key=lambda kv: (kv[0][0].lower(), kv[0][1].lower())):
        c = counts(part)
        t.add(soc, term, *[n_pct(c[k], ctx.n) for k, _ in cols], value=c, key=f"{soc}|{term}")
    t.notes += data.notes
    if not data.has["SOC"]:
        t.notes.append("AE.AEBODSYS is missing: terms are not grouped by system organ class.")
    return t
