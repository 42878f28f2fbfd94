// A clerk's and a reviewer's round in Debian's chromium, against a fresh
// tonghopd whose clock is before the due date (5 November 2026), with the
// people that run.sh made (lan, clerk of Sở Y tế; hung, reviewer of Sở Tư
// pháp): lan signs in, sees what she owes, fills the form by keyboard with
// a mistake the server's rules catch at the field, fixes it, submits while
// offline, and the report arrives once when the network returns; hung
// returns it with a reason; lan sees the reason, corrects and resubmits
// (still on time); hung sees what changed and accepts it from the queue;
// the province's figures on the dashboard change. The correction is made
// in Excel: lan downloads the form as a workbook, a script fills it (with
// one mistake, named at its sheet and cell) as she would, she uploads it and
// fixes the mistake in the form; a broken file is refused first and changes
// nothing. The return and the acceptance are mailed to
// the agency by tonghopd (to the SMTP server run.sh started). A screenshot
// of each step is written to $TONGHOP_E2E_OUT/clerk-*.png.
//
//   TONGHOP_HTTP=… TONGHOP_E2E_OUT=DIR TONGHOP_CLERK_PASSWORD=… \
//   TONGHOP_REVIEWER_PASSWORD=… TONGHOP_E2E_MAIL=DIR \
//   TONGHOP_E2E_AGENCY_EMAIL=… node --test clerk.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const BASE = process.env.TONGHOP_HTTP;
const OUT = process.env.TONGHOP_E2E_OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-e2e-'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CLERK_PASSWORD = process.env.TONGHOP_CLERK_PASSWORD;
const REVIEWER_PASSWORD = process.env.TONGHOP_REVIEWER_PASSWORD;
const PLAN = 'plans/dong-nai-74-2026';
const PERIOD = '2026';
const REPORT = `reports/dong-nai-so-y-te/dong-nai-74-2026/${PERIOD}`;
const RETURN_REASON = 'Đề nghị kiểm tra lại số liệu phân tổ theo giới tính.';
const WAIT = { timeout: 60_000 };

const MAIL = process.env.TONGHOP_E2E_MAIL;
const AGENCY_EMAIL = process.env.TONGHOP_E2E_AGENCY_EMAIL;
const PYTHON = '/usr/bin/python3';

assert.ok(BASE, 'TONGHOP_HTTP must name the gateway, http://HOST:PORT');
assert.ok(MAIL && AGENCY_EMAIL, 'the SMTP server\'s directory and the agency\'s address are needed');
assert.ok(CLERK_PASSWORD && REVIEWER_PASSWORD, 'the passwords of lan and hung are needed');
fs.mkdirSync(OUT, { recursive: true });

// The API as the Ministry (development header, loopback): what the test
// checks the pages against.
async function api(method, query = {}) {
  const params = new URLSearchParams(query);
  const response = await fetch(`${BASE}/v1/${method}?${params}`, { headers: { 'x-tonghop-agency': 'bo-tu-phap' } });
  const body = await response.json();
  assert.equal(response.status, 200, `${method}: ${JSON.stringify(body)}`);
  return body;
}

// The messages the SMTP server has accepted (tests/tools/smtp_sink.py
// writes each, parsed, as NNNN.txt: headers, a blank line, the body).
function mails() {
  return fs.readdirSync(MAIL).filter((f) => f.endsWith('.txt')).sort().map((file) => {
    const text = fs.readFileSync(path.join(MAIL, file), 'utf8');
    const blank = text.indexOf('\n\n');
    const headers = Object.fromEntries(text.slice(0, blank).split('\n').map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    }));
    return { file, headers, body: text.slice(blank + 2) };
  });
}

// The mails whose subject contains `subject`, once at least one has
// arrived; fails after a bounded wait.
async function mailArrives(subject) {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const found = mails().filter((m) => m.headers.Subject?.includes(subject));
    if (found.length > 0) return found;
    if (Date.now() > deadline) {
      assert.fail(`no mail with "${subject}" arrived; received: ${JSON.stringify(mails().map((m) => m.headers.Subject))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let browser;
let clerk;
let reviewer;
let step = 0;

// A screenshot of the whole page, and of `detail` (the part the step is
// about) when given, since the form's page is long.
async function shot(page, name, detail) {
  step++;
  const file = `clerk-${String(step).padStart(2, '0')}-${name}`;
  await page.screenshot({ path: path.join(OUT, `${file}.png`), fullPage: true });
  if (detail) await page.locator(detail).first().screenshot({ path: path.join(OUT, `${file}-detail.png`) });
}

async function ready(page) {
  await page.waitForSelector('[data-testid=app][data-ready=true]', WAIT);
}

async function go(page, hash) {
  await page.goto(`${BASE}/${hash}`);
  await ready(page);
}

async function newPage() {
  const context = await browser.newContext({
    viewport: { width: 1300, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  return page;
}

async function signIn(page, user, password) {
  await go(page, '#/login');
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-view=home] [data-testid=owed][data-loaded]', WAIT);
  await ready(page);
}

// The form's server check has answered for what is typed now.
async function validated(page, violations) {
  await page.waitForFunction((want) => {
    const view = document.querySelector('[data-view=report]');
    return view?.dataset.validated === 'true' && (want === undefined || view.dataset.violations === String(want));
  }, violations, WAIT);
}

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  clerk = await newPage();
  reviewer = await newPage();
});

after(async () => {
  await browser?.close();
});

let cellIndex;
let totalIndex;
let indicatorId;

test('the clerk signs in and sees what her agency owes', async () => {
  await signIn(clerk, 'lan', CLERK_PASSWORD);
  assert.equal(await clerk.textContent('[data-testid=home-user]'), 'Nguyễn Thị Lan');
  assert.match(await clerk.textContent('[data-testid=home-agency]'), /Sở Y tế/);
  assert.match(await clerk.textContent('[data-testid=identity]'), /Nguyễn Thị Lan/);
  const row = `[data-testid="owed-${REPORT.replace(/\//g, '_')}"]`;
  await clerk.waitForSelector(row, WAIT);
  // The server's clock is 3 November 2026, 09:00 in Vietnam; due on the 5th.
  assert.match(await clerk.textContent(row), /05\/11\/2026/);
  assert.equal(await clerk.textContent(`${row} [data-testid=days-left]`), 'còn 2 ngày');
  await shot(clerk, 'home-what-i-owe');
});

test('a mistake typed by keyboard is shown at its field by the server, then fixed', async () => {
  const row = `[data-testid="owed-${REPORT.replace(/\//g, '_')}"]`;
  await clerk.click(`${row} [data-testid=open-form]`);
  await clerk.waitForSelector('[data-view=report] [data-testid=report-form]', WAIT);
  await ready(clerk);
  assert.equal(await clerk.getAttribute('[data-testid=report-state]', 'data-state'), 'REPORT_STATE_DRAFT');
  const tasks = await clerk.$$('[data-testid^=status-]');
  assert.ok(tasks.length > 0, 'the draft lists the agency’s tasks');
  // Every input has a label.
  const unlabelled = await clerk.$$eval('[data-testid=report-form] input, [data-testid=report-form] select, [data-testid=report-form] textarea',
    (els) => els.filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).length);
  assert.equal(unlabelled, 0);

  // Task progress: the vocabulary's choices, by keyboard.
  for (let i = 0; i < tasks.length; i++) {
    await clerk.focus(`[data-testid=status-${i}]`);
    await clerk.selectOption(`[data-testid=status-${i}]`, { label: 'Hoàn thành' });
    await clerk.keyboard.press('Tab');
    await clerk.keyboard.type(`Đã triển khai nhiệm vụ ${i + 1} trong năm 2026.`);
  }
  // From the last narrative field, Tab reaches the first grid's cells.
  await clerk.focus(`[data-testid=outputs-${tasks.length - 1}]`);
  for (let presses = 0; presses < 5; presses++) {
    await clerk.keyboard.press('Tab');
    const cell = await clerk.evaluate(() => document.activeElement?.dataset.cell ?? null);
    if (cell) break;
  }
  const focused = await clerk.evaluate(() => ({
    testid: document.activeElement?.dataset.testid, cell: document.activeElement?.dataset.cell,
    indicator: document.activeElement?.dataset.indicator,
  }));
  assert.ok(focused.cell, `Tab reaches a grid cell (at ${JSON.stringify(focused)})`);
  cellIndex = Number(focused.testid.replace('value-', ''));
  indicatorId = focused.indicator.replace('indicators/', '');
  totalIndex = await clerk.$eval(`[data-testid=grid-${indicatorId}] .grid-total input`, (el) => Number(el.dataset.testid.replace('value-', '')));
  // The mistake: a negative count.
  await clerk.keyboard.type('-5');
  await validated(clerk);
  const error = `[data-testid="error-values[${cellIndex}]"]`;
  await clerk.waitForSelector(`${error}.shown`, WAIT);
  assert.match(await clerk.textContent(error), /Số âm \(-5\)/);
  assert.equal(await clerk.getAttribute(`[data-testid=value-${cellIndex}]`, 'aria-invalid'), 'true');
  await shot(clerk, 'form-mistake-at-the-field', `[data-testid=grid-${indicatorId}]`);

  // Fixed, the Vietnamese way: 1.200 and 300; the total follows as typed.
  await clerk.keyboard.press('Control+A');
  await clerk.keyboard.type('1.200');
  await clerk.keyboard.press('Tab');
  await clerk.keyboard.type('300');
  await clerk.keyboard.press('Tab');
  await validated(clerk, 0);
  assert.equal(await clerk.inputValue(`[data-testid=value-${totalIndex}]`), '1.500');
  assert.equal(await clerk.getAttribute(`[data-testid=value-${cellIndex}]`, 'aria-invalid'), null);
  const sum = await clerk.$eval(`[data-testid=grid-${indicatorId}] output.sum`, (el) => el.textContent);
  assert.equal(sum, '1.500');
  // Other indicators are left blank: a warning, not a refusal.
  await clerk.waitForSelector('[data-testid=form-warnings] .warning', WAIT);
  await shot(clerk, 'form-fixed-with-warning', `[data-testid=grid-${indicatorId}]`);
});

// The two-way grid of trafficking-victims-supported (sex × age group, the
// reference data's crossing): sums as typed, a margin the cells given
// already exceed is refused at that margin, then fixed.
const CROSSTAB = '[data-testid=crosstab-trafficking-victims-supported-sex-age-group]';
const crossedInput = (sex, age) => `${CROSSTAB} input[data-cell*="sex=${sex}"][data-cell*="age-group=${age}"]`;
const marginInput = (cell) => `${CROSSTAB} input[data-cell="${cell}"]`;
const crossSum = (which) => `[data-testid=crosstab-trafficking-victims-supported-sex-age-group-${which}]`;

test('a two-way grid sums as typed and a margin mistake is shown at its cell', async () => {
  await clerk.waitForSelector(CROSSTAB, WAIT);
  // Row headers are the sexes, column headers the age groups.
  assert.deepEqual(await clerk.$$eval(`${CROSSTAB} tbody th[scope=row]`, (els) => els.map((e) => e.textContent)),
    ['Nam', 'Nữ', 'Cộng', 'Số theo Nhóm tuổi']);
  const type = async (selector, text) => {
    await clerk.focus(selector);
    await clerk.keyboard.press('Control+A');
    await clerk.keyboard.type(text);
  };
  for (const [age, text] of [['under-16', '0'], ['16-17', '0'], ['18-30', '1.200'], ['31-60', '300'], ['over-60', '0']]) {
    await type(crossedInput('male', age), text);
  }
  for (const [age, text] of [['under-16', '2'], ['16-17', '3'], ['18-30', '40'], ['31-60', '5']]) {
    await type(crossedInput('female', age), text);
  }
  // A complete row's sum, and its margin following it; a row with a blank
  // cell is only the sum so far.
  assert.equal(await clerk.textContent(crossSum('row-male')), '1.500');
  assert.equal(await clerk.inputValue(marginInput('sex=male')), '1.500');
  assert.equal(await clerk.textContent(crossSum('row-female')), '50 + …');
  assert.equal(await clerk.inputValue(marginInput('sex=female')), '');
  assert.equal(await clerk.textContent(crossSum('column-18-30')), '1.240');
  assert.equal(await clerk.textContent(crossSum('grand')), '1.550 + …');

  // The mistake: 45 women, though the cells given already hold 50.
  await type(marginInput('sex=female'), '45');
  const female = await clerk.getAttribute(marginInput('sex=female'), 'data-testid');
  const error = `[data-testid="error-${female.replace('value-', 'values[')}]"]`;
  await validated(clerk);
  await clerk.waitForSelector(`${error}.shown`, WAIT);
  assert.match(await clerk.textContent(error), /Bảng chéo Giới tính × Nhóm tuổi: các ô Nữ đã nhập cộng lại được 50, lớn hơn số Nữ đã nhập \(45\)/);
  assert.equal(await clerk.getAttribute(marginInput('sex=female'), 'aria-invalid'), 'true');
  await shot(clerk, 'crosstab-margin-mistake', CROSSTAB);

  // Fixed: the last cell given, the margin corrected; every sum complete.
  await type(crossedInput('female', 'over-60'), '0');
  await type(marginInput('sex=female'), '50');
  await clerk.keyboard.press('Tab');
  await validated(clerk, 0);
  assert.equal(await clerk.getAttribute(marginInput('sex=female'), 'aria-invalid'), null);
  assert.equal(await clerk.textContent(crossSum('row-female')), '50');
  assert.equal(await clerk.textContent(crossSum('grand')), '1.550');
  assert.equal(await clerk.inputValue(marginInput('age-group=over-60')), '0');
  assert.equal(await clerk.inputValue('[data-testid=grid-trafficking-victims-supported] .grid-total input'), '1.550');
  await shot(clerk, 'crosstab-fixed', CROSSTAB);
});

test('a submission made offline arrives once when the network returns', async () => {
  await clerk.context().setOffline(true);
  await clerk.click('[data-testid=submit-report]');
  await clerk.waitForSelector('[data-view=report][data-queued=true]', WAIT);
  assert.match(await clerk.textContent('[data-testid=form-status]'), /hộp thư đi/);
  assert.match(await clerk.textContent('[data-testid=outbox-note]'), /1 báo cáo/);
  await shot(clerk, 'offline-queued', '.form-actions ~ .form-status');
  const still = await api('submissions/GetReport', { name: REPORT });
  assert.equal(still.state, 'REPORT_STATE_DRAFT', 'nothing reached the server while offline');

  await clerk.context().setOffline(false);
  await clerk.waitForSelector('[data-testid=report-state][data-state=REPORT_STATE_SUBMITTED]', WAIT);
  await ready(clerk);
  const report = await api('submissions/GetReport', { name: REPORT });
  assert.equal(report.state, 'REPORT_STATE_SUBMITTED');
  assert.equal(report.revision, 1);
  assert.equal(report.submittedBy, 'users/lan');
  const revisions = await api('submissions/ListRevisions', { name: REPORT });
  assert.equal(revisions.revisions.length, 1, 'the report arrived exactly once');
  const cell = report.values.find((v) => v.indicator === `indicators/${indicatorId}` && Object.keys(v.cells ?? {}).length && v.intValue === '1200');
  assert.ok(cell, '1.200 arrived as 1200');
  const crossed = report.values.find((v) => v.indicator === 'indicators/trafficking-victims-supported' &&
    v.cells?.sex === 'male' && v.cells?.['age-group'] === '18-30');
  assert.equal(crossed?.intValue, '1200', 'the crossed cell arrived');
  assert.ok(await clerk.isHidden('[data-testid=outbox-note]'));
  await shot(clerk, 'online-delivered');
});

test('the reviewer returns it with a reason', async () => {
  await signIn(reviewer, 'hung', REVIEWER_PASSWORD);
  await go(reviewer, '#/review');
  await reviewer.waitForSelector('[data-testid=review-dong-nai-so-y-te]', WAIT);
  await shot(reviewer, 'review-queue');
  await reviewer.click('[data-testid=review-dong-nai-so-y-te] [data-testid=review-open]');
  await reviewer.waitForSelector('[data-testid=review-report]', WAIT);
  await ready(reviewer);
  assert.match(await reviewer.textContent('[data-testid=review-tasks]'), /Hoàn thành/);
  assert.equal(await reviewer.textContent(`[data-testid=review-figures] [data-testid=grid-${indicatorId}] output.sum`), '1.500');
  assert.ok(await reviewer.isVisible('[data-testid=no-previous]'));
  // The two-way grid, read-only, with its sums.
  assert.equal(await reviewer.textContent(`[data-testid=review-figures] ${crossSum('row-male')}`), '1.500');
  assert.equal(await reviewer.textContent(`[data-testid=review-figures] ${crossSum('grand')}`), '1.550');
  assert.equal(await reviewer.$$eval(`[data-testid=review-figures] ${CROSSTAB} input`, (els) => els.length), 0);
  await shot(reviewer, 'review-report-readable', `[data-testid=review-figures] [data-testid=grid-${indicatorId}]`);
  await reviewer.fill('#return-reason', RETURN_REASON);
  await reviewer.click('[data-testid=return-report]');
  await reviewer.waitForSelector('[data-testid=nothing-to-review]', WAIT);
  const report = await api('submissions/GetReport', { name: REPORT });
  assert.equal(report.state, 'REPORT_STATE_RETURNED');
  assert.equal(report.reviewReason, RETURN_REASON);
  assert.equal(report.reviewedBy, 'users/hung');

  // The agency is told by e-mail, in Vietnamese, with the reason.
  const [mail] = await mailArrives('Báo cáo bị trả lại');
  assert.equal(mail.headers.Subject, `[tonghop] Báo cáo bị trả lại: 74/KH-UBND, kỳ ${PERIOD}`);
  assert.ok(mail.headers.Rcpt.split(', ').includes(AGENCY_EMAIL), `sent to ${mail.headers.Rcpt}`);
  assert.match(mail.body, /^Kính gửi Sở Y tế/);
  assert.ok(mail.body.includes(`Lý do: ${RETURN_REASON}`), mail.body);
  assert.ok(mail.body.includes('lần nộp thứ 1, đã bị trả lại'), mail.body);
  assert.ok(mail.body.includes(`Báo cáo: ${REPORT}`), mail.body);
});

test('the clerk sees the reason, corrects and resubmits, still on time', async () => {
  await go(clerk, '#/home');
  const row = `[data-testid="owed-${REPORT.replace(/\//g, '_')}"]`;
  await clerk.waitForSelector(row, WAIT);
  assert.equal(await clerk.textContent(`${row} [data-testid=owed-reason]`), RETURN_REASON);
  assert.equal(await clerk.textContent(`${row} [data-testid=owed-state]`), 'Bị trả lại');
  await shot(clerk, 'home-returned-with-reason', '[data-testid=owed]');
  await clerk.click(`${row} [data-testid=open-form]`);
  await clerk.waitForSelector('[data-testid=report-reason]', WAIT);
  await ready(clerk);
  await validated(clerk, 0);

  // A file that is not the form is refused with the reason; nothing changes.
  await clerk.setInputFiles('[data-testid=upload-xlsx]', {
    name: 'bao-cao.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from('Đây không phải là một tệp Excel.'),
  });
  await clerk.waitForSelector('[data-testid=xlsx-result][data-state=refused]', WAIT);
  const refused = await clerk.textContent('[data-testid=xlsx-result]');
  assert.match(refused, /Không nạp được tệp bao-cao\.xlsx; biểu mẫu không thay đổi/);
  assert.match(refused, /không phải là biểu mẫu Excel/);
  assert.equal(await clerk.inputValue(`[data-testid=value-${cellIndex}]`), '1.200');
  await shot(clerk, 'excel-broken-file-refused', '[data-testid=excel-form]');

  // The correction in Excel: the form downloaded as a workbook, filled as
  // lan would (the breakdown's second cell, by mistake negative, and the
  // total typed the Vietnamese way), and uploaded.
  const [download] = await Promise.all([
    clerk.waitForEvent('download', WAIT),
    clerk.click('[data-testid=download-xlsx]'),
  ]);
  assert.equal(download.suggestedFilename(), 'bieu-mau-dong-nai-so-y-te-dong-nai-74-2026-2026.xlsx');
  const workbook = path.join(OUT, 'clerk-form.xlsx');
  await download.saveAs(workbook);
  const second = `[data-testid=value-${cellIndex + 1}]`;
  const secondCell = await clerk.getAttribute(second, 'data-cell');
  const filled = path.join(OUT, 'clerk-form-filled.xlsx');
  const script = path.join(OUT, 'clerk-form-fill.py');
  fs.writeFileSync(script, `
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
figures = wb['Số liệu']
for row in range(2, figures.max_row + 1):
    indicator, cell = figures.cell(row, 1).value, figures.cell(row, 2).value or ''
    if indicator == sys.argv[3] and cell == sys.argv[4]:
        figures.cell(row, 5).value = -350
        print('E%d' % row)
    elif indicator == sys.argv[3] and not cell:
        figures.cell(row, 5).value = '1.550'
wb.save(sys.argv[2])
`);
  const mistakeCell = execFileSync(PYTHON, [script, workbook, filled, indicatorId, secondCell], { encoding: 'utf8' }).trim();
  assert.match(mistakeCell, /^E\d+$/, 'the workbook has the breakdown\'s row');
  await clerk.setInputFiles('[data-testid=upload-xlsx]', filled);
  await clerk.waitForSelector('[data-testid=xlsx-result][data-state=filled]', WAIT);
  assert.match(await clerk.textContent('[data-testid=xlsx-result]'), /Đã điền \d+ số liệu và \d+ nhiệm vụ từ tệp clerk-form-filled\.xlsx/);
  // The server's rule, named at the file's sheet and cell and at the field.
  const named = await clerk.textContent('[data-testid=xlsx-violations]');
  assert.ok(named.includes(`Số liệu!${mistakeCell}: Số âm (-350)`), named);
  assert.equal(await clerk.inputValue(second), '-350');
  assert.equal(await clerk.inputValue(`[data-testid=value-${totalIndex}]`), '1.550');
  await validated(clerk);
  assert.equal(await clerk.getAttribute(second, 'aria-invalid'), 'true');
  await shot(clerk, 'excel-uploaded-mistake-named', '[data-testid=excel-form]');

  // Fixed in the form by keyboard; the total stays what the file said.
  await clerk.focus(second);
  await clerk.keyboard.press('Control+A');
  await clerk.keyboard.type('350');
  await clerk.keyboard.press('Tab');
  await validated(clerk, 0);
  assert.equal(await clerk.inputValue(`[data-testid=value-${totalIndex}]`), '1.550');
  await shot(clerk, 'excel-filled-and-fixed', `[data-testid=grid-${indicatorId}]`);
  await clerk.click('[data-testid=submit-report]');
  await clerk.waitForSelector('[data-testid=report-state][data-state=REPORT_STATE_SUBMITTED]', WAIT);
  await ready(clerk);
  const report = await api('submissions/GetReport', { name: REPORT });
  assert.equal(report.revision, 2);
  assert.equal(report.onTime, true, 'a correction after a return keeps the round’s on-time flag');
  await shot(clerk, 'resubmitted', '[data-testid=report-header]');
});

test('the reviewer sees what changed and accepts from the queue; the province’s figures change', async () => {
  const province = `#/province/dong-nai?plan=${encodeURIComponent(PLAN)}&period=${PERIOD}`;
  const totalOf = async () => {
    await go(reviewer, province);
    await reviewer.waitForSelector('[data-testid=indicators-section][data-loaded]', WAIT);
    return reviewer.$eval('[data-testid=province-summary]', (el) => el.textContent);
  };
  const before = await api('aggregation/Rollup', { plan: PLAN, period: PERIOD, agency: 'agencies/dong-nai', groupBy: 'ROLLUP_GROUPING_TOTAL' });
  const figure = (rollup) => rollup.indicators?.find((i) => i.indicator === `indicators/${indicatorId}`)?.total;
  assert.ok(!figure(before)?.present, 'nothing accepted yet');
  const summaryBefore = await totalOf();

  await go(reviewer, '#/review');
  await reviewer.click('[data-testid=review-dong-nai-so-y-te] [data-testid=review-open]');
  await reviewer.waitForSelector('[data-testid=changes-table]', WAIT);
  const changes = await reviewer.textContent('[data-testid=changes-table]');
  assert.match(changes, /300/);
  assert.match(changes, /350/);
  assert.match(changes, /1\.550/);
  await shot(reviewer, 'review-what-changed', '[data-testid=review-changes]');
  await reviewer.click('[data-testid=back-queue]');
  await reviewer.waitForSelector('[data-testid=review-dong-nai-so-y-te] [data-testid=review-select]', WAIT);
  await reviewer.check('[data-testid=review-dong-nai-so-y-te] [data-testid=review-select]');
  await reviewer.click('[data-testid=accept-selected]');
  await reviewer.waitForSelector('[data-testid=nothing-to-review]', WAIT);
  assert.match(await reviewer.textContent('[data-testid=review-status]'), /Đã chấp nhận 1 báo cáo/);
  const report = await api('submissions/GetReport', { name: REPORT });
  assert.equal(report.state, 'REPORT_STATE_ACCEPTED');
  const [accepted] = await mailArrives('Báo cáo đã được chấp nhận');
  assert.equal(accepted.headers.Subject, `[tonghop] Báo cáo đã được chấp nhận: 74/KH-UBND, kỳ ${PERIOD}`);
  assert.ok(accepted.headers.Rcpt.split(', ').includes(AGENCY_EMAIL), `sent to ${accepted.headers.Rcpt}`);
  assert.ok(accepted.body.includes('lần nộp thứ 2, đã được chấp nhận'), accepted.body);
  assert.ok(accepted.body.includes('Người thẩm định'), accepted.body);

  // Submit, return, submit, accept: the roll-ups have applied the fourth
  // change before the page is read.
  const after = await api('aggregation/Rollup', {
    plan: PLAN, period: PERIOD, agency: 'agencies/dong-nai', groupBy: 'ROLLUP_GROUPING_TOTAL', minSequence: 4,
  });
  assert.equal(figure(after)?.value, '1550');
  const summaryAfter = await totalOf();
  assert.notEqual(summaryAfter, summaryBefore, 'the province’s completeness changed');
  const row = `[data-testid=indicator-${indicatorId}] [data-testid=indicator-total]`;
  if (await reviewer.$(row)) assert.equal(await reviewer.getAttribute(row, 'data-value'), '1550');
  await shot(reviewer, 'province-after-acceptance');

  // The clerk's home page lists the notices mailed to her agency.
  await go(clerk, '#/home');
  await clerk.waitForSelector('[data-testid=notices][data-loaded=true]', WAIT);
  const returnedNotice = '[data-testid=notices-table] [data-testid=notice-NOTICE_KIND_RETURNED]';
  assert.equal(await clerk.textContent(`${returnedNotice} [data-testid=notice-kind]`), 'Báo cáo bị trả lại');
  assert.equal(await clerk.textContent(`${returnedNotice} [data-testid=notice-state]`), 'Đã gửi');
  await clerk.click(`${returnedNotice} [data-testid=notice-subject] summary`);
  assert.ok((await clerk.textContent(`${returnedNotice} [data-testid=notice-body]`)).includes(`Lý do: ${RETURN_REASON}`));
  assert.match(await clerk.textContent('[data-testid=notices-table] [data-testid=notice-NOTICE_KIND_ACCEPTED]'),
    /Báo cáo đã được chấp nhận: 74\/KH-UBND/);
  await shot(clerk, 'home-notices', '[data-testid=notices]');
  await clerk.click('[data-testid=sign-out]');
  await clerk.waitForSelector('[data-view=login]', WAIT);
  await shot(clerk, 'signed-out');
});
