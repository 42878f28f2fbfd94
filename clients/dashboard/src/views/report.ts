// The report form (#/report?plan=plans/…&period=2026): the signed-in
// agency's report for one round. Task progress with the vocabulary's
// choices and the narrative; figures as grids per indicator with the sums
// computed as one types; numbers read and written the Vietnamese way.
//
// The rules are the server's alone: the form sends what is typed to
// Submit with validateOnly (debounced, as one types) and shows each field
// violation the server names at the field it concerns, and again from the
// real submission. The only check made here is whether a cell holds a
// number at all, which the API's JSON cannot carry otherwise.
//
// The content is kept in IndexedDB as it is typed; a submission goes
// through the outbox (outbox.ts), so one made offline is sent, once, when
// the network returns.
//
// Excel: the form can be downloaded as the workbook the CLI writes, and a
// filled workbook uploaded. The server reads it (as `tonghop report submit
// FILE.xlsx` does) and checks it with validateOnly; the page then fills its
// form with what the file holds and lists the server's violations at the
// file's sheet and cell, as well as at the fields. Nothing is submitted
// until the clerk has looked and presses Submit, as after typing: a clerk
// expects to see what the file said before it goes to the reviewer. A file
// that cannot be read, or is another report's form, is refused with the
// reason and leaves the form as it was.

import {
  ApiError,
  downloadReportXlsx,
  post,
  readReportXlsx,
  violationText,
  type FieldViolation,
  type Report,
  type ReportXlsxRead,
  type TaskProgress,
  type Value,
} from '../api';
import { clear, h } from '../dom';
import { formatDay, formatTimestamp, parseTypedNumber } from '../format';
import { enumLabel, lang, t } from '../i18n';
import {
  dropLocalDraft,
  enqueue,
  flush,
  loadLocalDraft,
  queued,
  saveLocalDraft,
  unreachable,
  type Delivery,
} from '../outbox';
import { navigate, type Route } from '../router';
import {
  cellLabel,
  figureGrids,
  figureLayout,
  indicatorTitle,
  loadFigureMeta,
  updateSums,
  valueForOfficials,
  valueText,
  type FigureMeta,
} from './figures';
import { agencyName, planSymbol, saveBlob } from './common';
import { labelFor } from './login';

// The choices of a task's progress, in the order a clerk reads them.
export const PROGRESS_CHOICES = [
  'PROGRESS_STATUS_COMPLETED',
  'PROGRESS_STATUS_IN_PROGRESS',
  'PROGRESS_STATUS_NOT_STARTED',
  'PROGRESS_STATUS_ONGOING',
  'PROGRESS_STATUS_NOT_APPLICABLE',
];

const VALIDATE_DELAY_MS = 600;
const LOCAL_SAVE_DELAY_MS = 300;

export function requestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// The outline of a task from its name: "plans/p/tasks/A.II.1" → "A.II.1".
export function outlineOf(task: string): string {
  return task.replace(/^.*\/tasks\//, '');
}

// The nearest enclosing field the form shows messages at:
// "values[3].value" → "values[3]", "progress[1].task" → "progress[1]",
// unknown → "" (the whole report).
export function nearestSlot(field: string, known: (key: string) => boolean): string {
  let key = field;
  while (key && !known(key)) {
    const shorter = key.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    key = shorter === key ? '' : shorter;
  }
  return key;
}

// The sheet and cell of a field the server names in a report read from a
// workbook: "report.values[3].value" → "Số liệu!E5"; "" when not a cell.
export function cellOf(field: string, read: Pick<ReportXlsxRead, 'valueCells' | 'progressCells'>): string {
  const match = /^(?:report\.)?(values|progress)\[(\d+)\]/.exec(field);
  if (!match) return '';
  const cells = match[1] === 'values' ? read.valueCells : read.progressCells;
  return cells[Number(match[2])] ?? '';
}

interface ProgressControls {
  status: HTMLSelectElement;
  summary: HTMLTextAreaElement;
  outputs: HTMLTextAreaElement;
}

export async function renderReport(root: HTMLElement, route: Route): Promise<void> {
  const plan = route.params.plan ?? '';
  const period = route.params.period ?? '';
  const [server, meta] = await Promise.all([
    post<Report>('submissions', 'GetOrCreateDraft', { plan, period }),
    loadFigureMeta(),
  ]);
  const values = await figureLayout(server, meta);
  new ReportForm(root, { ...server, values }, meta)
    .render(await agencyName(server.agency ?? ''), await planSymbol(server.plan ?? ''));
}

class ReportForm {
  private report: Report;
  private progress: TaskProgress[];
  private values: Value[];
  // What is typed in each value's cell, by index in `values`.
  private typed: string[];
  private progressControls: ProgressControls[] = [];
  private valueInputs: HTMLInputElement[] = [];
  // Where messages go: "values[3]", "progress[1].status", "progress",
  // "values", "" (the whole report).
  private slots = new Map<string, { message: HTMLElement; control?: HTMLElement }>();
  private blocks: ReturnType<typeof figureGrids>['blocks'] = [];
  // Totals the clerk has not typed herself follow the sum of their cells.
  private computedTotals = new Set<number>();
  // Likewise the margins of a two-way table (the one-dimension values at
  // the end of its lines) follow their line once every cell of it is given.
  private computedMargins = new Set<number>();
  private validateTimer = 0;
  private localSaveTimer = 0;
  private validation = 0;
  private status = h('p', { class: 'form-status', testid: 'form-status', aria: { live: 'polite' } });
  private warnings = h('div', { class: 'warnings', testid: 'form-warnings', aria: { live: 'polite' } });
  private outboxNote = h('p', { class: 'notice outbox', testid: 'outbox-note' });
  private xlsxResult = h('div', { class: 'xlsx-result', testid: 'xlsx-result', aria: { live: 'polite' } });
  private editable: boolean;

  constructor(
    private readonly root: HTMLElement,
    server: Report,
    private readonly meta: FigureMeta,
  ) {
    this.report = server;
    this.progress = (server.progress ?? []).map((p) => ({ ...p }));
    this.values = (server.values ?? []).map((v) => ({ indicator: v.indicator, cells: v.cells }));
    this.typed = (server.values ?? []).map((v) => valueForOfficials(valueText(v)));
    this.editable = ['REPORT_STATE_DRAFT', 'REPORT_STATE_RETURNED', 'REPORT_STATE_SUBMITTED'].includes(server.state ?? '');
  }

  render(agency: string, plan: string): void {
    const r = this.report;
    const facts: [string, Node | string][] = [
      [t('agencyLabel'), agency],
      [t('plan'), plan],
      [t('period'), r.period ?? ''],
      [t('dueDate'), formatDay(r.dueTime)],
      [t('stateLabel'), h('span', { testid: 'report-state', data: { state: r.state ?? '' } }, enumLabel(r.state))],
    ];
    if (r.revision) {
      facts.push([t('submitTimeCol'), `${formatTimestamp(r.submitTime)} (${r.onTime ? t('onTimeYes') : t('onTimeNo')})`]);
    }
    const header = h('section', { class: 'panel', testid: 'report-header' },
      h('h2', {}, t('formHeading')),
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    if (r.state === 'REPORT_STATE_RETURNED' && r.reviewReason) {
      header.appendChild(h('p', { class: 'notice returned', testid: 'report-reason' },
        `${t('reviewReason')}: ${r.reviewReason}`));
    }
    if (!this.editable) header.appendChild(h('p', { class: 'muted' }, t('readOnlyState')));
    this.root.appendChild(header);
    this.root.appendChild(this.excelSection());

    const form = h('form', { class: 'report-form', testid: 'report-form' });
    form.noValidate = true;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    form.appendChild(this.slot('', h('div', { class: 'form-error', testid: 'error-report' })));
    form.appendChild(this.tasksSection());
    form.appendChild(this.figuresSection());
    form.appendChild(this.warnings);
    form.appendChild(this.actions());
    form.appendChild(this.status);
    form.appendChild(this.outboxNote);
    this.root.appendChild(form);
    if (!this.editable) form.querySelectorAll('input, select, textarea').forEach((el) => el.setAttribute('disabled', ''));

    window.addEventListener('tonghop-outbox', this.onDelivered);
    const flash = sessionStorage.getItem('tonghop.flash');
    if (flash) {
      sessionStorage.removeItem('tonghop.flash');
      this.status.textContent = flash;
    }
    void this.restoreLocalDraft().then(() => {
      this.recompute();
      void this.showOutbox();
      if (this.editable) this.scheduleValidation(0);
    });
  }

  // ---- Building the form ----

  private excelSection(): HTMLElement {
    const section = h('section', { class: 'panel excel', testid: 'excel-form' },
      h('h3', {}, t('excelHeading')),
      h('p', { class: 'muted' }, t('excelHelp')));
    const bar = h('div', { class: 'form-actions' },
      h('button', { type: 'button', testid: 'download-xlsx', onclick: () => void this.downloadXlsx() }, t('downloadFormXlsx')));
    if (this.editable) {
      const upload = h('input', { type: 'file', testid: 'upload-xlsx' });
      upload.id = 'upload-xlsx';
      upload.accept = '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      upload.addEventListener('change', () => {
        const file = upload.files?.[0];
        upload.value = '';
        if (file) void this.uploadXlsx(file);
      });
      bar.appendChild(h('span', { class: 'field' }, labelFor(upload.id, t('uploadXlsx')), upload));
    }
    section.append(bar, this.xlsxResult);
    return section;
  }

  private slot(key: string, message: HTMLElement, control?: HTMLElement): HTMLElement {
    this.slots.set(key, { message, control });
    return message;
  }

  private tasksSection(): HTMLElement {
    const section = h('section', { class: 'panel', testid: 'tasks-form' }, h('h3', {}, t('tasksHeading')));
    section.appendChild(this.slot('progress', h('div', { class: 'form-error', testid: 'error-progress' })));
    this.progress.forEach((p, i) => {
      const base = `p${i}`;
      const status = h('select', { testid: `status-${i}`, onchange: () => this.changed() });
      status.id = `${base}-status`;
      status.appendChild(h('option', { value: '' }, t('chooseStatus')));
      for (const choice of PROGRESS_CHOICES) {
        const option = h('option', { value: choice }, enumLabel(choice));
        if (p.status === choice) option.selected = true;
        status.appendChild(option);
      }
      const summary = h('textarea', { testid: `summary-${i}`, oninput: () => this.changed() });
      summary.id = `${base}-summary`;
      summary.rows = 3;
      summary.value = p.summary ?? '';
      const outputs = h('textarea', { testid: `outputs-${i}`, oninput: () => this.changed() });
      outputs.id = `${base}-outputs`;
      outputs.rows = 2;
      outputs.value = (p.outputs ?? []).join('\n');
      this.progressControls.push({ status, summary, outputs });
      const statusError = this.fieldError(`progress[${i}].status`, status, `${base}-status-error`);
      const summaryError = this.fieldError(`progress[${i}].summary`, summary, `${base}-summary-error`);
      const outputsError = this.fieldError(`progress[${i}].outputs`, outputs, `${base}-outputs-error`);
      const taskError = this.slot(`progress[${i}]`, h('div', { class: 'form-error' }));
      section.appendChild(h('fieldset', { class: 'task', testid: `task-${outlineOf(p.task)}` },
        h('legend', {}, h('strong', {}, outlineOf(p.task)), ' ', p.title ?? '', ' ',
          h('span', { class: 'chip' }, p.lead ? t('leadTask') : t('coordinateTask'))),
        taskError,
        h('div', { class: 'field' }, labelFor(status.id, t('progressStatus')), status, statusError),
        h('div', { class: 'field' }, labelFor(summary.id, t('summaryLabel')), summary, summaryError),
        h('div', { class: 'field' }, labelFor(outputs.id, t('outputsLabel')), outputs, outputsError)));
    });
    return section;
  }

  private fieldError(key: string, control: HTMLElement, id: string): HTMLElement {
    const message = h('div', { class: 'form-error', testid: `error-${key}` });
    message.id = id;
    control.setAttribute('aria-describedby', id);
    return this.slot(key, message, control);
  }

  private figuresSection(): HTMLElement {
    const section = h('section', { class: 'panel', testid: 'figures-form' }, h('h3', {}, t('figuresHeading')));
    section.appendChild(this.slot('values', h('div', { class: 'form-error', testid: 'error-values' })));
    const grids = figureGrids(this.values, this.meta, (index, label) => this.valueCell(index, label),
      (index) => this.typed[index] !== '');
    this.blocks = grids.blocks;
    // A total left empty, or equal to the sum of its first breakdown,
    // follows that sum as the cells are typed.
    updateSums(this.blocks, (i) => this.parsed(i));
    for (const { index, line } of this.margins()) {
      const margin = this.parsed(index);
      if (margin === '' || (line.dataset.complete === 'true' && margin === line.dataset.value)) {
        this.computedMargins.add(index);
      }
    }
    for (const block of this.blocks) {
      if (block.total === undefined || block.rows.length === 0) continue;
      const total = this.parsed(block.total);
      if (total === '' || total === block.rows[0].sum.dataset.value) this.computedTotals.add(block.total);
    }
    section.appendChild(grids.root);
    return section;
  }

  private valueCell(index: number, label: string): Node {
    const value = this.values[index];
    const id = `v${index}`;
    const input = h('input', { type: 'text', testid: `value-${index}`, value: this.typed[index] });
    input.id = id;
    input.inputMode = 'decimal';
    input.autocomplete = 'off';
    input.dataset.indicator = value.indicator;
    input.dataset.cell = Object.entries(value.cells ?? {}).map(([k, v]) => `${k}=${v}`).join(';');
    // A screen reader hears the indicator as well as the cell.
    input.setAttribute('aria-label', `${indicatorTitle(value.indicator, this.meta)} — ${cellLabel(value, this.meta)}`);
    input.addEventListener('input', () => {
      this.typed[index] = input.value;
      if (Object.keys(value.cells ?? {}).length === 0) this.computedTotals.delete(index);
      this.computedMargins.delete(index);
      this.recompute();
      this.changed();
    });
    input.addEventListener('blur', () => {
      const parsed = parseTypedNumber(input.value);
      if (parsed !== null && parsed !== '') {
        input.value = valueForOfficials(parsed);
        this.typed[index] = input.value;
      }
    });
    this.valueInputs[index] = input;
    const error = this.fieldError(`values[${index}]`, input, `${id}-error`);
    return h('div', { class: 'grid-cell' }, labelFor(id, label), input, error);
  }

  private actions(): HTMLElement {
    const bar = h('div', { class: 'form-actions' });
    if (!this.editable) return bar;
    if (this.report.state !== 'REPORT_STATE_SUBMITTED') {
      bar.appendChild(h('button', { type: 'button', testid: 'save-draft', onclick: () => void this.saveDraft() }, t('saveDraft')));
    }
    bar.appendChild(h('button', { type: 'submit', class: 'primary', testid: 'submit-report' }, t('submitReport')));
    if (this.report.state === 'REPORT_STATE_SUBMITTED') {
      bar.appendChild(h('button', { type: 'button', testid: 'withdraw-report', onclick: () => void this.withdraw() }, t('withdrawReport')));
    }
    return bar;
  }

  // ---- What is typed ----

  private parsed(index: number): string | null {
    return parseTypedNumber(this.typed[index] ?? '');
  }

  // Each margin of a two-way table, with the sum of its line.
  private margins(): { index: number; line: HTMLElement }[] {
    const out: { index: number; line: HTMLElement }[] = [];
    for (const block of this.blocks) {
      for (const drawn of block.grids) {
        drawn.grid.rowMargins.forEach((index, r) => {
          if (index !== undefined) out.push({ index, line: drawn.rowSums[r] });
        });
        drawn.grid.columnMargins.forEach((index, c) => {
          if (index !== undefined) out.push({ index, line: drawn.columnSums[c] });
        });
      }
    }
    return out;
  }

  // Margins left to the form follow their table's complete lines; totals
  // left to the form follow their first breakdown's sum.
  private recompute(): void {
    updateSums(this.blocks, (i) => this.parsed(i));
    let marginsMoved = false;
    for (const { index, line } of this.margins()) {
      if (!this.computedMargins.has(index)) continue;
      const sum = line.dataset.complete === 'true' ? line.dataset.value ?? '' : '';
      const text = sum === '' ? '' : valueForOfficials(sum);
      if (this.typed[index] === text) continue;
      this.typed[index] = text;
      const input = this.valueInputs[index];
      if (input) {
        input.value = text;
        input.classList.toggle('computed', text !== '');
      }
      marginsMoved = true;
    }
    if (marginsMoved) updateSums(this.blocks, (i) => this.parsed(i));
    for (const block of this.blocks) {
      if (block.total === undefined || !this.computedTotals.has(block.total) || block.rows.length === 0) continue;
      const sum = block.rows[0].sum.dataset.value ?? '';
      const anyGiven = block.rows[0].indices.some((i) => (this.parsed(i) ?? '') !== '');
      const text = anyGiven && sum !== '' ? valueForOfficials(sum) : '';
      this.typed[block.total] = text;
      const input = this.valueInputs[block.total];
      input.value = text;
      input.classList.toggle('computed', text !== '');
    }
  }

  // The report as the API takes it; values keep their indices, a cell
  // that is not a number goes without a value (and keeps its own error).
  private content(): Report {
    const progress = this.progress.map((p, i) => {
      const c = this.progressControls[i];
      const outputs = c.outputs.value.split('\n').map((s) => s.trim()).filter(Boolean);
      const entry: TaskProgress = { task: p.task, summary: c.summary.value };
      if (c.status.value) entry.status = c.status.value;
      if (outputs.length) entry.outputs = outputs;
      return entry;
    });
    const values = this.values.map((v, i) => {
      const entry: Value = { indicator: v.indicator };
      if (v.cells && Object.keys(v.cells).length) entry.cells = v.cells;
      const parsed = this.parsed(i);
      if (parsed) {
        const count = this.meta.indicators.get(v.indicator)?.valueType === 'VALUE_TYPE_COUNT';
        if (count && /^-?\d+$/.test(parsed)) entry.intValue = parsed;
        else entry.decimalValue = parsed;
      }
      return entry;
    });
    return { name: this.report.name, progress, values };
  }

  private localErrors(): Map<string, string> {
    const errors = new Map<string, string>();
    this.typed.forEach((_, i) => {
      if (this.parsed(i) === null) errors.set(`values[${i}]`, t('notANumber'));
    });
    return errors;
  }

  private changed(): void {
    window.clearTimeout(this.localSaveTimer);
    this.localSaveTimer = window.setTimeout(() => {
      void saveLocalDraft({
        name: this.report.name, baseEtag: this.report.etag ?? '', report: this.content(), savedAt: new Date().toISOString(),
      });
    }, LOCAL_SAVE_DELAY_MS);
    this.root.dataset.validated = 'pending';
    this.scheduleValidation(VALIDATE_DELAY_MS);
  }

  private async restoreLocalDraft(): Promise<void> {
    const local = await loadLocalDraft(this.report.name).catch(() => undefined);
    if (!local || !this.editable) return;
    if (local.baseEtag !== (this.report.etag ?? '')) {
      // The server's report moved on since (saved, submitted, reviewed).
      await dropLocalDraft(this.report.name).catch(() => undefined);
      return;
    }
    (local.report.progress ?? []).forEach((p, i) => {
      const c = this.progressControls[i];
      if (!c || p.task !== this.progress[i].task) return;
      c.status.value = p.status ?? '';
      c.summary.value = p.summary ?? '';
      c.outputs.value = (p.outputs ?? []).join('\n');
    });
    (local.report.values ?? []).forEach((v, i) => {
      if (!this.valueInputs[i] || v.indicator !== this.values[i].indicator) return;
      this.typed[i] = valueForOfficials(valueText(v));
      this.valueInputs[i].value = this.typed[i];
      if (this.typed[i] !== '') this.computedTotals.delete(i);
    });
    this.status.textContent = t('localDraftRestored');
  }

  // ---- The server's rules ----

  private scheduleValidation(delay: number): void {
    window.clearTimeout(this.validateTimer);
    this.validateTimer = window.setTimeout(() => void this.validate(), delay);
  }

  private async validate(): Promise<void> {
    if (!navigator.onLine) return;
    const mine = ++this.validation;
    this.root.dataset.validated = 'pending';
    try {
      const checked = await post<Report>('submissions', 'Submit', {
        name: this.report.name, report: this.content(), validateOnly: true,
      });
      if (mine !== this.validation) return;
      this.showViolations([]);
      this.showWarnings(checked);
    } catch (error) {
      if (mine !== this.validation) return;
      if (error instanceof ApiError && error.fieldViolations.length > 0) {
        this.showViolations(error.fieldViolations);
      } else if (!unreachable(error)) {
        this.showViolations([{ field: '', description: error instanceof ApiError ? error.officialMessage : String(error) }]);
      }
    } finally {
      if (mine === this.validation) this.root.dataset.validated = 'true';
    }
  }

  // Shows each violation at the field it names (the nearest enclosing one
  // the form has), after the cells that are not numbers.
  private showViolations(violations: FieldViolation[]): number {
    for (const { message, control } of this.slots.values()) {
      message.textContent = '';
      message.classList.remove('shown');
      control?.removeAttribute('aria-invalid');
    }
    const all: { field: string; description?: string }[] = [...this.localErrors()].map(([field, description]) => ({ field, description }));
    all.push(...violations.map((v) => ({ field: v.field.replace(/^report\.?/, ''), description: violationText(v, lang()) })));
    for (const violation of all) {
      const slot = this.slots.get(nearestSlot(violation.field, (key) => this.slots.has(key)));
      if (!slot) continue;
      const line = h('div', { class: 'violation', data: { field: violation.field } }, violation.description ?? '');
      slot.message.appendChild(line);
      slot.message.classList.add('shown');
      slot.control?.setAttribute('aria-invalid', 'true');
      // A folded breakdown with a mistake in it opens.
      const folded = slot.control?.closest('details');
      if (folded) folded.open = true;
    }
    this.root.dataset.violations = String(all.length);
    return all.length;
  }

  private showWarnings(report: Report): void {
    clear(this.warnings);
    const warnings = report.warnings ?? [];
    if (warnings.length === 0) return;
    this.warnings.appendChild(h('h4', {}, t('warningsHeading')));
    for (const w of warnings) {
      this.warnings.appendChild(h('p', { class: 'warning', testid: `warning-${w.reason ?? ''}` },
        w.localizedMessage?.message ?? w.description ?? w.reason ?? ''));
    }
  }

  // ---- Actions ----

  private async saveDraft(): Promise<void> {
    if (this.showViolations([]) > 0) {
      this.status.textContent = t('fixErrors');
      return;
    }
    try {
      const saved = await post<Report>('submissions', 'UpdateDraft', {
        report: { ...this.content(), etag: this.report.etag }, requestId: requestId(),
      });
      this.report = saved;
      await dropLocalDraft(saved.name);
      this.status.textContent = t('saved');
      this.showWarnings(saved);
    } catch (error) {
      this.failed(error);
    }
  }

  private async submit(): Promise<void> {
    if (this.showViolations([]) > 0) {
      this.status.textContent = t('fixErrors');
      return;
    }
    await enqueue({
      requestId: requestId(),
      name: this.report.name,
      etag: this.report.etag ?? '',
      report: this.content(),
      queuedAt: new Date().toISOString(),
    });
    const delivered = await flush();
    if (!delivered.some((d) => d.entry.name === this.report.name)) {
      this.status.textContent = t('queuedOffline');
      this.root.dataset.queued = 'true';
      await this.showOutbox();
    }
  }

  // ---- Excel ----

  private async downloadXlsx(): Promise<void> {
    try {
      const { blob, filename } = await downloadReportXlsx(this.report.plan ?? '', this.report.period ?? '');
      saveBlob(blob, filename);
    } catch (error) {
      this.showXlsxResult('refused', error instanceof ApiError ? error.officialMessage : String(error));
    }
  }

  private showXlsxResult(state: string, message: string, details: string[] = []): void {
    clear(this.xlsxResult);
    this.xlsxResult.dataset.state = state;
    this.xlsxResult.className = `xlsx-result notice${state === 'refused' ? ' returned' : ''}`;
    this.xlsxResult.appendChild(h('p', {}, message));
    if (details.length) {
      this.xlsxResult.appendChild(h('ul', { testid: 'xlsx-violations' }, ...details.map((d) => h('li', {}, d))));
    }
  }

  private async uploadXlsx(file: File): Promise<void> {
    this.showXlsxResult('reading', t('xlsxReading'));
    let read: ReportXlsxRead;
    try {
      read = await readReportXlsx(file, file.name, this.report.name ?? '');
    } catch (error) {
      const why = error instanceof ApiError ? error.officialMessage : String(error);
      this.showXlsxResult('refused', `${t('xlsxRefused').replace('{file}', file.name)} ${why}`);
      return;
    }
    // The server's rules on the file as it is, named at its cells.
    let violations: FieldViolation[] = [];
    try {
      await post<Report>('submissions', 'Submit', {
        name: this.report.name, report: { ...read.report, name: this.report.name, etag: undefined }, validateOnly: true,
      });
    } catch (error) {
      if (error instanceof ApiError) violations = error.fieldViolations;
    }
    const filled = this.fill(read.report);
    const message = t('xlsxFilled').replace('{values}', String(filled.values))
      .replace('{tasks}', String(filled.tasks)).replace('{file}', file.name);
    if (violations.length === 0) {
      this.showXlsxResult('filled', message);
    } else {
      this.showXlsxResult('filled', `${message} ${t('xlsxViolations').replace('{n}', String(violations.length))}`,
        violations.map((v) => `${cellOf(v.field, read) || v.field}: ${violationText(v, lang())}`));
    }
    this.recompute();
    this.changed();
  }

  // Puts what a workbook holds into the form: each task by its name, each
  // figure by its indicator and cell (a cell blank in the file is emptied).
  private fill(report: Report): { values: number; tasks: number } {
    let tasks = 0;
    for (const p of report.progress ?? []) {
      const i = this.progress.findIndex((mine) => mine.task === p.task);
      if (i < 0) continue;
      const c = this.progressControls[i];
      c.status.value = p.status ?? '';
      c.summary.value = p.summary ?? '';
      tasks++;
    }
    const key = (v: Value): string => `${v.indicator}|${Object.entries(v.cells ?? {}).sort().map(([k, o]) => `${k}=${o}`).join(';')}`;
    const given = new Map((report.values ?? []).map((v) => [key(v), v]));
    let values = 0;
    this.values.forEach((mine, i) => {
      const v = given.get(key(mine));
      if (!v || !this.valueInputs[i]) return;
      this.typed[i] = valueForOfficials(valueText(v));
      this.valueInputs[i].value = this.typed[i];
      if (this.typed[i] !== '') {
        this.computedTotals.delete(i);
        this.computedMargins.delete(i);
        values++;
      }
    });
    return { values, tasks };
  }

  private async withdraw(): Promise<void> {
    try {
      await post<Report>('submissions', 'Withdraw', {
        name: this.report.name, etag: this.report.etag, requestId: requestId(),
      });
      this.reload(t('withdrawn'));
    } catch (error) {
      this.failed(error);
    }
  }

  // What the outbox did with this report's submission.
  private readonly onDelivered = (event: Event): void => {
    if (!this.root.isConnected) {
      window.removeEventListener('tonghop-outbox', this.onDelivered);
      return;
    }
    const deliveries = (event as CustomEvent<Delivery[]>).detail;
    void this.showOutbox();
    for (const delivery of deliveries) {
      if (delivery.entry.name !== this.report.name) continue;
      if ('report' in delivery) {
        this.reload(t('submittedDone'));
      } else {
        this.failed(delivery.error);
      }
    }
  };

  private async showOutbox(): Promise<void> {
    const waiting = await queued().catch(() => []);
    this.outboxNote.textContent = waiting.length ? t('outboxPending').replace('{n}', String(waiting.length)) : '';
    this.outboxNote.hidden = waiting.length === 0;
  }

  private failed(error: unknown): void {
    if (unreachable(error)) {
      this.status.textContent = t('queuedOffline');
      return;
    }
    if (error instanceof ApiError) {
      this.showViolations(error.fieldViolations);
      this.status.textContent = error.officialMessage;
    } else {
      this.status.textContent = String(error);
    }
  }

  private reload(message: string): void {
    sessionStorage.setItem('tonghop.flash', message);
    navigate({ view: 'report', params: { plan: this.report.plan ?? '', period: this.report.period ?? '' } });
  }
}
