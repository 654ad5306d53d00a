"""A self-contained HTML page a reviewer can read and filter (no network, no assets).

>>> from cup2std.validate.findings import Finding
>>> page = render_html([Finding("CT001", "error", "bad <value>", domain="DM")], title="t")
>>> "bad &lt;value&gt;" in page and "<script>" in page
True
"""
from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from cup2std.validate.findings import SEVERITY_RANK, Finding
from cup2std.validate.report_json import sort_key
from cup2std.validate.rules import RULES
from cup2std.write.atomic import write_bytes_atomic

_STYLE = """
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em} table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0;position:sticky;top:0} tr.accepted{opacity:.55}
.error{color:#a00;font-weight:600}.warning{color:#a60}.info{color:#456}
#filters{background:#fafafa;border:1px solid #ddd;padding:.5em;margin:.5em 0}
#filters label{margin-right:1em} td.msg{max-width:50em} .muted{color:#777}
"""

_SCRIPT = """
function applyFilters(){
  const sev=[...document.querySelectorAll('.fsev')].filter(c=>c.checked).map(c=>c.value);
  const rule=document.getElementById('frule').value, ds=document.getElementById('fds').value;
  const q=document.getElementById('fq').value.toLowerCase();
  const acc=document.getElementById('facc').checked; let n=0;
  document.querySelectorAll('#findings tbody tr').forEach(tr=>{
    const ok=sev.includes(tr.dataset.sev)&&(!rule||tr.dataset.rule===rule)&&
      (!ds||tr.dataset.ds===ds)&&(acc||tr.dataset.acc!=='1')&&
      (!q||tr.textContent.toLowerCase().includes(q));
    tr.style.display=ok?'':'none'; if(ok) n++;});
  document.getElementById('shown').textContent=n;}
document.querySelectorAll('#filters input,#filters select').forEach(
  e=>e.addEventListener('input',applyFilters));
document.querySelectorAll('#rules tbody tr').forEach(tr=>tr.addEventListener('click',()=>{
  document.getElementById('frule').value=tr.dataset.rule; applyFilters();}));
applyFilters();
"""


def _summary_rows(findings: list[Finding]) -> str:
    c = Counter((f.severity, f.rule) for f in findings if not f.accepted)
    a = Counter((f.severity, f.rule) for f in findings if f.accepted)
    rows = []
    for sev, rid in sorted(set(c) | set(a), key=lambda k: (SEVERITY_RANK[k[0]], -c[k], k[1])):
        desc = RULES[rid].description if rid in RULES else ""
        rows.append(f'<tr data-rule="{escape(rid)}"><td class="{sev}">{sev}</td>'
                    f"<td>{escape(rid)}</td><td>{c[(sev, rid)]}</td><td>{a[(sev, rid)]}</td>"
                    f"<td>{escape(desc)}</td></tr>")
    return "\n".join(rows)


def _finding_rows(findings: list[Finding]) -> str:
    rows = []
    for f in sorted(findings, key=sort_key):
        where = escape(Path(f.file).name) + (f" row {f.row}" if f.row else "")
        note = f'<br><span class="muted">accepted: {escape(f.justification)}</span>' \
            if f.accepted else ""
        rows.append(
            f'<tr data-sev="{f.severity}" data-rule="{escape(f.rule)}" '
            f'data-ds="{escape(f.domain)}" data-acc="{int(f.accepted)}"'
            f'{" class=accepted" if f.accepted else ""}>'
            f'<td class="{f.severity}">{f.severity}</td><td>{escape(f.rule)}</td>'
            f"<td>{escape(f.domain)}</td><td>{escape(f.variable)}</td>"
            f"<td>{escape(f.subject)}</td><td>{'' if f.seq is None else f.seq}</td>"
            f"<td>{where}</td><td>{escape(str(f.value))}</td>"
            f'<td class="msg">{escape(f.message)}{note}</td></tr>')
    return "\n".join(rows)


def render_html(findings: list[Finding], *, title: str, subtitle: str = "") -> str:
    """The whole page as a string."""
    rules = sorted({f.rule for f in findings})
    datasets = sorted({f.domain for f in findings if f.domain})
    opts = lambda xs: "".join(f'<option value="{escape(x)}">{escape(x)}</option>' for x in xs)  # noqa: E731
    sev_boxes = "".join(f'<label><input type="checkbox" class="fsev" value="{s}" checked> {s}'
                        "</label>" for s in ("error", "warning", "info"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{escape(title)}</h1><p class="muted">{escape(subtitle)}</p>
<h2>Summary by rule</h2><p class="muted">click a rule to show its findings</p>
<table id="rules"><thead><tr><th>severity</th><th>rule</th><th>open</th><th>accepted</th>
<th>description</th></tr></thead><tbody>
{_summary_rows(findings)}
</tbody></table>
<h2>Findings (<span id="shown">{len(findings)}</span> of {len(findings)} shown)</h2>
<div id="filters">{sev_boxes}
<label>rule <select id="frule"><option value="">all</option>{opts(rules)}</select></label>
<label>dataset <select id="fds"><option value="">all</option>{opts(datasets)}</select></label>
<label>search <input id="fq" type="search" placeholder="subject, value, text"></label>
<label><input type="checkbox" id="facc" checked> show accepted</label></div>
<table id="findings"><thead><tr><th>severity</th><th>rule</th><th>dataset</th>
<th>variable</th><th>USUBJID</th><th>--SEQ</th><th>source</th><th>value</th><th>message</th>
</tr></thead><tbody>
{_finding_rows(findings)}
</tbody></table>
<script>{_SCRIPT}</script></body></html>
"""


def write_html_report(path: str | Path, findings: list[Finding], *, title: str,
                      subtitle: str = "") -> Path:
    """Write the page atomically."""
    page = render_html(findings, title=title, subtitle=subtitle)
    return write_bytes_atomic(Path(path), page.encode("utf-8"))
