"""NCI CTCAE v5.0 as data: terms, MedDRA codes, SOCs and which grades each term defines.

>>> ctcae = load_ctcae()
>>> ctcae.term("Febrile neutropenia").grades
(3, 4, 5)
>>> ctcae.term("anemia").soc
'Blood and lymphatic system disorders'
"""
from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

CTCAE_VERSION = "5.0"


@dataclass(frozen=True)
class CtcaeTerm:
    term: str
    meddra_code: str
    soc: str
    grades: tuple[int, ...]


class Ctcae:
    """Lookup of CTCAE v5.0 terms, case-insensitive."""

    version = CTCAE_VERSION

    def __init__(self, terms: list[CtcaeTerm]):
        self.terms = terms
        self._by_lower = {t.term.lower(): t for t in terms}

    def term(self, name: str) -> CtcaeTerm | None:
        return self._by_lower.get((name or "").strip().lower())

    def nearest(self, name: str, n: int = 3) -> list[str]:
        """Nearest CTCAE term names by spelling (for messages)."""
        hits = difflib.get_close_matches(name.lower(), list(self._by_lower), n=n, cutoff=0.5)
        return [self._by_lower[h].term for h in hits]

    def __len__(self) -> int:
        return len(self.terms)


@lru_cache(maxsize=1)
def load_ctcae() -> Ctcae:
    """Load the 837 CTCAE v5.0 terms shipped with the package."""
    path = resources.files("cup2std.standards") / "data" / "ctcae_v5.csv"
    terms = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            grades = tuple(g for g in range(1, 6) if row[f"grade{g}"].strip() not in ("", "-"))
            terms.append(CtcaeTerm(row["term"].strip(), row["meddra_code"].strip(),
                                   row["soc"].strip(), grades))
    return Ctcae(terms)
