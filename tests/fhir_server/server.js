// Test-only FHIR R4 server: Medplum's FHIR engine (@medplum/fhir-router, in-memory repository)
// behind node's http module, base URL http://127.0.0.1:PORT/fhir.
//  - validation on write: every resource of a PUT/POST and of every transaction entry passes
//    checks.js (R4 StructureDefinitions, required bindings, AE Clinical Research profile),
//    else 400/422 with an OperationOutcome;
//  - transactions are all or nothing: the repository is restored when any entry fails;
//  - fault injection for the client's tests: POST /$faults {"status503": n, "retryAfter": s,
//    "drop": n, "status429": n, "status500": n, "slow": n, "slowMs": ms} makes the next n
//    requests fail that way (slow: answer only after slowMs, to trip client timeouts);
//    GET /$stats counts.
// Usage: node server.js [port]   (prints "listening <port>" once ready)
'use strict';
const http = require('http');
const core = require('@medplum/core');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');
const { checkResource, load } = require('./checks');

load();
const router = new FhirRouter();
const repo = new MemoryRepository();
const faults = { status503: 0, status429: 0, status500: 0, drop: 0, slow: 0, slowMs: 0,
  retryAfter: 1 };
const stats = { requests: 0, faults: 0, transactions: 0, rejected: 0 };

function outcome(status, text, expression) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 422 ? 'processing' : 'invalid', details: { text }, ...(expression ? { expression } : {}) }] };
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...headers });
  res.end(text);
}

function invalidEntries(bundle) {
  const issues = [];
  (bundle.entry || []).forEach((e, i) => {
    if (!e.resource) return;
    for (const issue of checkResource(e.resource)) {
      issues.push({ ...issue, expression: [`Bundle.entry[${i}].resource` + (issue.expression ? ' ' + issue.expression.join(',') : '')] });
    }
  });
  return issues;
}

async function handle(req, res, body) {
  const url = new URL(req.url, 'http://localhost');
  let path = url.pathname.replace(/^\/fhir/, '') || '/';
  if (path === '/$faults' && req.method === 'POST') {
    Object.assign(faults, JSON.parse(body || '{}'));
    return send(res, 200, { ...faults });
  }
  if (path === '/$stats') return send(res, 200, stats);
  if (path === '/$reset' && req.method === 'POST') {
    repo.clear();
    return send(res, 200, {});
  }
  stats.requests += 1;
  if (faults.drop > 0) {
    faults.drop -= 1; stats.faults += 1;
    req.socket.destroy();
    return;
  }
  if (faults.slow > 0) {
    // Hold the request past the client's timeout, then drop it unanswered.
    faults.slow -= 1; stats.faults += 1;
    setTimeout(() => req.socket.destroy(), faults.slowMs);
    return;
  }
  for (const [key, status] of [['status503', 503], ['status429', 429], ['status500', 500]]) {
    if (faults[key] > 0) {
      faults[key] -= 1; stats.faults += 1;
      return send(res, status, outcome(status, 'injected fault'), { 'Retry-After': String(faults.retryAfter) });
    }
  }
  const parsed = body ? JSON.parse(body) : undefined;
  const isTx = req.method === 'POST' && (path === '/' || path === '') && parsed && parsed.resourceType === 'Bundle';
  let snapshot;
  let existed = [];
  if (isTx) {
    stats.transactions += 1;
    const issues = invalidEntries(parsed);
    if (issues.length) {
      stats.rejected += 1;
      return send(res, 400, { resourceType: 'OperationOutcome', issue: issues });
    }
    snapshot = { resources: structuredClone(repo.resources), history: structuredClone(repo.history) };
    existed = (parsed.entry || []).map((e) => {
      const [type, id] = ((e.request && e.request.url) || '').split('/');
      return Boolean(repo.resources.get(type) && repo.resources.get(type).get(id));
    });
  } else if ((req.method === 'PUT' || req.method === 'POST') && parsed) {
    const issues = checkResource(parsed);
    if (issues.length) return send(res, 400, { resourceType: 'OperationOutcome', issue: issues });
  }
  const query = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const fhirReq = { method: req.method, url: path.replace(/^\//, '') + url.search, pathname: '', body: parsed, params: {}, query, headers: req.headers };
  let result;
  try {
    result = await router.handleRequest(fhirReq, repo);
  } catch (err) {
    result = [core.normalizeOperationOutcome(err)];
  }
  const [oo, resource] = result;
  let status = core.getStatus(oo);
  if (isTx && resource && resource.resourceType === 'Bundle') {
    const failed = (resource.entry || []).filter((e) => e.response && !/^2/.test(e.response.status));
    if (failed.length) {
      repo.resources = snapshot.resources; repo.history = snapshot.history;
      stats.rejected += 1;
      const issues = failed.map((e) => (e.response.outcome && e.response.outcome.issue) || []).flat();
      return send(res, 400, { resourceType: 'OperationOutcome', issue: issues.length ? issues : [outcome(400, 'transaction entry failed').issue[0]] });
    }
    // Standard statuses for PUT: 201 when the resource was created, 200 when updated.
    (resource.entry || []).forEach((e, i) => {
      if (e.response && /^2/.test(e.response.status)) e.response.status = existed[i] ? '200 OK' : '201 Created';
    });
  } else if (isTx && status >= 400 && snapshot) {
    repo.resources = snapshot.resources; repo.history = snapshot.history;
  }
  send(res, status, resource || oo);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err) => send(res, 500, outcome(500, String(err))));
  });
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
