"""All conformance rules, registered by id; the themes live in ``rules_*.py``.

Importing this module registers every rule. ``run_rules(frames, files)`` runs them.

>>> sorted(RULES)[:3]
['CT001', 'CT002', 'CTC001']
>>> RULES["CTC005"].severity
'error'
"""
from __future__ import annotations

from cup2std.validate import (  # noqa: F401  (each module registers its rules)
    rules_ct, rules_ctcae, rules_cross, rules_dates, rules_required, rules_source,
)
from cup2std.validate.registry import RULES, Frames, Rule, RuleContext, rule, run_rules

__all__ = ["RULES", "Frames", "Rule", "RuleContext", "rule", "run_rules", "catalogue"]


def catalogue() -> list[Rule]:
    """Every rule, ordered by theme then id (for docs and ``cup2std validate --list-rules``).

    >>> any(r.id == "REQ001" for r in catalogue())
    True
    """
    order = ["required", "ct", "dates", "ctcae", "cross", "source"]
    rank = {t: i for i, t in enumerate(order)}
    return sorted(RULES.values(), key=lambda r: (rank.get(r.theme, 99), r.id))
