"""Build the report from an SDTM package and write it: HTML page, CSV per table, PNG + SVG.

>>> report = build_report("out/sdtm", spec="mappings/cup_registry.report.yaml")  # doctest: +SKIP
>>> report.table("table3_exposure").values["premature_yes"]                      # doctest: +SKIP
6
>>> write_report(report, "report")                                              # doctest: +SKIP
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cup2std.report.ae_counts import ae_counts
from cup2std.report.ae_data import ae_frame
from cup2std.report.ae_table import ae_table
from cup2std.report.baseline import baseline_table
from cup2std.report.context import Context, build_context, ts_value
from cup2std.report.csv_safe import write_csv
from cup2std.report.exposure import exposure_table
from cup2std.report.html import report_html
from cup2std.report.load import load_package
from cup2std.report.model import Skipped, Table
from cup2std.report.spec import load_report_spec
from cup2std.report.swimmer import Swimmer, swimmer_plot
from cup2std.write.atomic import write_bytes_atomic, write_json_atomic


@dataclass
class Report:
    ctx: Context
    tables: list[Table]
    skipped: list[Skipped]
    swimmer: Swimmer | None
    files: dict[str, str] = field(default_factory=dict)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def partial(self) -> list[str]:
        """Every table, row or column not computed, as sentences."""
        return ([f"{s.title}: skipped ({s.reason})" for s in self.skipped]
                + [f"{t.title}: {s}" for t in self.tables for s in t.skipped])


def build_report(sdtm_dir: str | Path, spec: str | Path | None = None,
                 encoding: str | None = None) -> Report:
    """Compute every table and the figure that the package's variables allow."""
    ctx = build_context(load_package(sdtm_dir, encoding), load_report_spec(spec))
    tables, skipped = [], []
    if ctx.pkg.missing("DM", ["USUBJID"]):
        skipped.append(Skipped("table1_baseline", "Table 1. Baseline characteristics",
                               "DM is missing: no population"))
    else:
        tables.append(baseline_table(ctx))
    data = ae_frame(ctx) if ctx.n else None
    if data is None:
        why = "needs " + ", ".join(ctx.pkg.missing("AE", ["USUBJID", "AEDECOD"]) or ["patients"])
        skipped += [Skipped("table2_teae", "Table 2. Treatment-emergent adverse events", why),
                    Skipped("text_ae_counts", "Adverse events: counts stated in the text", why)]
    else:
        tables += [ae_table(ctx, data), ae_counts(ctx, data)]
    t3 = exposure_table(ctx)
    if t3.rows:
        tables.append(t3)
    else:
        skipped.append(Skipped(t3.key, t3.title, "; ".join(t3.skipped)))
    fig = swimmer_plot(ctx) if ctx.n else None
    if fig is None:
        skipped.append(Skipped("figure1_swimmer", "Figure 1. Swimmer plot",
                               "needs DM.RFXSTDTC (or EX.EXSTDTC) and DS.DSDECOD, DS.DSCAT"))
    return Report(ctx, tables, skipped, fig)


def facts(report: Report) -> dict[str, str]:
    """The study facts printed above the tables."""
    ctx = report.ctx
    dm = ctx.pkg.domain("DM")
    study = str(dm["STUDYID"].iloc[0]) if "STUDYID" in dm and len(dm) else "-"
    period = " to ".join(p for p in ctx.program_text if p) or "-"
    return {"Study": study, "SDTM package": str(ctx.pkg.folder),
            "Population": f"{ctx.n} {ctx.population}",
            "Investigational product": ctx.ip or "-", "Program": period,
            "Datasets read": ", ".join(f"{k} ({v})" if v != "utf-8" else k
                                       for k, v in ctx.pkg.encodings.items())}


def write_report(report: Report, out: str | Path) -> dict[str, str]:
    """Write OUT/report.html, OUT/<table>.csv, OUT/figure1_swimmer.{png,svg},
    OUT/report.json (every figure and every skip); returns name -> path."""
    out = Path(out)
    files: dict[str, str] = {}
    for t in report.tables:
        rows = t.rows + [[f"Note: {n}"] for n in [t.denominator, *t.notes, *t.skipped] if n]
        files[f"{t.key}.csv"] = str(write_csv(out / f"{t.key}.csv", t.columns, rows))
    svg = None
    if report.swimmer is not None:
        files["figure1_swimmer.png"] = str(write_bytes_atomic(out / "figure1_swimmer.png",
                                                              report.swimmer.png))
        files["figure1_swimmer.svg"] = str(write_bytes_atomic(out / "figure1_swimmer.svg",
                                                              report.swimmer.svg))
        svg = report.swimmer.svg
    ctx = report.ctx
    title = ctx.spec["title"] or ts_value(ctx.pkg, "TITLE") or "Report"
    page = report_html(title, facts(report), report.partial + ctx.notes, report.tables, svg,
                       report.swimmer.notes if report.swimmer else [])
    files["report.html"] = str(write_bytes_atomic(out / "report.html", page.encode("utf-8")))
    summary = {"facts": facts(report), "not_computed": report.partial, "notes": ctx.notes,
               "tables": {t.key: {"title": t.title, "values": t.values,
                                  "denominator": t.denominator} for t in report.tables}}
    files["report.json"] = str(write_json_atomic(out / "report.json",
                                                 json.loads(json.dumps(summary, default=str))))
    report.files = files
    return files
