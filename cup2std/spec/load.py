"""Read a mapping file and check it completely before any data is read.

Every problem is a :class:`SpecError` naming the mapping file, the line and the key path, and
where a name is misspelt, the nearest valid one.

>>> spec = load_mapping("mappings/cup_registry.yaml")   # doctest: +SKIP
>>> spec.studyid                                         # doctest: +SKIP
'ISA-CUP-DE'
"""
from __future__ import annotations

import ast
import codecs
import difflib
import re
import string
from pathlib import Path
from typing import Any

from cup2std.errors import SpecError
from cup2std.spec.model import (
    ALGORITHMS, MODIFIERS, Block, Derivations, FormSpec, MappingSpec, SourceSpec, SuppSpec,
    VarSpec,
)
from cup2std.spec.fhir_section import check_fhir_section
from cup2std.spec.yaml_lines import LocDict, LocList, load_yaml_file
from cup2std.standards import load_ct, load_sdtmig

TOP_KEYS = ("mapping_version", "name", "description", "study", "source", "value_maps",
            "derivations", "domains", "trial_summary", "fhir")
SOURCE_KEYS = ("encoding", "delimiter", "decimal", "thousands", "subject", "date_formats",
               "columns", "odm", "timezone", "forms")
FORM_KEYS = ("file", "sheet", "item_group", "odm_form", "resource", "paths", "required", "key",
             "subjects", "columns_required", "columns")
ODM_KEYS = ("column_names", "decode")
THOUSANDS = ("", ".", ",", " ", "'")
BLOCK_KEYS = ("from", "where", "variables", "supp", "label")
SUPP_KEYS = ("label", "qorig", "qeval")
DERIVATION_KEYS = ("reference_dates", "epochs", "treatment_emergent", "actual_arm_if_untreated")
WHERE_TESTS = ("equals", "in", "not_in", "present")
# Derived by the engine for every domain; a mapping cannot set them.
ENGINE_VARIABLES = ("STUDYID", "DOMAIN", "USUBJID")
_QNAM = re.compile(r"^[A-Z][A-Z0-9_]{0,7}$")
_COMPUTE_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load,
                  ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.USub)


def load_mapping(path: str | Path) -> MappingSpec:
    """Load and check a mapping file; raise SpecError on the first problem found."""
    doc = load_yaml_file(path, "mapping file",
                         "pass --mapping with the path of a mappings/*.yaml file")
    return _Checker(str(path)).mapping(doc)


def nearest(name: str, valid) -> str:
    """' Did you mean X?' for the closest valid name, or '' when nothing is close."""
    hits = difflib.get_close_matches(str(name), [str(v) for v in valid], n=1, cutoff=0.5)
    return f" Did you mean '{hits[0]}'?" if hits else ""


class _Checker:
    """Turns the parsed YAML into a MappingSpec, raising at the first problem."""

    def __init__(self, file: str):
        self.file = file
        self.ig = load_sdtmig()
        self.ct = load_ct()

    # -- helpers ---------------------------------------------------------------------------
    def fail(self, msg: str, node: Any = None, key: str | None = None, path: str = "") -> None:
        line = None
        if isinstance(node, (LocDict, LocList)):
            line = node.line_of(key) if key is not None else node.line
        raise SpecError(msg, file=self.file, line=line, key=path or key)

    def keys(self, node: Any, allowed: tuple, path: str, required: tuple = ()) -> None:
        if not isinstance(node, dict):
            self.fail(f"expected a mapping of keys ({', '.join(allowed)})", node, path=path)
        for k in node:
            if k not in allowed and not (path == "" and str(k).startswith("x-")):
                self.fail(f"unknown key '{k}'.{nearest(k, allowed)} Allowed here: "
                          f"{', '.join(allowed)}.", node, k, f"{path}.{k}".strip("."))
        for k in required:
            if k not in node:
                self.fail(f"required key '{k}' is missing", node, path=path)

    def string(self, node: dict, key: str, path: str, default: str | None = None) -> str:
        val = node.get(key, default)
        if val is None or isinstance(val, (dict, list)):
            self.fail(f"'{key}' must be a text value", node, key, f"{path}.{key}")
        return str(val)

    # -- top level -------------------------------------------------------------------------
    def mapping(self, doc: Any) -> MappingSpec:
        self.keys(doc, TOP_KEYS, "", required=("mapping_version", "study", "source", "domains"))
        if doc["mapping_version"] != 1:
            self.fail("mapping_version must be 1 (the only version this cup2std reads)",
                      doc, "mapping_version", "mapping_version")
        study = doc["study"]
        if not isinstance(study, dict) or "STUDYID" not in study:
            self.fail("study must give STUDYID", doc, "study", "study")
        study = {k: (str(v) if not isinstance(v, (dict, list)) else v) for k, v in study.items()}
        study.setdefault("usubjid", "{STUDYID}-{SUBJID}")
        self.source_spec = self.source(doc["source"])
        self.value_maps = self.maps(doc.get("value_maps") or {})
        blocks = self.domains(doc["domains"])
        derivations = self.derivations(doc.get("derivations") or LocDict())
        ts = self.trial_summary(doc.get("trial_summary") or [])
        qnams = {f"SUPP{b.domain}.{q}" for b in blocks for q in b.supp}
        fhir = check_fhir_section(doc.get("fhir"), self.fail, qnams)
        return MappingSpec(self.file, str(doc.get("name", Path(self.file).stem)), study,
                           self.source_spec, self.value_maps, blocks, derivations, ts, fhir)

    def source(self, node: Any) -> SourceSpec:
        self.keys(node, SOURCE_KEYS, "source", required=("forms", "subject"))
        src = SourceSpec(
            encoding=self.string(node, "encoding", "source", "utf-8"),
            delimiter=self.string(node, "delimiter", "source", ","),
            decimal=self.string(node, "decimal", "source", "."),
            thousands=str(node.get("thousands", "") or ""),
            subject=self.string(node, "subject", "source"),
            date_formats=[str(f) for f in node.get("date_formats", ["ISO8601"])],
        )
        try:
            codecs.lookup(src.encoding)
        except LookupError:
            self.fail(f"unknown encoding '{src.encoding}' (try utf-8, cp1252, latin-1)",
                      node, "encoding", "source.encoding")
        if len(src.delimiter) != 1:
            self.fail(f"delimiter must be one character (',', ';', '\\t', '|'), not "
                      f"'{src.delimiter}'", node, "delimiter", "source.delimiter")
        if src.decimal not in (".", ","):
            self.fail(f"decimal must be '.' or ',' (the export's decimal mark), not "
                      f"'{src.decimal}'", node, "decimal", "source.decimal")
        if src.thousands not in THOUSANDS or src.thousands == src.decimal:
            self.fail(f"thousands must be one of '.', ',', ' ', \"'\" and differ from the decimal "
                      f"mark '{src.decimal}'; leave it out when the export has none",
                      node, "thousands", "source.thousands")
        self.date_formats(src.date_formats, node, "source.date_formats")
        src.columns = self.renames(node.get("columns") or {}, node, "source.columns")
        odm = node.get("odm") or {}
        if odm:
            self.keys(odm, ODM_KEYS, "source.odm")
            src.odm_columns = str(odm.get("column_names", "oid"))
            if src.odm_columns not in ("oid", "name"):
                self.fail("odm.column_names must be 'oid' (columns named by ItemOID) or 'name' "
                          "(by ItemDef Name)", odm, "column_names", "source.odm.column_names")
            src.odm_decode = self.boolean(odm, "decode", "source.odm.decode")
        src.timezone = str(node.get("timezone", "") or "")
        if src.timezone:
            self.timezone(src.timezone, node)
        forms = node["forms"]
        if not isinstance(forms, dict) or not forms:
            self.fail("source.forms must name at least one form", node, "forms", "source.forms")
        for name, f in forms.items():
            src.forms[name] = self.form(name, f, f"source.forms.{name}")
        kinds = {(f.is_odm, f.is_fhir) for f in src.forms.values()}
        if len(kinds) > 1:
            self.fail("forms are either files/sheets ('file:'), parts of a CDISC ODM export "
                      "('item_group:' / 'odm_form:') or FHIR resources ('resource:'), not a mix "
                      "in one mapping", node, "forms", "source.forms")
        enrolling = [f for f in src.forms.values() if f.subjects]
        if len(enrolling) != 1:
            self.fail("exactly one form must say 'subjects: true' (the form that enrols "
                      f"subjects, the source of DM); found {len(enrolling)}", node, "forms",
                      "source.forms")
        return src

    def form(self, name: str, f: Any, p: str) -> FormSpec:
        self.keys(f, FORM_KEYS, p)
        where = [k for k in ("file", "item_group", "odm_form", "resource") if k in f]
        if len(where) != 1:
            self.fail("give exactly one of 'file' (a CSV file or .xlsx sheet), 'item_group' "
                      "(an ODM ItemGroupOID), 'odm_form' (an ODM FormOID) or 'resource' (a "
                      f"FHIR resource type); found {', '.join(where) or 'none'}", f, path=p)
        if ("paths" in f) != ("resource" in f):
            self.fail("a FHIR form gives both 'resource' (the resource type) and 'paths' (the "
                      "columns it needs as FHIR paths)", f, path=p)
        paths = self.fhir_paths(f["paths"], f, f"{p}.paths") if "resource" in f else {}
        if "resource" in f and not re.match(r"^[A-Z][A-Za-z]+$", str(f["resource"])):
            self.fail(f"'{f['resource']}' is not a FHIR resource type (e.g. AdverseEvent)", f,
                      "resource", f"{p}.resource")
        return FormSpec(
            name=name, file=str(f.get("file", "")), sheet=str(f.get("sheet", name)),
            required=bool(f.get("required", False)),
            key=[str(c) for c in f.get("key", [])], subjects=bool(f.get("subjects", False)),
            columns_required=[str(c) for c in f.get("columns_required", [])],
            columns=self.renames(f.get("columns") or {}, f, f"{p}.columns"),
            item_group=str(f.get("item_group", "")), odm_form=str(f.get("odm_form", "")),
            resource=str(f.get("resource", "")), paths=paths)

    def fhir_paths(self, node: Any, parent: Any, path: str) -> dict[str, str]:
        """``paths:`` a list of FHIR paths (each its own column name) or {column: path}."""
        from cup2std.readers.fhir_path import PathError, parse
        if isinstance(node, list):
            listed = LocDict({str(x): x for x in node})
            listed.line = getattr(node, "line", 0)
            node = listed
        if not isinstance(node, dict) or not node:
            self.fail("paths must list FHIR paths, or map column names to FHIR paths", parent,
                      "paths", path)
        out = {}
        for name, text in node.items():
            if text is None or isinstance(text, (dict, list)):
                self.fail(f"the path of column '{name}' must be text", node, name,
                          f"{path}.{name}")
            try:
                parse(str(text))
            except PathError as exc:
                self.fail(f"{exc}. Supported: names, where(path = 'text'), extension('url'), "
                          "resolve(), first(), last(), [n], split('x'), a | b (docs/"
                          "fhir-source.md)", node, name, f"{path}.{name}")
            out[str(name)] = str(text)
        return out

    def timezone(self, zone: str, node: Any) -> None:
        from zoneinfo import ZoneInfo
        try:
            ZoneInfo(zone)
        except (KeyError, ValueError):
            self.fail(f"unknown time zone '{zone}'; give an IANA name such as Europe/Berlin",
                      node, "timezone", "source.timezone")

    def renames(self, node: Any, parent: Any, path: str) -> dict[str, str]:
        """``columns: {export header: name used in the mapping}``; names must be distinct."""
        if not isinstance(node, dict):
            self.fail("columns must map the export's header to the name the mapping uses, "
                      "e.g. {Patienten-Nr.: patient_id}", parent, "columns", path)
        out: dict[str, str] = {}
        for header, new in node.items():
            if new is None or isinstance(new, (dict, list)) or not str(new).strip():
                self.fail(f"column '{header}' must be renamed to one non-empty name", node,
                          header, f"{path}.{header}")
            if str(new) in out.values():
                other = next(h for h, n in out.items() if n == str(new))
                self.fail(f"'{header}' and '{other}' are both renamed to '{new}'; give each its "
                          "own name", node, header, f"{path}.{header}")
            out[str(header).strip()] = str(new).strip()
        return out

    def boolean(self, node: Any, key: str, path: str, default: bool = False) -> bool:
        val = node.get(key, default)
        if not isinstance(val, bool):
            self.fail(f"'{key}' must be true or false", node, key, path)
        return val

    def date_formats(self, formats: list, node: Any, path: str) -> None:
        from cup2std.engine.iso8601 import compile_format
        for fmt in formats:
            try:
                compile_format(fmt)
            except ValueError as exc:
                self.fail(str(exc), node, path.rsplit(".", 1)[-1], path)

    def maps(self, node: Any) -> dict[str, dict[str, str]]:
        if not isinstance(node, dict):
            self.fail("value_maps must be a mapping of map name -> {source value: target}", node)
        out = {}
        for name, m in node.items():
            if not isinstance(m, dict) or not m:
                self.fail(f"value map '{name}' must map source values to targets", node, name,
                          f"value_maps.{name}")
            for k, v in m.items():
                if isinstance(v, (dict, list)) or v is None:
                    self.fail(f"value map '{name}': '{k}' must map to a single value", m, k,
                              f"value_maps.{name}.{k}")
            out[str(name)] = {str(k): str(v).strip() for k, v in m.items()}
        return out

    # -- domains ---------------------------------------------------------------------------
    def domains(self, node: Any) -> list[Block]:
        if not isinstance(node, dict):
            self.fail("domains must be a mapping of domain name -> blocks", node)
        blocks: list[Block] = []
        valid = [d for d in self.ig if d != "SUPPQUAL"]
        for dom, body in node.items():
            if dom not in valid:
                self.fail(f"'{dom}' is not an SDTMIG 3.4 domain this cup2std knows.{nearest(dom, valid)}",
                          node, dom, f"domains.{dom}")
            items = body if isinstance(body, list) else [body]
            for i, b in enumerate(items):
                blocks.append(self.block(dom, b, f"domains.{dom}[{i}]"))
        if not any(b.domain == "DM" for b in blocks):
            self.fail("domains must include DM (one record per subject)", node, path="domains")
        return blocks

    def block(self, dom: str, node: Any, path: str) -> Block:
        self.keys(node, BLOCK_KEYS, path, required=("from", "variables"))
        form = self.string(node, "from", path)
        if form not in self.source_spec.forms:
            self.fail(f"form '{form}' is not declared under source.forms."
                      f"{nearest(form, self.source_spec.forms)}", node, "from", f"{path}.from")
        if dom == "DM" and not self.source_spec.forms[form].subjects:
            self.fail("DM must come from the form marked 'subjects: true'", node, "from",
                      f"{path}.from")
        where = self.where(node.get("where") or {}, node, f"{path}.where")
        variables = {}
        meta = self.ig[dom]
        for var, vs in (node["variables"] or {}).items():
            vpath = f"{path}.variables.{var}"
            if var not in meta:
                self.fail(f"'{var}' is not a {dom} variable in SDTMIG 3.4."
                          f"{nearest(var, meta.variables)} Values SDTM has no variable for go "
                          "under 'supp:'.", node["variables"], var, vpath)
            if var in ENGINE_VARIABLES or var == f"{dom}SEQ":
                self.fail(f"{var} is derived by cup2std for every domain; remove it from the "
                          "mapping", node["variables"], var, vpath)
            variables[var] = self.var(var, vs, node["variables"], vpath, meta[var].codelist)
        supp = {}
        for qnam, qs in (node.get("supp") or {}).items():
            qpath = f"{path}.supp.{qnam}"
            if not _QNAM.match(str(qnam)):
                self.fail("QNAM must be 1-8 upper-case letters, digits or '_', starting with a "
                          "letter", node["supp"], qnam, qpath)
            self.keys(qs, SUPP_KEYS + ALGORITHMS + MODIFIERS, qpath, required=("label",))
            label = self.string(qs, "label", qpath)
            if len(label) > 40:
                self.fail(f"QLABEL is {len(label)} characters; SDTM allows 40", qs, "label", qpath)
            core = {k: v for k, v in qs.items() if k not in SUPP_KEYS}
            supp[str(qnam)] = SuppSpec(str(qnam), label, self.var(str(qnam), core, node["supp"],
                                       qpath, None), str(qs.get("qorig", "CRF")),
                                       str(qs.get("qeval", "")))
        return Block(dom, form, variables, where, supp, getattr(node, "line", 0),
                     str(node.get("label", "")))

    def where(self, node: Any, parent: Any, path: str) -> dict:
        if not isinstance(node, dict):
            self.fail("where must map column -> test", parent, "where", path)
        out = {}
        for col, test in node.items():
            if isinstance(test, dict):
                self.keys(test, WHERE_TESTS, f"{path}.{col}")
                out[str(col)] = {k: ([str(x) for x in v] if isinstance(v, list) else
                                     (v if isinstance(v, bool) else str(v)))
                                 for k, v in test.items()}
            elif isinstance(test, list):
                out[str(col)] = {"in": [str(x) for x in test]}
            else:
                out[str(col)] = {"equals": str(test)}
        return out

    def var(self, name: str, node: Any, parent: Any, path: str, codelist: str | None) -> VarSpec:
        if not isinstance(node, dict):
            # Shorthand: a bare value is a hardcoded constant.
            node = LocDict(hardcode=node)
            node.line = parent.line_of(name) if isinstance(parent, LocDict) else 0
        self.keys(node, ALGORITHMS + MODIFIERS, path)
        algos = [a for a in ALGORITHMS if a in node]
        if len(algos) != 1:
            self.fail(f"give exactly one of {', '.join(ALGORITHMS)} (found "
                      f"{', '.join(algos) or 'none'})", node, path=path)
        algo = algos[0]
        opts = {k: node[k] for k in MODIFIERS if k in node}
        spec = VarSpec(name, algo, node[algo], opts, getattr(node, "line", 0))
        if "map" in opts:
            if opts["map"] not in self.value_maps:
                self.fail(f"value map '{opts['map']}' is not defined under value_maps."
                          f"{nearest(opts['map'], self.value_maps)}", node, "map", f"{path}.map")
            self.ct_targets(self.value_maps[opts["map"]].values(), codelist, node, "map", path)
        if "form" in opts and opts["form"] not in self.source_spec.forms:
            self.fail(f"form '{opts['form']}' is not declared under source.forms."
                      f"{nearest(opts['form'], self.source_spec.forms)}", node, "form",
                      f"{path}.form")
        if "when" in opts:
            opts["when"] = self.where(opts["when"], node, f"{path}.when")
        if "number" in opts:
            self.boolean(node, "number", f"{path}.number")
        if "formats" in opts:
            self.date_formats(list(opts["formats"]), node, f"{path}.formats")
        if algo == "hardcode":
            spec.arg = str(spec.arg).strip()
            self.ct_targets([spec.arg], codelist, node, "hardcode", path)
        elif algo == "compute":
            self.compute(str(spec.arg), node, path)
        elif algo == "template":
            self.template(str(spec.arg), node, path)
        elif algo == "flag" and "contains" not in opts:
            self.fail("flag needs 'contains: <token>' (Y when the token is in the column)",
                      node, path=path)
        elif algo == "ctcae" and opts.get("field") not in ("soc", "meddra_code", "term"):
            self.fail("ctcae needs 'field: soc', 'field: meddra_code' or 'field: term'",
                      node, path=path)
        elif algo == "first_of":
            if not isinstance(spec.arg, list) or not spec.arg:
                self.fail("first_of needs a list of variable specs", node, path=path)
            spec.alternatives = [self.var(name, alt, spec.arg, f"{path}.first_of[{i}]", codelist)
                                 for i, alt in enumerate(spec.arg)]
        return spec

    def ct_targets(self, values, codelist: str | None, node: Any, key: str, path: str) -> None:
        """Targets of value maps and constants must be in a non-extensible codelist."""
        cl = self.ct.get(codelist)
        if cl is None or cl.extensible:
            return
        for v in values:
            if v not in cl:
                self.fail(f"'{v}' is not in codelist {cl.code} ({cl.submission_value}), which "
                          f"is not extensible.{nearest(v, cl.values)} Allowed: "
                          f"{', '.join(sorted(cl.values)[:12])}", node, key, path)

    def compute(self, expr: str, node: Any, path: str) -> None:
        from cup2std.engine.algorithms import compute_expression
        code, _ = compute_expression(expr)
        if "{" in code or "}" in code:
            self.fail(f"compute expression '{expr}' has an unmatched brace; write a column name "
                      "that is not a Python name as {Column name}", node, path=path)
        try:
            tree = ast.parse(code, mode="eval")
        except SyntaxError:
            self.fail(f"compute expression '{expr}' is not valid arithmetic (a column name with "
                      "spaces, dots or brackets goes in braces: {Gewicht (kg)})", node, path=path)
        for n in ast.walk(tree):
            if not isinstance(n, _COMPUTE_NODES):
                self.fail(f"compute allows only column names, numbers and + - * / // %; "
                          f"'{expr}' uses {type(n).__name__}. A column name with spaces, dots "
                          "or brackets goes in braces: {Gewicht (kg)}", node, path=path)

    def template(self, text: str, node: Any, path: str) -> None:
        try:
            list(string.Formatter().parse(text))
        except ValueError as exc:
            self.fail(f"template '{text}' is malformed: {exc}", node, path=path)

    # -- derivations and trial summary -----------------------------------------------------
    def derivations(self, node: Any) -> Derivations:
        self.keys(node, DERIVATION_KEYS, "derivations")
        ref = node.get("reference_dates") or {}
        for var, rule in ref.items():
            p = f"derivations.reference_dates.{var}"
            if var not in self.ig["DM"]:
                self.fail(f"'{var}' is not a DM variable.{nearest(var, self.ig['DM'].variables)}",
                          ref, var, p)
            self.keys(rule, ("first", "last"), p)
            if len(rule) != 1:
                self.fail("give one of 'first' or 'last' with a list of DOMAIN.VARIABLE", rule,
                          path=p)
            for ref_var in next(iter(rule.values())):
                dom, _, v = str(ref_var).partition(".")
                if dom not in self.ig or v not in self.ig[dom]:
                    self.fail(f"'{ref_var}' is not DOMAIN.VARIABLE of SDTMIG 3.4", rule, path=p)
        te = node.get("treatment_emergent") or {}
        if te:
            self.keys(te, ("window_days", "qnam", "label"), "derivations.treatment_emergent")
        epochs = node.get("epochs") or {}
        if epochs:
            self.keys(epochs, ("before", "during", "after", "domains"), "derivations.epochs")
        arm = node.get("actual_arm_if_untreated") or {}
        if arm:
            self.keys(arm, ("ACTARMCD", "ACTARM"), "derivations.actual_arm_if_untreated")
        return Derivations({k: dict(v) for k, v in ref.items()},
                           {k: ([str(x) for x in v] if isinstance(v, list) else str(v))
                            for k, v in epochs.items()}, dict(te),
                           {k: str(v) for k, v in arm.items()})

    def trial_summary(self, node: Any) -> list[dict]:
        if not isinstance(node, list):
            self.fail("trial_summary must be a list of {TSPARMCD, TSVAL}", node)
        parmcd = self.ct.codelist("TSPARMCD")
        out = []
        for i, item in enumerate(node):
            p = f"trial_summary[{i}]"
            self.keys(item, ("TSPARMCD", "TSVAL", "TSVALCD", "TSVCDREF", "TSVCDVER", "TSVALNF"),
                      p, required=("TSPARMCD",))
            code = str(item["TSPARMCD"])
            if code not in parmcd:
                self.fail(f"'{code}' is not in codelist TSPARMCD.{nearest(code, parmcd.values)}",
                          item, "TSPARMCD", p)
            out.append({k: str(v) for k, v in item.items()})
        return out
