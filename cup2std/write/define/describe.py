"""Plain-English text of a mapping rule: where a value comes from, for def:Origin and methods.

>>> from cup2std.spec.model import VarSpec
>>> describe(VarSpec("SEX", "assign", "sex", {"map": "sex"}), "patients.csv", {})
"patients.csv column 'sex', recoded with value map 'sex'"
>>> describe(VarSpec("AGEU", "hardcode", "YEARS"), "patients.csv", {})
'"YEARS"'
"""
from __future__ import annotations

from cup2std.spec.model import MappingSpec, VarSpec


def origin_type(vs: VarSpec) -> str:
    """Collected, Assigned or Derived; ``first_of`` of collected columns is Collected."""
    if vs.algorithm == "first_of":
        kinds = {origin_type(a) for a in vs.alternatives}
        return "Collected" if kinds <= {"Collected"} else "Derived"
    return vs.origin


def describe(vs: VarSpec, file: str, files: dict[str, str]) -> str:
    """One sentence for one rule; ``files`` maps form name -> file name for ``form:`` lookups."""
    src = files.get(vs.options.get("form"), file)
    via = " (by subject)" if vs.options.get("form") else ""
    arg = vs.arg
    text = {
        "hardcode": lambda: f'"{arg}"',
        "assign": lambda: f"{src} column '{arg}'{via}",
        "date": lambda: f"{src} column '{arg}'{via} as ISO 8601",
        "template": lambda: f"text '{arg}' filled from the record's values",
        "compute": lambda: f"computed as {arg} from {src}",
        "flag": lambda: (f"Y when '{vs.options.get('contains')}' is among the "
                         f"'{vs.options.get('sep', ';')}'-separated values of {src} column "
                         f"'{arg}', N when other values are present"),
        "ctcae": lambda: (f"the CTCAE v5.0 {vs.options.get('field')} of the term in {src} "
                          f"column '{arg}'"),
        "first_of": lambda: "; if empty, ".join(describe(a, file, files) for a in vs.alternatives),
    }[vs.algorithm]()
    if "map" in vs.options:
        text += f", recoded with value map '{vs.options['map']}'"
    if "when" in vs.options:
        text += f", only when {_condition(vs.options['when'])}"
    if "default" in vs.options:
        text += f", else \"{vs.options['default']}\""
    return text


def _condition(when: dict) -> str:
    parts = []
    for col, test in when.items():
        if isinstance(test, dict):
            parts += [f"'{col}' {k.replace('_', ' ')} {v}" for k, v in test.items()]
        else:
            parts.append(f"'{col}' is {test}")
    return " and ".join(parts)


def form_files(spec: MappingSpec) -> dict[str, str]:
    """Form name -> file name (or sheet) as the mapping declares it."""
    return {name: (f.file or f.sheet or name) for name, f in spec.source.forms.items()}


def value_maps_used(vs: VarSpec) -> list[str]:
    """Names of the value maps a rule applies (its own and its alternatives')."""
    maps = [vs.options["map"]] if "map" in vs.options else []
    for alt in vs.alternatives:
        maps += value_maps_used(alt)
    return maps
