// Fills a freshly loaded server with reports through the HTTP/JSON gateway,
// the way a web form would: each expected agency of a province gets a draft
// (GetOrCreateDraft), fills in task progress and figures, submits it
// (Submit), and the province's Department of Justice accepts or returns it
// (Review). Some agencies never report, so the dashboard has missing ones to
// name. Deterministic: the same data every run.
//
//   node seed.mjs http://127.0.0.1:PORT on-time   (server clock before the due date)
//   node seed.mjs http://127.0.0.1:PORT late      (server clock after it)
//
// Prints a JSON summary (reports submitted, accepted, returned, awaiting
// review, missing, and the change-feed sequence reached) on stdout.

const base = process.argv[2] ?? process.env.TONGHOP_HTTP;
const phase = process.argv[3] ?? 'on-time';
if (!base || !['on-time', 'late'].includes(phase)) {
  console.error('usage: node seed.mjs http://HOST:PORT on-time|late');
  process.exit(2);
}

const PROVINCE = 'agencies/dong-nai';
const REVIEWER = 'dong-nai-so-tu-phap';
const PLAN = 'plans/dong-nai-74-2026';
// 2026 is the current round; 2027 gives the trend a second point.
const PERIODS = ['2026', '2027'];

class HttpError extends Error {
  constructor(status, body) {
    super(`${status}: ${body.message ?? JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, agency, payload) {
  const options = { method, headers: { 'x-tonghop-agency': agency } };
  let url = `${base}/v1/${path}`;
  if (method === 'GET') {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(payload ?? {})) {
      if (Array.isArray(v)) v.forEach((x) => params.append(k, x));
      else if (v !== undefined) params.append(k, String(v));
    }
    url += `?${params}`;
  } else {
    options.headers['content-type'] = 'application/json';
    options.body = JSON.stringify(payload ?? {});
  }
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) throw new HttpError(response.status, body);
  return body;
}

// A stable small number from a string, so choices differ between agencies
// but not between runs.
function hash(text) {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0;
  return h;
}

async function listAll(path, field, query) {
  const items = [];
  let pageToken;
  do {
    const page = await call('GET', path, 'bo-tu-phap', { ...query, pageSize: 1000, pageToken });
    items.push(...(page[field] ?? []));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return items;
}

// Splits `total` over a dimension's options: most in the first, some in the
// second and third, none in the rest; the cells add up to the total.
function split(total, options) {
  const cells = options.map(() => 0);
  if (options.length === 0) return cells;
  const first = Math.floor(total * 0.6);
  const second = options.length > 1 ? Math.floor(total * 0.25) : 0;
  cells[0] = first;
  if (options.length > 1) cells[1] = second;
  if (options.length > 2) cells[2] = total - first - second;
  else cells[0] += total - first - second;
  return cells;
}

const STATUSES = [
  'PROGRESS_STATUS_COMPLETED',
  'PROGRESS_STATUS_IN_PROGRESS',
  'PROGRESS_STATUS_ONGOING',
  'PROGRESS_STATUS_COMPLETED',
  'PROGRESS_STATUS_NOT_STARTED',
];

function fill(draft, indicators, dimensions, period) {
  const agency = draft.agency ?? draft.name;
  const progress = (draft.progress ?? []).map((p, i) => ({
    task: p.task,
    status: STATUSES[(hash(agency + p.task) + i) % STATUSES.length],
    summary: `Đã tổ chức triển khai nhiệm vụ trong kỳ ${period}.`,
  }));
  // Totals first: rules ("resolved ≤ received") compare with them.
  const totals = new Map();
  const names = [...new Set((draft.values ?? []).map((v) => v.indicator))];
  const ordered = [
    ...names.filter((n) => !(indicators.get(n)?.rules ?? []).length),
    ...names.filter((n) => (indicators.get(n)?.rules ?? []).length),
  ];
  // The second period moves some indicators up and others down, so the
  // trend has moves for and against the wanted direction.
  const drift = period === PERIODS[0] ? 1 : hash(agency) % 2 === 0 ? 1.3 : 0.7;
  for (const name of ordered) {
    const indicator = indicators.get(name);
    let total = Math.round((5 + (hash(agency + name) % 40)) * drift);
    for (const rule of indicator?.rules ?? []) {
      const other = totals.get(rule.other);
      if (other === undefined) continue;
      if (rule.kind === 'KIND_AT_MOST') total = Math.min(total, Math.floor(other * 0.8));
      if (rule.kind === 'KIND_AT_LEAST') total = Math.max(total, other);
    }
    totals.set(name, total);
  }
  const values = [];
  for (const name of names) {
    const total = totals.get(name);
    values.push({ indicator: name, intValue: String(total) });
    for (const dimensionName of indicators.get(name)?.dimensions ?? []) {
      const dimension = dimensions.get(dimensionName);
      if (!dimension) continue;
      const code = dimensionName.replace('dimensions/', '');
      const options = dimension.options ?? [];
      const offset = hash(agency + dimensionName) % Math.max(1, options.length);
      const rotated = options.map((_, i) => options[(i + offset) % options.length]);
      split(total, rotated).forEach((value, i) => {
        values.push({ indicator: name, cells: { [code]: rotated[i].code }, intValue: String(value) });
      });
    }
  }
  return { name: draft.name, progress, values };
}

async function main() {
  const summary = { submitted: 0, accepted: 0, returned: 0, awaitingReview: 0, missing: 0, notAssigned: 0, failed: [], changes: 0 };
  const indicators = new Map((await listAll('registry/ListIndicators', 'indicators')).map((i) => [i.name, i]));
  const dimensions = new Map((await listAll('registry/ListDimensions', 'dimensions')).map((d) => [d.name, d]));
  const agencies = (await listAll('registry/ListAgencies', 'agencies', { idPrefix: 'dong-nai' }))
    .filter((a) => a.name !== PROVINCE && !a.validTo);

  // Fates in the current round, by position: 6 never reports, 5 waits for
  // review, 4 is returned, 3 reports late, the others are accepted on time.
  // The next round is all on time and accepted.
  for (const period of phase === 'late' ? [PERIODS[0]] : PERIODS) {
    for (const [index, agency] of agencies.entries()) {
      const id = agency.name.replace('agencies/', '');
      const fate = period === PERIODS[0] ? index % 7 : 0;
      if (fate === 6) {
        if (phase === 'on-time') summary.missing++;
        continue;
      }
      if ((phase === 'late') !== (fate === 3)) continue;
      let draft;
      try {
        draft = await call('POST', 'submissions/GetOrCreateDraft', id, { plan: PLAN, period, requestId: `seed-draft-${id}-${period}` });
      } catch (error) {
        const reasons = (error.body?.details ?? []).map((d) => d.reason);
        if (reasons.includes('NOT_ASSIGNED')) {
          summary.notAssigned++;
          continue;
        }
        throw error;
      }
      const report = fill(draft, indicators, dimensions, period);
      let submitted;
      try {
        submitted = await call('POST', 'submissions/Submit', id, { name: draft.name, etag: draft.etag, report, requestId: `seed-submit-${id}-${period}` });
      } catch (error) {
        summary.failed.push(`${draft.name}: ${error.message}`);
        continue;
      }
      summary.submitted++;
      summary.changes++;
      if (fate === 5) {
        summary.awaitingReview++;
        continue;
      }
      const decision = fate === 4 ? 'REVIEW_DECISION_RETURN' : 'REVIEW_DECISION_ACCEPT';
      // Nobody reviews their own report: the Department of Justice's goes
      // to the ministry.
      const reviewer = id === REVIEWER ? 'bo-tu-phap' : REVIEWER;
      await call('POST', 'submissions/Review', reviewer, {
        name: submitted.name,
        etag: submitted.etag,
        decision,
        reason: decision === 'REVIEW_DECISION_RETURN' ? 'Đề nghị bổ sung số liệu phân tổ theo giới tính.' : undefined,
        requestId: `seed-review-${id}-${period}`,
      });
      summary.changes++;
      if (decision === 'REVIEW_DECISION_RETURN') summary.returned++;
      else summary.accepted++;
    }
  }
  // The roll-ups follow the change feed; wait until they reflect every
  // change made here, so that the page and the API agree when compared.
  try {
    const caught = await call('GET', 'aggregation/Completeness', 'bo-tu-phap', {
      plan: PLAN, period: PERIODS[0], agency: PROVINCE, minSequence: Number(process.env.TONGHOP_SEED_CHANGES ?? 0) + summary.changes,
    });
    summary.appliedSequence = Number(caught.appliedSequence ?? 0);
  } catch (error) {
    summary.aggregation = error.message;
  }
  console.log(JSON.stringify(summary));
  if (summary.failed.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`seed.mjs: ${error.stack ?? error}`);
  process.exit(1);
});
