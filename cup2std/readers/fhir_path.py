"""A small subset of FHIRPath that names the columns of a FHIR source (docs/fhir-source.md).

A path is evaluated on one resource and gives a collection of values; the reader turns it into
one text cell (distinct values joined by '; '). Supported:

- element names, dot-separated: ``effectivePeriod.start``, ``dosage.dose.value`` (lists are
  flattened; choice elements are named with their type: ``valueCodeableConcept``)
- ``where(<path> = 'text')``, ``where(<path> != 'text')``, ``where(<path>.startsWith('text'))``
  (also ``true``/``false``/numbers as literals); ``where(<path>)`` keeps items that have it
- ``extension('url')``: the extensions with that url (FHIRPath's shorthand)
- ``resolve()``: the resource a Reference points at (same source, by ``Type/id`` or fullUrl)
- ``first()``, ``last()``, ``[n]``, ``split('sep')``
- ``a | b``: union, in order (``effectiveDateTime | effectivePeriod.start``)

>>> ae = {"resourceType": "AdverseEvent", "extension": [
...     {"url": "http://x/ae-grade", "valueCodeableConcept": {"coding": [{"code": "C41340"}]}}]}
>>> evaluate(parse("extension('http://x/ae-grade').valueCodeableConcept.coding.code"), ae)
['C41340']
>>> evaluate(parse("identifier.where(use = 'usual').value"),
...          {"identifier": [{"use": "official", "value": "S-1"}, {"use": "usual", "value": "1"}]})
['1']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*')|(?P<num>-?\d+(?:\.\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>!=|[.()\[\]=|,]))")
FUNCTIONS = ("where", "extension", "resolve", "first", "last", "split", "startsWith", "exists")


class PathError(ValueError):
    """A path that is not in the supported subset; the message says where and why."""


@dataclass
class Step:
    """One step: an element name, or a function with its arguments, or an index."""

    kind: str                # 'name', 'func', 'index'
    name: str = ""
    args: list = field(default_factory=list)


@dataclass
class Path:
    """A parsed path: alternatives (``|``) each a list of steps."""

    text: str
    alternatives: list[list[Step]]


@dataclass
class Condition:
    """The argument of ``where``: a path, optionally compared with a literal."""

    path: list[Step]
    op: str = ""             # '', '=', '!=', 'startsWith'
    literal: str = ""


def parse(text: str) -> Path:
    """Parse a path; PathError names the position of the first problem.

    >>> parse("effectiveDateTime | effectivePeriod.start").alternatives[1][1].name
    'start'
    >>> parse("code.coding.where(system = 'x'")
    Traceback (most recent call last):
    ...
    cup2std.readers.fhir_path.PathError: 'code.coding.where(system = 'x'': ')' expected at the end
    """
    tokens = _tokens(text)
    parser = _Parser(text, tokens)
    alts = [parser.steps()]
    while parser.peek() == "|":
        parser.next()
        alts.append(parser.steps())
    if parser.pos != len(tokens):
        parser.fail(f"unexpected '{tokens[parser.pos][1]}'")
    return Path(text, alts)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise PathError(f"'{text}': cannot read '{text[pos:].strip()[:12]}' (position "
                            f"{pos + 1}); text literals are in single quotes")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, tokens: list[tuple[str, str]]):
        self.text, self.tokens, self.pos = text, tokens, 0

    def fail(self, why: str):
        raise PathError(f"'{self.text}': {why}")

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            self.fail("the path ends too early")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect(self, value: str) -> None:
        if self.peek() != value:
            self.fail(f"'{value}' expected " + (f"before '{self.peek()}'" if self.peek()
                                                  else "at the end"))
        self.pos += 1

    def steps(self) -> list[Step]:
        steps = [self.step()]
        while self.peek() in (".", "["):
            if self.next()[1] == "[":
                kind, num = self.next()
                if kind != "num" or "." in num or num.startswith("-"):
                    self.fail("an index is a whole number: [0]")
                self.expect("]")
                steps.append(Step("index", args=[int(num)]))
            else:
                steps.append(self.step())
        return steps

    def step(self) -> Step:
        kind, name = self.next()
        if kind != "name":
            self.fail(f"an element name or function expected, not '{name}'")
        if self.peek() != "(":
            return Step("name", name)
        self.next()
        if name not in FUNCTIONS or name in ("startsWith", "exists"):
            self.fail(f"function {name}() is not supported here; supported: where, extension, "
                      "resolve, first, last, split")
        if name == "where":
            cond = self.condition()
            self.expect(")")
            return Step("func", name, [cond])
        args = []
        if name in ("extension", "split"):
            args.append(self.literal())
        self.expect(")")
        return Step("func", name, args)

    def condition(self) -> Condition:
        steps = [self.step()]
        while self.peek() == ".":
            self.next()
            if self.tokens[self.pos][1] in ("startsWith", "exists") and \
                    self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1][1] == "(":
                fn = self.next()[1]
                self.next()
                if fn == "exists":
                    self.expect(")")
                    return Condition(steps)
                lit = self.literal()
                self.expect(")")
                return Condition(steps, "startsWith", lit)
            steps.append(self.step())
        if self.peek() in ("=", "!="):
            op = self.next()[1]
            return Condition(steps, op, self.literal())
        return Condition(steps)

    def literal(self) -> str:
        kind, value = self.next()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", value[1:-1])
        if kind == "num" or value in ("true", "false"):
            return value
        self.fail(f"a literal ('text', a number, true or false) expected, not '{value}'")
        return ""


Resolver = Callable[[dict], "dict | None"]


def evaluate(path: Path, resource: dict, resolve: Resolver | None = None) -> list[Any]:
    """Values of ``path`` on ``resource`` (union of the alternatives, in order)."""
    out: list[Any] = []
    for steps in path.alternatives:
        out += _run(steps, [resource], resolve)
    return out


def _run(steps: list[Step], items: list[Any], resolve: Resolver | None) -> list[Any]:
    for step in steps:
        if step.kind == "name":
            items = _children(items, step.name)
        elif step.kind == "index":
            n = step.args[0]
            items = items[n:n + 1]
        elif step.name == "where":
            items = [i for i in items if _holds(step.args[0], i, resolve)]
        elif step.name == "extension":
            items = [e for e in _children(items, "extension")
                     if isinstance(e, dict) and e.get("url") == step.args[0]]
        elif step.name == "resolve":
            items = [r for r in (resolve(i) if resolve and isinstance(i, dict) else None
                                 for i in items) if r is not None]
        elif step.name == "first":
            items = items[:1]
        elif step.name == "last":
            items = items[-1:]
        elif step.name == "split":
            items = [p for i in items for p in text_of(i).split(step.args[0])]
    return items


def _children(items: list[Any], name: str) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not isinstance(item, dict) or name not in item:
            continue
        value = item[name]
        out += value if isinstance(value, list) else [value]
    return out


def _holds(cond: Condition, item: Any, resolve: Resolver | None) -> bool:
    values = _run(cond.path, [item], resolve)
    if not cond.op:
        return bool(values)
    texts = [text_of(v) for v in values]
    if cond.op == "=":
        return cond.literal in texts
    if cond.op == "!=":
        return bool(texts) and cond.literal not in texts
    return any(t.startswith(cond.literal) for t in texts)


def text_of(value: Any) -> str:
    """A primitive as text: booleans 'true'/'false', numbers as written in the JSON.

    >>> text_of(True), text_of(40), text_of("2020-07")
    ('true', '40', '2020-07')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)
