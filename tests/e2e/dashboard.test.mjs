// The dashboard in Debian's chromium against a seeded tonghopd: the figures
// on the page are the API's, drill-down, language toggle, pagination and
// report download work, and nothing is fetched from outside the server.
// A screenshot of each view is written to $TONGHOP_E2E_OUT.
//
//   TONGHOP_HTTP=http://127.0.0.1:PORT TONGHOP_E2E_OUT=DIR node --test dashboard.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const BASE = process.env.TONGHOP_HTTP;
const OUT = process.env.TONGHOP_E2E_OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-e2e-'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CALLER = 'bo-tu-phap';
const PROVINCE = 'dong-nai';
const PLAN = 'plans/dong-nai-74-2026';
const PERIOD = '2026';
// Long enough for a loaded two-core machine; waits end as soon as the page
// says it is ready, never by the clock.
const WAIT = { timeout: 60_000 };

assert.ok(BASE, 'TONGHOP_HTTP must name the gateway, http://HOST:PORT');
fs.mkdirSync(OUT, { recursive: true });

async function api(method, query = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) v.forEach((x) => params.append(k, x));
    else if (v !== undefined) params.append(k, String(v));
  }
  const response = await fetch(`${BASE}/v1/${method}?${params}`, { headers: { 'x-tonghop-agency': CALLER } });
  const body = await response.json();
  assert.equal(response.status, 200, `${method}: ${JSON.stringify(body)}`);
  return body;
}

const vi = new Intl.NumberFormat('vi-VN');
const en = new Intl.NumberFormat('en-GB');

let profile;
let context;
let page;
const requests = [];

before(async () => {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

after(async () => {
  await context?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

async function ready() {
  await page.waitForSelector('[data-testid=app][data-ready=true]', WAIT);
}

async function sectionsLoaded() {
  for (const section of ['completeness-section', 'indicators-section', 'tasks-section']) {
    await page.waitForSelector(`[data-testid=${section}][data-loaded]`, WAIT);
    const state = await page.getAttribute(`[data-testid=${section}]`, 'data-loaded');
    assert.equal(state, 'true', `${section} failed: ${await page.textContent(`[data-testid=${section}]`)}`);
  }
  // The breakdowns and the trend of the selected indicator load after it.
  await page.waitForSelector('[data-testid=trend], [data-testid=indicator-detail] [data-testid=error]', WAIT);
}

async function cellValues(selector) {
  return page.$$eval(selector, (els) => els.map((el) => el.getAttribute('data-value')));
}

test('national view lists every province in force with the API figures', async () => {
  await page.goto(`${BASE}/#/national?period=${PERIOD}`);
  await ready();
  const provinces = (await api('registry/ListAgencies', { kind: 'AGENCY_KIND_PROVINCE', pageSize: 1000 })).agencies;
  const inForce = provinces.filter((p) => !p.validTo);
  const rows = await page.$$('[data-testid=national-table] tbody tr');
  assert.equal(rows.length, inForce.length);
  assert.equal(inForce.length, 34);

  const completeness = await api('aggregation/Completeness', { plan: PLAN, period: PERIOD, agency: `agencies/${PROVINCE}` });
  const row = `[data-testid=province-row-${PROVINCE}]`;
  await page.waitForSelector(row, WAIT);
  for (const [testid, field] of [['expected', 'expected'], ['received', 'received'], ['on-time', 'onTime'], ['late', 'late'], ['missing', 'missing']]) {
    const cell = `${row} [data-testid=${testid}]`;
    assert.equal(await page.getAttribute(cell, 'data-value'), String(completeness[field] ?? 0), testid);
    assert.equal(await page.textContent(cell), vi.format(completeness[field] ?? 0), testid);
  }
  assert.ok((completeness.expected ?? 0) > 0, 'the seeded province expects reports');
  assert.equal(await page.textContent('[data-testid=total-expected-value]'), vi.format(completeness.expected));
  await page.waitForSelector('[data-testid=national-chart] canvas', WAIT);
  await page.screenshot({ path: path.join(OUT, 'national.png'), fullPage: true });
});

test('national table sorts by a column', async () => {
  await page.click('[data-testid=national-table] th[data-key=expected]');
  const first = await page.$eval('[data-testid=national-table] tbody tr', (tr) => tr.getAttribute('data-testid'));
  assert.equal(first, `province-row-${PROVINCE}`, 'the only province with a plan sorts first by expected, descending');
});

test('drill-down shows the province with the API figures', async () => {
  await page.click(`[data-testid=province-row-${PROVINCE}] [data-testid=province-link]`);
  await ready();
  assert.match(page.url(), /#\/province\/dong-nai\?/);
  await sectionsLoaded();
  const query = { plan: PLAN, period: PERIOD, agency: `agencies/${PROVINCE}` };

  const c = await api('aggregation/Completeness', query);
  for (const [testid, field] of [['expected', 'expected'], ['received', 'received'], ['on-time', 'onTime'], ['late', 'late'], ['missing', 'missing'], ['awaiting-review', 'awaitingReview']]) {
    assert.equal(await page.textContent(`[data-testid=${testid}-value]`), vi.format(c[field] ?? 0), testid);
  }
  const missingOnPage = await page.$$eval('[data-testid=missing-table] tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  const missingInApi = (c.missingReporters ?? []).map((r) => r.displayName);
  assert.ok(missingInApi.length > 0, 'the seed leaves some agencies missing');
  for (const name of missingOnPage) {
    assert.ok(missingInApi.some((m) => name.startsWith(m)), `${name} is missing in the API too`);
  }
  assert.equal(missingOnPage.length, Math.min(20, missingInApi.length));

  const rollup = await api('aggregation/Rollup', { ...query, groupBy: 'ROLLUP_GROUPING_TOTAL' });
  const totals = await cellValues('[data-testid=indicator-table] [data-testid=indicator-total]');
  const expectedTotals = (rollup.indicators ?? []).slice(0, 30).map((i) => (i.total?.present ? i.total.value : ''));
  assert.deepEqual(totals, expectedTotals);
  assert.ok(expectedTotals.some((v) => v !== ''), 'some indicator has a figure');

  const selected = await page.getAttribute('[data-testid=indicator-detail]', 'data-indicator');
  const indicator = await api('registry/GetIndicator', { name: selected });
  for (const dimension of indicator.dimensions ?? []) {
    const breakdown = await api('aggregation/Rollup', { ...query, indicators: [selected], groupBy: 'ROLLUP_GROUPING_DIMENSION', dimension });
    const expected = (breakdown.indicators?.[0]?.rows ?? []).map((r) => (r.figure?.present ? r.figure.value : ''));
    const shown = await cellValues(`[data-testid=breakdown-${dimension.replace('dimensions/', '')}] td[data-value]`);
    assert.deepEqual(shown, expected, dimension);
  }

  const plans = (await api('registry/ListPlans', { issuer: `agencies/${PROVINCE}` })).plans;
  const trend = await api('aggregation/Trend', { agency: `agencies/${PROVINCE}`, indicator: selected, plans: plans.map((p) => p.name) });
  const trendRows = await page.$$eval('[data-testid=trend-table] tbody tr', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-period'), tr.querySelector('td[data-value]').getAttribute('data-value'), tr.getAttribute('data-against')]));
  assert.deepEqual(trendRows, (trend.points ?? []).map((p) => [p.period, p.figure?.present ? p.figure.value : '', String(!!p.againstDirection)]));

  const tasks = await api('aggregation/TaskStatus', query);
  assert.equal(await page.textContent('[data-testid=overdue-count]'), `${vi.format(tasks.overdue ?? 0)} nhiệm vụ quá hạn`);
  const firstPage = (tasks.tasks ?? []).slice(0, 15);
  const overdueMarks = await page.$$('[data-testid=task-table] [data-testid=overdue-mark]');
  assert.equal(overdueMarks.length, firstPage.filter((t) => t.overdue).length);

  await page.screenshot({ path: path.join(OUT, 'province.png'), fullPage: true });
});

test('an indicator with a moving trend is highlighted against its direction', async () => {
  // Pick the first indicator whose trend has a move against its direction
  // and show it, so the highlight is on the page.
  const query = { plan: PLAN, period: PERIOD, agency: `agencies/${PROVINCE}` };
  const rollup = await api('aggregation/Rollup', { ...query, groupBy: 'ROLLUP_GROUPING_TOTAL' });
  let target;
  for (const i of rollup.indicators ?? []) {
    if (!i.direction) continue;
    const trend = await api('aggregation/Trend', { agency: query.agency, indicator: i.indicator, plans: [PLAN] });
    if ((trend.againstDirection ?? 0) > 0) {
      target = { indicator: i.indicator, against: trend.againstDirection };
      break;
    }
  }
  assert.ok(target, 'the seed makes some indicator move against its wanted direction');
  await page.click(`[data-testid=indicator-${target.indicator.replace('indicators/', '')}] [data-testid=indicator-link]`);
  await page.waitForSelector(`[data-testid=indicator-detail][data-indicator="${target.indicator}"] [data-testid=trend]`, WAIT);
  const highlighted = await page.$$('[data-testid=trend-table] tr.against-row');
  assert.equal(highlighted.length, target.against);
  await page.$eval('[data-testid=indicator-detail]', (el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(OUT, 'province-trend.png'), fullPage: false });
});

test('a click on a figure shows the reports that add up to it', async () => {
  const query = { plan: PLAN, period: PERIOD, agency: `agencies/${PROVINCE}` };
  const indicator = 'indicators/complaints-received';
  const row = `[data-testid=indicator-${indicator.replace('indicators/', '')}]`;
  await page.click(`${row} [data-testid=indicator-total] .explainable`);
  await page.waitForSelector('[data-testid=explain-table]', WAIT);
  const explained = await api('aggregation/ExplainFigure', { ...query, indicator });
  const shown = await page.$$eval('[data-testid=explain-row]', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-agency'), tr.querySelector('td[data-value]').getAttribute('data-value')]));
  assert.deepEqual(shown, (explained.contributions ?? []).map((c) => [c.agency, c.value]));
  assert.ok(shown.length > 1, 'several reports make up the province figure');
  const sum = shown.reduce((total, [, value]) => total + Number(value), 0);
  const figure = await page.getAttribute('[data-testid=explain-sum] th[data-value]', 'data-value');
  assert.equal(String(sum), figure);
  assert.equal(figure, explained.figure.value);
  await page.$eval('[data-testid=explain-panel]', (el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(OUT, 'province-explain.png'), fullPage: false });
});

test('a share that cannot be computed is shown as not available, with its reason', async () => {
  // The resolution rate's numerator is not broken down by sex, its
  // denominator is: by sex the rate is unknown, not 0.
  const query = { plan: PLAN, period: PERIOD, agency: `agencies/${PROVINCE}` };
  const indicator = 'indicators/complaint-resolution-rate';
  const bySex = await api('aggregation/Rollup', { ...query, indicators: [indicator], groupBy: 'ROLLUP_GROUPING_DIMENSION', dimension: 'dimensions/sex' });
  const rows = bySex.indicators?.[0]?.rows ?? [];
  assert.ok(rows.length > 0, 'the seed breaks the denominator down by sex');
  for (const row of rows) {
    assert.equal(row.figure?.present ?? false, false, row.label);
    assert.equal(row.figure?.unavailableReason, 'UNAVAILABLE_REASON_NUMERATOR_NOT_DISAGGREGATED', row.label);
  }
  await page.click(`[data-testid=indicator-${indicator.replace('indicators/', '')}] [data-testid=indicator-link]`);
  const box = `[data-testid=indicator-detail][data-indicator="${indicator}"] [data-testid=breakdown-sex]`;
  await page.waitForSelector(box, WAIT);
  const cells = await page.$$eval(`${box} [data-testid=figure-unavailable]`, (els) => els.map((el) => [el.textContent, el.getAttribute('title')]));
  assert.equal(cells.length, rows.length);
  for (const [i, [text, title]] of cells.entries()) {
    assert.equal(text, '—*');
    assert.equal(title, rows[i].figure.note);
  }
  assert.match(cells[0][1], /không được phân tổ theo Giới tính/);
  assert.match(await page.textContent('[data-testid=data-as-of]'), /^Số liệu tính đến \d\d:\d\d, \d\d\/\d\d\/\d{4}\.$/);
});

test('long lists are paged', async () => {
  await page.click('[data-testid=tab-all]');
  const pager = await page.$('[data-testid=reporter-table-pager]');
  assert.ok(pager, 'the province has more reporters than one page');
  const firstPage = await page.$$eval('[data-testid=reporter-table] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-testid')));
  assert.equal(firstPage.length, 25);
  await page.click('[data-testid=reporter-table-next]');
  const secondPage = await page.$$eval('[data-testid=reporter-table] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-testid')));
  assert.ok(secondPage.length > 0);
  assert.ok(!secondPage.some((id) => firstPage.includes(id)), 'the second page shows other agencies');
});

test('the compiled report downloads as an official document: DOCX and PDF', async () => {
  const [docx] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-testid=download-docx]')]);
  assert.match(docx.suggestedFilename(), /\.docx$/);
  const docxPath = path.join(OUT, docx.suggestedFilename());
  await docx.saveAs(docxPath);
  const docxBytes = fs.readFileSync(docxPath);
  assert.equal(docxBytes.subarray(0, 2).toString('latin1'), 'PK', 'a .docx is a zip file');
  assert.ok(docxBytes.includes(Buffer.from('word/document.xml')), 'with a Word body');

  const [pdf] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-testid=download-pdf]')]);
  assert.match(pdf.suggestedFilename(), /\.pdf$/);
  const pdfPath = path.join(OUT, pdf.suggestedFilename());
  await pdf.saveAs(pdfPath);
  assert.equal(fs.readFileSync(pdfPath).subarray(0, 5).toString('latin1'), '%PDF-');

  const [adx] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-testid=download-adx]')]);
  const adxPath = path.join(OUT, adx.suggestedFilename());
  await adx.saveAs(adxPath);
  assert.match(fs.readFileSync(adxPath, 'utf8'), /<adx xmlns="urn:ihe:qrph:adx:2015"/);
});

test('the compiled report downloads as XLSX and Markdown', async () => {
  const [xlsx] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-testid=download-xlsx]')]);
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  const xlsxPath = path.join(OUT, xlsx.suggestedFilename());
  await xlsx.saveAs(xlsxPath);
  const bytes = fs.readFileSync(xlsxPath);
  assert.ok(bytes.length > 1000, 'a workbook of some size');
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX is a zip file');

  const [markdown] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-testid=download-markdown]')]);
  assert.match(markdown.suggestedFilename(), /\.md$/);
  const markdownPath = path.join(OUT, markdown.suggestedFilename());
  await markdown.saveAs(markdownPath);
  const text = fs.readFileSync(markdownPath, 'utf8');
  assert.match(text, /Đồng Nai/);
});

test('the language toggle switches to English and back', async () => {
  await page.click('[data-testid=lang-toggle]');
  await ready();
  await sectionsLoaded();
  assert.equal(await page.textContent('[data-testid=nav-national]'), 'National');
  assert.equal(await page.textContent('[data-testid=tasks-section] h3'), 'Task status');
  const c = await api('aggregation/Completeness', { plan: PLAN, period: PERIOD, agency: `agencies/${PROVINCE}` });
  assert.equal(await page.textContent('[data-testid=expected-value]'), en.format(c.expected ?? 0));
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.screenshot({ path: path.join(OUT, 'province-en.png'), fullPage: true });

  await page.click('[data-testid=lang-toggle]');
  await ready();
  assert.equal(await page.textContent('[data-testid=nav-national]'), 'Toàn quốc');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
});

test('the home page shows what the acting agency owes, with the reviewer\'s reason', async () => {
  // A department or commune whose report was returned in the seed.
  const agencies = (await api('registry/ListAgencies', { idPrefix: PROVINCE, pageSize: 1000 })).agencies;
  let clerk;
  let owed;
  for (const a of agencies) {
    const id = a.name.replace('agencies/', '');
    const response = await fetch(`${BASE}/v1/submissions/ListDueReports`, { headers: { 'x-tonghop-agency': id } });
    assert.equal(response.status, 200);
    const body = await response.json();
    if ((body.dueReports ?? []).some((d) => d.state === 'REPORT_STATE_RETURNED')) {
      clerk = id;
      owed = body.dueReports;
      break;
    }
  }
  assert.ok(clerk, 'the seed returns at least one report');
  await page.goto(`${BASE}/#/national?period=${PERIOD}`);
  await ready();
  await page.fill('#acting-agency', clerk);
  await page.dispatchEvent('#acting-agency', 'change');
  await page.waitForSelector('[data-testid=owed][data-loaded]', WAIT);
  assert.equal(await page.getAttribute('[data-testid=owed]', 'data-loaded'), 'true',
    await page.textContent('[data-testid=owed]'));
  const rows = await page.$$('[data-testid=owed-table] tbody tr');
  assert.equal(rows.length, owed.length);
  const returned = owed.find((d) => d.state === 'REPORT_STATE_RETURNED');
  const row = `[data-testid="owed-${returned.report.replace(/\//g, '_')}"]`;
  // The state in the one vocabulary the CLI and the compiled reports use.
  assert.equal(await page.textContent(`${row} [data-testid=owed-state]`), 'Bị trả lại');
  assert.match(await page.textContent(row), new RegExp(returned.reviewReason));
  await page.screenshot({ path: path.join(OUT, 'home-owed.png'), fullPage: true });
  await page.fill('#acting-agency', CALLER);
  await page.dispatchEvent('#acting-agency', 'change');
  await ready();
});

test('the dashboard fetches nothing from outside the server', async () => {
  const outside = requests.filter((url) => !url.startsWith(BASE) && !url.startsWith('blob:') && !url.startsWith('data:'));
  assert.deepEqual(outside, []);
  assert.ok(requests.length > 5);
});

// Last: it adds a plan to the province the tests above count. A plan is
// uploaded as an official would; what the document leaves out (the
// schedule's dates, a deadline, a task's lead, an agency under an old name)
// is supplied in the page; the plan is stored, and the name picked for the
// agency is stored as one of its aliases.
test('a plan is imported from its document, its gaps supplied in the page', async () => {
  const document = [
    'ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI',
    'Số: 188/KH-UBND',
    'Đồng Nai, ngày 04 tháng 5 năm 2026',
    '',
    'KẾ HOẠCH',
    'Tuyên truyền về quyền của người cao tuổi năm 2026',
    '',
    'I. NHIỆM VỤ',
    '1. Biên soạn tài liệu hỏi đáp về quyền của người cao tuổi',
    '- Cơ quan chủ trì: Sở Tư pháp.',
    '- Thời gian hoàn thành: Quý III/2026.',
    '2. Phát sóng phóng sự về chăm sóc người cao tuổi',
    '- Cơ quan chủ trì: Sở Văn hoá và Thể thao.',
    '- Thời gian hoàn thành: Khi bố trí được kinh phí.',
    '3. Tổ chức nói chuyện chuyên đề tại các câu lạc bộ người cao tuổi',
    '- Thời gian hoàn thành: Năm 2026.',
    '',
    'II. TỔ CHỨC THỰC HIỆN',
    'Định kỳ hằng năm, các cơ quan báo cáo kết quả về Sở Tư pháp để tổng hợp.',
  ].join('\n');
  const file = path.join(OUT, 'ke-hoach-188.txt');
  fs.writeFileSync(file, `${document}\n`);
  await page.goto(`${BASE}/#/import?issuer=${PROVINCE}`);
  await ready();
  await page.setInputFiles('[data-testid=import-file]', file);
  await page.waitForSelector('[data-testid=import-plan]', WAIT);
  assert.equal(await page.textContent('[data-testid=import-gap-count-value]'), '4');
  assert.equal((await page.$$('[data-testid=import-task]')).length, 3);
  const codes = await page.$$eval('[data-testid^=import-gap-]', (els) =>
    els.map((el) => el.getAttribute('data-code')).filter(Boolean));
  assert.deepEqual(codes,
    ['SCHEDULE_DUE_MISSING', 'TASK_DEADLINE_UNREADABLE', 'TASK_LEAD_MISSING', 'AGENCY_UNRESOLVED']);
  // The tree names agencies as the registry does, not by their ids; a name
  // can be mapped to any unit of the province, not only the closest ones.
  const justice = await api('registry/GetAgency', { name: 'agencies/dong-nai-so-tu-phap' });
  assert.equal(await page.textContent('[data-testid=import-task][data-outline="1"] td:nth-child(3)'),
    justice.displayName);
  const offered = await page.$$eval('[data-testid=import-map-3] option', (els) => els.map((el) => el.value));
  assert.ok(offered.includes('agencies/dong-nai-so-tu-phap'), JSON.stringify(offered));
  assert.ok(offered.length > 4, JSON.stringify(offered));
  assert.ok(!(await page.textContent('[data-testid=import-gaps]')).includes('--map'));
  await page.screenshot({ path: path.join(OUT, 'import-gaps.png'), fullPage: true });

  await page.fill('[data-testid=import-schedule]', 'annual:15/11,compile:30/11');
  await page.fill('[data-testid=import-deadline-2]', 'Quý IV/2026');
  await page.selectOption('[data-testid=import-map-3]', 'agencies/dong-nai-so-van-hoa-the-thao-va-du-lich');
  await page.selectOption('[data-testid=import-lead-3]', 'agencies/dong-nai-so-tu-phap');
  await page.click('[data-testid=import-rerun]');
  await page.waitForSelector('[data-testid=import-commit]', WAIT);
  assert.equal(await page.textContent('[data-testid=import-gap-count-value]'), '0');
  assert.equal(await page.textContent('[data-testid=import-with-lead-value]'), '3');

  await page.click('[data-testid=import-commit]');
  await page.waitForSelector('[data-testid=import-committed], [data-testid=import-error]', WAIT);
  assert.equal(await page.$('[data-testid=import-error]'), null, await page.textContent('[data-testid=import-result]'));
  const plan = await api('registry/GetPlan', { name: 'plans/dong-nai-188-2026' });
  assert.equal(plan.schedule.length, 1);
  const tasks = await api('registry/ListTasks', { parent: 'plans/dong-nai-188-2026' });
  assert.deepEqual(tasks.tasks.map((t) => t.lead?.[0]?.agency), [
    'agencies/dong-nai-so-tu-phap', 'agencies/dong-nai-so-van-hoa-the-thao-va-du-lich', 'agencies/dong-nai-so-tu-phap']);
  const agency = await api('registry/GetAgency', { name: 'agencies/dong-nai-so-van-hoa-the-thao-va-du-lich' });
  assert.ok((agency.aliases ?? []).includes('Sở Văn hoá và Thể thao'), JSON.stringify(agency));
  await page.screenshot({ path: path.join(OUT, 'import-committed.png'), fullPage: true });
});
