"""YAML loading that remembers where each key was written, for spec errors with line numbers.

>>> doc = load_yaml_text("a:\\n  b: 1\\n", "m.yaml")
>>> doc["a"].line_of("b")
2
"""
from __future__ import annotations

import re

import yaml

from cup2std.errors import SpecError


class LocDict(dict):
    """A dict that knows the line of itself and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class LocList(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if index < len(lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) that records lines and rejects duplicate keys."""

    filename = "<mapping>"


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = LocDict()
    data.line = node.start_mark.line + 1
    yield data
    seen: dict = {}
    for key_node, _ in node.value:
        key = key_node.value
        if key != "<<" and key in seen:
            raise SpecError(f"key '{key}' is written twice (first on line {seen[key]}); "
                            "YAML would silently keep only the last one. Remove one of them.",
                            file=loader.filename, line=key_node.start_mark.line + 1, key=key)
        seen[key] = key_node.start_mark.line + 1
    value = loader.construct_mapping(node)  # applies '<<' merge keys
    data.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
    data.update(value)


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):
    data = LocList()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_sequence(node))
    data.item_lines = [n.start_mark.line + 1 for n in node.value]


# YAML 1.1 reads unquoted yes/no/on/off as booleans; registry values are often exactly
# those words, so only true/false are booleans here.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _LineLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), [_first])
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def load_yaml_text(text: str, filename: str):
    """Parse YAML text; syntax errors become SpecError with the file and line."""
    loader = _LineLoader(text)
    loader.filename = filename
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise SpecError(f"not valid YAML: {exc.problem}", file=filename,
                        line=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()


def load_yaml_file(path, what: str, hint: str):
    """Read and parse a YAML file of ours (mapping, report spec); SpecError when it is
    missing, not UTF-8 or not YAML. ``what`` names the file kind, ``hint`` how to give one."""
    from pathlib import Path
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{what} not found; {hint}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"{what} is not UTF-8 ({exc.reason} at byte {exc.start})",
                        file=str(path)) from None
    return load_yaml_text(text, str(path))
