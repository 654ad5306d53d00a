"""One self-contained HTML page: study facts, what was not computed, the tables, the figure.

No external resources: styles inline, the figure as inline SVG. Every data value is escaped.

>>> "<td>&lt;b&gt;</td>" in table_html(Table("t", "T", ["a"], rows=[["<b>"]]))
True
"""
from __future__ import annotations

from html import escape

from cup2std import __version__
from cup2std.report.model import Table

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;
margin:2rem auto;max-width:72rem;color:#222;line-height:1.4;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{border-bottom:2px solid #444}td.n{text-align:right;white-space:nowrap}
p.den,ul.notes{font-size:.85rem;color:#444}.skip{color:#9a3b00}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
"""


def table_html(t: Table, repeat_first: bool = True) -> str:
    """A table with its denominator, notes and skips (first column blank when it repeats
    the row above, unless ``repeat_first``)."""
    head = "".join(f"<th>{escape(c)}</th>" for c in t.columns)
    body, last = [], None
    for row in t.rows:
        cells = []
        for i, cell in enumerate(row):
            text = "" if (i == 0 and not repeat_first and cell == last) else cell
            cls = ' class="n"' if i >= 1 and _numeric(cell) else ""
            cells.append(f"<td{cls}>{escape(str(text))}</td>")
        last = row[0]
        body.append("<tr>" + "".join(cells) + "</tr>")
    parts = [f'<h2 id="{escape(t.key)}">{escape(t.title)}</h2>',
             f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"]
    if t.denominator:
        parts.append(f'<p class="den">{escape(t.denominator)}</p>')
    items = [f"<li>{escape(n)}</li>" for n in t.notes]
    items += [f'<li class="skip">{escape(s)}</li>' for s in t.skipped]
    if items:
        parts.append(f'<ul class="notes">{"".join(items)}</ul>')
    return "\n".join(parts)


def _numeric(cell: str) -> bool:
    return bool(cell) and (cell[0].isdigit() or cell == "-")


def report_html(title: str, facts: dict[str, str], skipped: list[str], tables: list[Table],
                svg: bytes | None, figure_notes: list[str]) -> str:
    """The whole page as text."""
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in facts.items())
    skips = ("<ul>" + "".join(f'<li class="skip">{escape(s)}</li>' for s in skipped) + "</ul>"
             if skipped else "<p>Every table and the figure were computed.</p>")
    body = [f"<h1>{escape(title)}</h1>", f"<dl>{dl}</dl>", "<h2>Not computed</h2>", skips]
    for t in tables:
        body.append(table_html(t, repeat_first=t.key != "table2_teae"))
    if svg is not None:
        svg_text = svg.decode("utf-8")
        svg_text = svg_text[svg_text.find("<svg"):]
        notes = "".join(f"<li>{escape(n)}</li>" for n in figure_notes)
        body.append('<h2 id="figure1_swimmer">Figure 1. Swimmer plot</h2>'
                    f"<figure>{svg_text}<figcaption>One bar per patient from the first dose to "
                    "the end of participation; symbols give the reason of a premature end."
                    f"</figcaption></figure>" + (f'<ul class="notes">{notes}</ul>' if notes
                                                 else ""))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body)
            + f"\n<footer><p class=\"den\">Written by cup2std {escape(__version__)} from the "
            "SDTM package only.</p></footer></body></html>\n")
