// The Ministry's dashboard over federation, in Debian's chromium: the
// Ministry's instance and two provinces' (Đồng Nai, Quảng Ngãi), each a
// tonghopd process with its own data directory and certificate (a
// throw-away CA made here with deploy/lib/pki.sh), mutual TLS between them.
// The provinces run with --upstream and push their accepted figures to the
// Ministry by themselves. Once the Ministry holds every province's last
// change (bounded polling of its API), the page's provinces, their receipt,
// times and every figure of the cross-province table, the export and the
// drill-down are checked against the Ministry's API, and screenshots are
// written to $TONGHOP_E2E_OUT.
//
//   TONGHOP_BUILD_DIR=build TONGHOP_E2E_OUT=build/e2e node --test federation.test.mjs

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = path.resolve(process.env.TONGHOP_BUILD_DIR ?? path.join(ROOT, 'build'));
const OUT = process.env.TONGHOP_E2E_OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-e2e-'));
const TONGHOPD = path.join(BUILD, 'services/server/tonghopd');
const CLI = path.join(BUILD, 'clients/cli/tonghop');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DATA = path.join(ROOT, 'deploy/data');
const NATIONAL = 'plans/national-2026';
const PERIOD = '2026';
// Before the provinces' reports are due (5 November) and the compile-due
// date of the national plan (20 November).
const NOW = '2026-11-03T09:00:00+07:00';
const WAIT = { timeout: 60_000 };
// How long the provinces may take to push: generous for a loaded two-core
// machine; the wait ends as soon as the Ministry holds their last change.
const PUSH_DEADLINE_MS = 120_000;

fs.mkdirSync(OUT, { recursive: true });
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-federation-e2e-'));
const PKI = path.join(WORK, 'pki');
const servers = [];
let ministry;
let dongNaiInstance;
let context;
let page;
let profile;

// Starts tonghopd; resolves with its gRPC (and, with --http, HTTPS) address
// once it prints them; rejects when it exits first.
function startServer(name, args) {
  const dataDir = path.join(WORK, name);
  fs.mkdirSync(dataDir, { recursive: true });
  const log = fs.openSync(path.join(OUT, `federation-${name}.log`), 'a');
  const child = spawn(TONGHOPD, [
    `--data-dir=${dataDir}`, '--listen=127.0.0.1:0', `--now=${NOW}`,
    `--tls-cert=${PKI}/server.crt`, `--tls-key=${PKI}/server.key`, `--client-ca=${PKI}/ca.crt`,
    '--insecure-dev-identity', ...args,
  ], { stdio: ['ignore', 'pipe', log] });
  servers.push(child);
  const wantsHttp = args.some((a) => a.startsWith('--http='));
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const grpc = /tonghopd listening on (\S+)/.exec(text);
      const http = /tonghopd https? on (\S+)/.exec(text);
      if (grpc && (!wantsHttp || http)) resolve({ name, grpc: grpc[1], http: http?.[1], child });
    });
    child.on('exit', (code) => reject(new Error(`${name}: tonghopd exited with ${code}; see federation-${name}.log`)));
  });
}

// The CLI against an instance, as an agency through the development header.
function cli(server, agency, ...args) {
  return execFileSync(CLI, [
    `--server=${server.grpc}`, `--tls-ca=${PKI}/ca.crt`, '--cert=', '--key=', `--agency=${agency}`,
    `--state-dir=${path.join(WORK, `cli-${agency}`)}`, ...args,
  ], { encoding: 'utf8' });
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) => fs.writeFileSync(file, JSON.stringify(value, null, 1));

function copyData(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of files) fs.copyFileSync(path.join(DATA, file), path.join(dir, file));
}

// The national plan: one task every province leads, listing the counts
// and decimals of Đồng Nai's plan (as deploy/federation-drill.sh makes it).
function nationalPlan() {
  const kinds = new Map(readJson(path.join(DATA, 'indicators.json')).indicators.map((i) => [i.name, i.valueType]));
  const bundle = readJson(path.join(DATA, 'plan-dong-nai-74-2026.json'));
  const wanted = [...new Set(bundle.tasks.flatMap((t) => t.indicators ?? []))]
    .filter((i) => ['VALUE_TYPE_COUNT', 'VALUE_TYPE_DECIMAL'].includes(kinds.get(i))).sort();
  return {
    plan: {
      name: NATIONAL, symbol: '2715/QĐ-TTg', title: 'Kế hoạch quốc gia (thử nghiệm liên thông)',
      issuer: 'agencies/bo-tu-phap', compiler: 'agencies/bo-tu-phap', firstYear: 2026, lastYear: 2030,
      schedule: bundle.plan.schedule, state: 'PLAN_STATE_ACTIVE',
    },
    tasks: [{
      name: `${NATIONAL}/tasks/A`, outline: 'A', title: 'Số liệu của các tỉnh',
      lead: [{ group: { ancestor: 'agencies/bo-tu-phap', kind: 'AGENCY_KIND_PROVINCE', label: 'UBND các tỉnh, thành phố' } }],
      deadline: { kind: 'DEADLINE_KIND_EVERY_YEAR' }, indicators: wanted,
    }],
  };
}

// Quảng Ngãi's own small plan feeding the national one: its Department of
// Home Affairs reports three counts, reviewed by its Department of Justice.
const QN_PLAN = 'plans/quang-ngai-2026';
function quangNgaiPlan() {
  const schedule = readJson(path.join(DATA, 'plan-dong-nai-74-2026.json')).plan.schedule;
  return {
    plan: {
      name: QN_PLAN, symbol: '12/KH-UBND', title: 'Kế hoạch thử nghiệm của tỉnh Quảng Ngãi',
      issuer: 'agencies/quang-ngai', compiler: 'agencies/quang-ngai-so-tu-phap', firstYear: 2026, lastYear: 2030,
      schedule, state: 'PLAN_STATE_ACTIVE', upstreamPlan: NATIONAL,
    },
    tasks: [{
      name: `${QN_PLAN}/tasks/1`, outline: '1', title: 'Giải quyết khiếu nại, tố cáo',
      lead: [{ agency: 'agencies/quang-ngai-so-noi-vu' }],
      deadline: { kind: 'DEADLINE_KIND_EVERY_YEAR' },
      indicators: ['indicators/complaints-received', 'indicators/complaints-resolved', 'indicators/training-sessions'],
    }],
  };
}

// The last change of an instance's feed: what the Ministry must hold.
function lastChange(server) {
  const changes = JSON.parse(cli(server, 'bo-tu-phap', '--output=json', 'report', 'changes'));
  const list = changes.changes ?? changes;
  return Math.max(...list.map((c) => Number(c.sequence)));
}

async function api(method, query = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const response = await context.request.get(`https://${ministry.http}/v1/${method}?${params}`, {
    headers: { 'x-tonghop-agency': 'bo-tu-phap' },
  });
  const body = await response.json();
  assert.equal(response.status(), 200, `${method}: ${JSON.stringify(body)}`);
  return body;
}

// "09:00, 03/11/2026" in Vietnam time, as display_format writes it.
function vietnamTime(timestamp) {
  if (!timestamp) return '';
  const t = new Date(new Date(timestamp).getTime() + 7 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}, ${two(t.getUTCDate())}/${two(t.getUTCMonth() + 1)}/${t.getUTCFullYear()}`;
}

before(async () => {
  execFileSync('bash', ['-c',
    'source "$1/deploy/lib/pki.sh" && tonghop_pki_ca "$2" && tonghop_pki_server "$2" server && ' +
    'tonghop_pki_agency "$2" dong-nai && tonghop_pki_agency "$2" quang-ngai', 'pki', ROOT, PKI]);

  ministry = await startServer('ministry', ['--http=127.0.0.1:0', `--dashboard-dir=${ROOT}/clients/dashboard/dist`]);
  const ministryData = path.join(WORK, 'ministry-data');
  copyData(ministryData, ['agencies-national.json', 'dimensions.json', 'indicators.json']);
  writeJson(path.join(ministryData, 'plan-national-2026.json'), nationalPlan());
  cli(ministry, 'bo-tu-phap', 'registry', 'load', ministryData);

  const upstream = (id) => [`--tls-ca=${PKI}/ca.crt`, `--instance-cert=${PKI}/${id}.crt`,
    `--instance-key=${PKI}/${id}.key`, `--upstream=${ministry.grpc}`];
  // Đồng Nai's instance also serves its dashboard: its page shows the push.
  const [dongNai, quangNgai] = await Promise.all([
    startServer('dong-nai', [...upstream('dong-nai'), '--http=127.0.0.1:0',
      `--dashboard-dir=${ROOT}/clients/dashboard/dist`]),
    startServer('quang-ngai', upstream('quang-ngai')),
  ]);

  dongNaiInstance = dongNai;
  const dnData = path.join(WORK, 'dong-nai-data');
  copyData(dnData, ['agencies-national.json', 'agencies-province-dong-nai.json', 'dimensions.json', 'indicators.json']);
  const dnPlan = readJson(path.join(DATA, 'plan-dong-nai-74-2026.json'));
  dnPlan.plan.upstreamPlan = NATIONAL;
  writeJson(path.join(dnData, 'plan-dong-nai-74-2026.json'), dnPlan);
  cli(dongNai, 'bo-tu-phap', 'registry', 'load', dnData);
  const reports = path.join(ROOT, 'deploy/demo/reports');
  for (const who of ['so-noi-vu', 'so-y-te', 'cong-an-tinh', 'so-tu-phap']) {
    cli(dongNai, `dong-nai-${who}`, 'report', 'submit', path.join(reports, `${who}.json`));
    cli(dongNai, who === 'so-tu-phap' ? 'bo-tu-phap' : 'dong-nai-so-tu-phap',
      'report', 'review', `dong-nai-${who}/dong-nai-74-2026/${PERIOD}`, '--accept');
  }

  const qnData = path.join(WORK, 'quang-ngai-data');
  copyData(qnData, ['agencies-national.json', 'agencies-province-quang-ngai.json', 'dimensions.json', 'indicators.json']);
  writeJson(path.join(qnData, 'plan-quang-ngai-2026.json'), quangNgaiPlan());
  cli(quangNgai, 'bo-tu-phap', 'registry', 'load', qnData);
  const qnReport = path.join(WORK, 'quang-ngai-so-noi-vu.json');
  writeJson(qnReport, {
    name: `reports/quang-ngai-so-noi-vu/quang-ngai-2026/${PERIOD}`,
    progress: [{ task: `${QN_PLAN}/tasks/1`, status: 'PROGRESS_STATUS_COMPLETED', summary: 'Đã giải quyết 9/12 vụ việc.' }],
    values: [
      { indicator: 'indicators/complaints-received', intValue: '12' },
      { indicator: 'indicators/complaints-resolved', intValue: '9' },
      { indicator: 'indicators/training-sessions', intValue: '4' },
    ],
  });
  cli(quangNgai, 'quang-ngai-so-noi-vu', 'report', 'submit', qnReport);
  cli(quangNgai, 'quang-ngai-so-tu-phap', 'report', 'review', `quang-ngai-so-noi-vu/quang-ngai-2026/${PERIOD}`, '--accept');

  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // The Ministry's HTTPS gateway presents the throw-away CA's certificate.
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
    viewport: { width: 1500, height: 1000 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));

  // Until the Ministry holds each province's last change: bounded polling.
  const want = { 'agencies/dong-nai': lastChange(dongNai), 'agencies/quang-ngai': lastChange(quangNgai) };
  const deadline = Date.now() + PUSH_DEADLINE_MS;
  for (;;) {
    const held = (await api('federation/ListReceivedFigures', { parent: `${NATIONAL}/periods/${PERIOD}` })).receivedFigures ?? [];
    const generation = (agency) => Number(held.find((f) => f.agency === agency)?.generation ?? 0);
    if (Object.entries(want).every(([agency, last]) => generation(agency) >= last)) break;
    assert.ok(Date.now() < deadline, `the Ministry does not hold the provinces' last changes ${JSON.stringify(want)}: ${JSON.stringify(held.map((f) => [f.agency, f.generation]))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

after(async () => {
  await context?.close();
  for (const child of servers) child.kill('SIGTERM');
  await Promise.all(servers.map((child) => (child.exitCode === null ? new Promise((r) => child.on('exit', r)) : null)));
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  fs.rmSync(WORK, { recursive: true, force: true });
});

async function ready() {
  await page.waitForSelector('[data-testid=app][data-ready=true]', WAIT);
}

test('the Ministry sees every province, whether and when it sent, and each figure as its API says', async () => {
  await page.goto(`https://${ministry.http}/#/ministry?plan=${encodeURIComponent(NATIONAL)}&period=${PERIOD}`);
  await ready();
  const overview = await api('federation/GetNationalOverview', { name: `${NATIONAL}/periods/${PERIOD}` });
  const provinces = overview.provinces;
  assert.equal(overview.provincesExpected, 34);
  assert.equal(overview.provincesReceived, 2);
  assert.equal(provinces.filter((p) => p.receipt === 'PROVINCE_RECEIPT_ON_TIME').length, 2);
  assert.equal(await page.textContent('[data-testid=provinces-sent-value]'), '2 / 34');
  assert.equal(await page.textContent('[data-testid=compile-due-value]'), '20/11/2026');

  // Every province, sent or not, with its receipt and times.
  const rows = await page.$$('[data-testid=ministry-provinces] tbody tr');
  assert.equal(rows.length, provinces.length);
  for (const p of provinces) {
    const row = `[data-testid=ministry-row-${p.agency.replace('agencies/', '')}]`;
    assert.equal(await page.getAttribute(`${row} [data-testid=receipt]`, 'data-receipt'), p.receipt, p.agency);
    assert.equal(await page.textContent(`${row} [data-testid=receipt]`),
      p.receipt === 'PROVINCE_RECEIPT_NOT_RECEIVED' ? 'Chưa gửi' : 'Đúng hạn', p.agency);
    assert.equal(await page.textContent(`${row} [data-testid=first-arrived]`), vietnamTime(p.firstArriveTime), p.agency);
    assert.equal(await page.textContent(`${row} [data-testid=arrived]`), vietnamTime(p.arriveTime), p.agency);
    if (p.completeness) {
      assert.equal(await page.getAttribute(`${row} [data-testid=province-completeness]`, 'data-accepted'),
        String(p.completeness.accepted ?? 0), p.agency);
    }
  }
  const dongNai = provinces.find((p) => p.agency === 'agencies/dong-nai');
  assert.equal(dongNai.completeness.accepted, 4, 'the completeness travelled with the push');

  // The cross-province table: every province's figure of every indicator,
  // none where the province sent none (never 0), and the national total.
  let present = 0;
  for (const indicator of overview.indicators) {
    const id = indicator.indicator.replace('indicators/', '');
    for (const [index, p] of provinces.entries()) {
      const cell = `[data-testid=matrix-row-${p.agency.replace('agencies/', '')}] [data-testid=cell-${id}]`;
      const figure = indicator.provinces[index].figure ?? {};
      assert.equal(indicator.provinces[index].agency, p.agency);
      if (figure.present) {
        present++;
        assert.equal(await page.getAttribute(cell, 'data-value'), figure.value, `${p.agency} ${id}`);
      } else {
        assert.equal(await page.getAttribute(cell, 'data-absent'), 'true', `${p.agency} ${id}`);
        assert.equal(await page.textContent(cell), '—');
      }
    }
    const total = `[data-testid=matrix-row-total] [data-testid=cell-${id}]`;
    if (indicator.total?.present) assert.equal(await page.getAttribute(total, 'data-value'), indicator.total.value, id);
    else assert.equal(await page.getAttribute(total, 'data-absent'), 'true', id);
  }
  assert.ok(present >= 10, `the provinces' figures are on the page (${present})`);
  // complaints-received: Đồng Nai's and Quảng Ngãi's 12 add up exactly.
  const complaints = overview.indicators.find((i) => i.indicator === 'indicators/complaints-received');
  const byProvince = Object.fromEntries(complaints.provinces.map((p) => [p.agency, p.figure]));
  assert.equal(byProvince['agencies/quang-ngai'].value, '12');
  assert.equal(complaints.total.value, String(Number(byProvince['agencies/dong-nai'].value) + 12));
  assert.equal(await page.textContent('[data-testid=matrix-row-quang-ngai] [data-testid=cell-complaints-received]'), '12');

  await page.waitForSelector('[data-testid=ministry-trend] [data-testid=trend-row-complaints-received]', WAIT);
  await page.screenshot({ path: path.join(OUT, 'ministry.png'), fullPage: true });
});

test('the cross-province table downloads as CSV and XLSX', async () => {
  for (const [button, extension] of [['export-csv', 'csv'], ['export-xlsx', 'xlsx']]) {
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click(`[data-testid=${button}]`)]);
    assert.equal(download.suggestedFilename(), `so-lieu-cac-tinh-national-2026-${PERIOD}.${extension}`);
    const file = path.join(OUT, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = fs.readFileSync(file);
    if (extension === 'csv') {
      const text = bytes.toString('utf8');
      assert.ok(text.startsWith('\uFEFF"Tỉnh, thành phố",Tình trạng gửi,'), text.slice(0, 80));
      assert.match(text, /Tỉnh Quảng Ngãi,Đúng hạn,/);
      assert.match(text, /\r\nCả nước,/);
    } else {
      assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    }
  }
});

test('drill-down shows the figures a province sent, each with when it arrived', async () => {
  await page.click('[data-testid=ministry-row-quang-ngai] [data-testid=province-link]');
  await ready();
  await page.waitForSelector('[data-testid=ministry-drill] [data-testid=drill-table]', WAIT);
  const held = await api('federation/GetReceivedFigures', { name: `${NATIONAL}/periods/${PERIOD}/receivedFigures/quang-ngai` });
  assert.equal(held.values.length, 3);
  const onPage = await page.$$eval('[data-testid=drill-row]', (rows) => rows.map((row) => ({
    indicator: row.querySelector('[data-testid=drill-indicator]').getAttribute('data-indicator'),
    cells: row.querySelector('[data-testid=drill-cells]').getAttribute('data-cells'),
    value: row.querySelector('[data-testid=drill-value]').getAttribute('data-value'),
    time: row.querySelector('[data-testid=drill-arrived]').getAttribute('data-time'),
    shown: row.querySelector('[data-testid=drill-arrived]').textContent,
  })));
  const key = (x) => `${x.indicator} ${x.cells}`;
  const expected = held.values.map((v, i) => ({
    indicator: v.indicator,
    cells: JSON.stringify(v.cells ?? {}),
    value: v.intValue ?? v.decimalValue,
    time: held.valueArriveTimes[i],
    shown: vietnamTime(held.valueArriveTimes[i]),
  }));
  assert.deepEqual(onPage.sort((a, b) => key(a).localeCompare(key(b))), expected.sort((a, b) => key(a).localeCompare(key(b))));
  await page.screenshot({ path: path.join(OUT, 'ministry-drill.png'), fullPage: true });
});

test("a province's own page shows that its figures reached the Ministry, and nothing is held", async () => {
  await page.goto(`https://${dongNaiInstance.http}/#/province/dong-nai?plan=plans/dong-nai-74-2026&period=${PERIOD}`);
  await ready();
  await page.waitForSelector('[data-testid=upstream-section][data-loaded=true]', WAIT);
  const summary = await page.textContent('[data-testid=upstream-summary]');
  assert.ok(summary.includes(ministry.grpc) && summary.includes('national-2026') && summary.includes('dong-nai'), summary);
  assert.equal(await page.textContent('[data-testid=upstream-pending]'), 'Mọi thay đổi đã được gửi và cấp trên đã xác nhận.');
  assert.equal(await page.textContent('[data-testid=upstream-held-none]'), 'Không có lượt gửi nào bị cấp trên từ chối.');
  await page.screenshot({ path: path.join(OUT, 'province-upstream.png'), fullPage: true });
});
