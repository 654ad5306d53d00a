"""Nearest CTCAE v5.0 terms for a term that is not one: synonyms, the SOC, then spelling.

Spelling alone fails on the terms that matter (Angina pectoris is nearest to "Vaginal
perforation"), so suggestions come first from a curated synonym table kept as data
(``standards/data/ctcae_synonyms.csv``, each row with its basis in the CTCAE v5.0 text), then
"<SOC> - Other, specify" for the event's system organ class, then spelling.

>>> suggest("Angina pectoris", "Cardiac disorders")
['Chest pain - cardiac', 'Cardiac disorders - Other, specify']
>>> suggest("Anaemia", "")[0]
'Anemia'
"""
from __future__ import annotations

import csv
import difflib
from functools import lru_cache
from importlib import resources

from cup2std.standards import load_ctcae


@lru_cache(maxsize=1)
def load_synonyms() -> dict[str, list[str]]:
    """term (lower case) -> CTCAE v5.0 terms, in order of preference."""
    path = resources.files("cup2std.standards") / "data" / "ctcae_synonyms.csv"
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["term"].strip().lower(), []).append(row["ctcae_term"].strip())
    return out


@lru_cache(maxsize=1)
def _other_specify() -> dict[str, str]:
    """SOC (lower case) -> its '... - Other, specify' term."""
    return {t.soc.lower(): t.term for t in load_ctcae().terms
            if t.term.endswith("- Other, specify")}


@lru_cache(maxsize=4096)
def _suggest(term: str, soc: str, n: int) -> tuple[str, ...]:
    ctcae = load_ctcae()
    found = list(load_synonyms().get(term.strip().lower(), []))
    other = _other_specify().get(soc.strip().lower())
    if other:
        found.append(other)
    names = {t.term.lower(): t.term for t in ctcae.terms}
    # Spelling only as a last resort: close variants (Anaemia -> Anemia), not look-alikes.
    found += [names[h] for h in difflib.get_close_matches(
        term.strip().lower(), list(names), n=n, cutoff=0.8 if found else 0.6)]
    seen, out = set(), []
    for t in found:
        if t not in seen and ctcae.term(t) is not None:
            seen.add(t)
            out.append(t)
    return tuple(out[:n])


def suggest(term: str, soc: str = "", n: int = 3) -> list[str]:
    """Up to ``n`` CTCAE v5.0 terms for ``term`` reported in system organ class ``soc``.

    >>> suggest("Bronchitis", "Infections and infestations")
    ['Bronchial infection', 'Infections and infestations - Other, specify']
    """
    return list(_suggest(term or "", soc or "", n))
