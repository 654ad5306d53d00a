"""Figure 1: swimmer plot, one bar per patient from first dose to end of participation.

The program's start and end are dashed vertical lines; the end of a bar carries a symbol for
the reason of a premature end (groups and symbols from the report spec); patients treated to
completed get an arrow, their bars running to ``program.figure_end`` when the
spec sets it. A death after the end of participation (DM.DTHDTC) gets its own cross.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from cup2std.report.context import Context, period_start, to_date  # noqa: E402
from cup2std.report.exposure import disposition  # noqa: E402

MARKERS = ["X", "v", "o", "s", "D", "^", "P", "*"]
COLORS = ["#222222", "#c0392b", "#e67e22", "#8e44ad", "#16a085", "#2c3e50", "#7f8c8d",
          "#d35400"]
MAX_LANES_INCHES = 14.0  # tall populations get thinner lanes, not a taller figure


@dataclass
class Swimmer:
    png: bytes
    svg: bytes
    lanes: pd.DataFrame
    notes: list[str]


def swimmer_lanes(ctx: Context) -> tuple[pd.DataFrame | None, list[str]]:
    """USUBJID, LABEL, START, END, REASON (None = treated to the end), DEATH; or (None, why)."""
    dm = ctx.within(ctx.pkg.domain("DM"))
    miss = ctx.pkg.missing("DM", ["RFXSTDTC"])
    if miss:
        ex = ctx.pkg.missing("EX", ["EXSTDTC"])
        if ex:
            return None, miss + ex
        first = ctx.within(ctx.pkg.domain("EX")).assign(D=lambda f: to_date(f["EXSTDTC"]))
        start = first.groupby("USUBJID")["D"].min()
    else:
        start = pd.Series(to_date(dm["RFXSTDTC"]).values, index=dm["USUBJID"])
    disp = disposition(ctx)
    if disp is None:
        return None, ctx.pkg.missing("DS", ["DSDECOD", "DSCAT"])
    lanes = disp.set_index("USUBJID").join(start.rename("START"), how="inner")
    lanes["END"] = to_date(lanes["DSSTDTC"])
    if "RFPENDTC" in dm:
        lanes["END"] = lanes["END"].fillna(
            pd.Series(to_date(dm["RFPENDTC"]).values, index=dm["USUBJID"]))
    fig_end = period_start(ctx.spec["program"]["figure_end"])
    if fig_end is not None:
        lanes.loc[~lanes["PREMATURE"], "END"] = fig_end
    lanes["REASON"] = lanes["REASON"].where(lanes["PREMATURE"], None)
    death = pd.Series(to_date(dm["DTHDTC"]).values, index=dm["USUBJID"]) if "DTHDTC" in dm \
        else pd.Series(dtype="datetime64[ns]")
    lanes["DEATH"] = death.reindex(lanes.index)
    lanes.loc[lanes["DEATH"] <= lanes["END"], "DEATH"] = pd.NaT
    label = dm.set_index("USUBJID")["SUBJID"] if "SUBJID" in dm else None
    lanes["LABEL"] = [label.get(u, u) if label is not None else u for u in lanes.index]
    notes = []
    if lanes["START"].isna().any() or lanes["END"].isna().any():
        gone = lanes[lanes["START"].isna() | lanes["END"].isna()]
        notes.append(f"{len(gone)} patient(s) without a complete first-dose or end date are "
                     f"not drawn: {', '.join(map(str, gone['LABEL'][:10]))}")
        lanes = lanes.dropna(subset=["START", "END"])
    lanes = lanes.sort_values(["START", "LABEL"]).reset_index()
    return lanes, notes


def swimmer_plot(ctx: Context) -> Swimmer | None:
    """Draw the figure as PNG (200 dpi) and SVG bytes; None when lanes cannot be built."""
    lanes, notes = swimmer_lanes(ctx)
    if lanes is None or lanes.empty:
        return None
    n = len(lanes)
    fig, ax = plt.subplots(figsize=(9, max(3.0, min(0.32 * n, MAX_LANES_INCHES) + 1.6)))
    y = range(n, 0, -1)
    ax.barh(list(y), (lanes["END"] - lanes["START"]).dt.days + 1, left=lanes["START"],
            height=0.55 if n <= 80 else 0.9, color="#5b8db8", edgecolor="none", zorder=2)
    reasons = [r for r in _reason_order(ctx, lanes) if r]
    marks = ctx.spec["swimmer"]["markers"] or {}
    for i, reason in enumerate(reasons):
        hit = lanes["REASON"] == reason
        ax.scatter(lanes.loc[hit, "END"], [list(y)[k] for k in lanes.index[hit]],
                   marker=marks.get(reason, MARKERS[i % len(MARKERS)]),
                   color=COLORS[i % len(COLORS)], s=60 if n <= 80 else 14, zorder=4, label=reason)
    done = lanes["REASON"].isna()
    if done.any():
        ax.scatter(lanes.loc[done, "END"] + pd.Timedelta(days=2),
                   [list(y)[k] for k in lanes.index[done]], marker=">", color="#2c5d87",
                   s=36 if n <= 80 else 10, zorder=3,
                   label=ctx.spec["swimmer"]["completed_label"])
    if lanes["DEATH"].notna().any():
        dead = lanes["DEATH"].notna()
        ax.scatter(lanes.loc[dead, "DEATH"], [list(y)[k] for k in lanes.index[dead]],
                   marker="+", color="#222222", s=60, zorder=4, label="Death after end")
    _program_lines(ax, ctx)
    ax.set_yticks(list(y))
    ax.set_yticklabels(lanes["LABEL"] if n <= 80 else [""] * n, fontsize=8 if n <= 40 else 5)
    ax.set_ylim(0.3, n + 0.7)
    span = (lanes["END"].max() - lanes["START"].min()).days
    if span <= 450:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    else:
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    ax.set_xlabel("Date")
    ax.set_ylabel("Patient")
    ax.grid(axis="x", color="#dddddd", zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title("Figure 1. Participation per patient, first dose to end of participation",
                 fontsize=10, loc="left", pad=24)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.7 / fig.get_figheight(), 1, 1))
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=200, metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": "cup2std", "svg.fonttype": "none"}):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return Swimmer(png.getvalue(), svg.getvalue(), lanes, notes)


def _reason_order(ctx: Context, lanes: pd.DataFrame) -> list[str]:
    groups = [g["label"] for g in ctx.spec["disposition"]["reasons"] or []]
    seen = [r for r in lanes["REASON"].dropna().unique() if r not in groups]
    return [g for g in groups if (lanes["REASON"] == g).any()] + sorted(seen)


def _program_lines(ax, ctx: Context) -> None:
    for when, raw, text in ((ctx.program_start, ctx.program_text[0], "program start"),
                            (ctx.program_end, ctx.program_text[1], "program end")):
        if when is not None:
            shown = f"{when:%d %b %Y}" if len(raw) >= 10 else f"{when:%b %Y}"
            ax.axvline(when, color="#555555", linestyle="--", linewidth=1, zorder=1)
            ax.annotate(f"{text}: {shown}", xy=(when, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 3), textcoords="offset points", va="bottom", ha="center",
                        fontsize=7, color="#555555")
