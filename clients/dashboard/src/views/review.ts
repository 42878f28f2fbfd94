// The reviewer's page (#/review): the reports of the reviewer's subtree
// that wait for review, accepted one by one or several at once; and one
// report (#/review?name=reports/…) readable in Vietnamese — tasks with
// their progress, figures as the form's grids, what changed since the
// previous revision — accepted or returned with a reason.

import { ApiError, call, listAll, post, violationText, type Agency, type Report, type Value } from '../api';
import { h } from '../dom';
import { formatTimestamp } from '../format';
import { enumLabel, lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { currentIdentity, identityAgency } from '../session';
import { dataTable } from '../table';
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
import { agencyName, planSymbol } from './common';
import { labelFor } from './login';
import { outlineOf, requestId } from './report';

// The subtree the caller reviews: the agency whose focal agency it is (a
// province's Department of Justice reviews the province), else its own.
async function reviewedSubtree(): Promise<string> {
  const own = `agencies/${identityAgency()}`;
  const agency = await call<Agency>('registry', 'GetAgency', { name: own });
  if (agency.parent) {
    const parent = await call<Agency>('registry', 'GetAgency', { name: agency.parent });
    if (parent.focalAgency === own) return parent.name;
  }
  return own;
}

export async function renderReview(root: HTMLElement, route: Route): Promise<void> {
  if (!currentIdentity()) {
    navigate({ view: 'login', params: { next: 'review' } });
    return;
  }
  if (route.params.name) {
    await renderOne(root, route.params.name);
    return;
  }
  const subtree = await reviewedSubtree();
  const waiting = await listAll<Report>('submissions', 'ListReports', 'reports', {
    agencySubtree: subtree, state: 'REPORT_STATE_SUBMITTED',
  });
  const names = new Map<string, string>();
  await Promise.all([...new Set(waiting.flatMap((r) => [r.agency ?? '', r.plan ?? '']))].map(async (a) => {
    names.set(a, a.startsWith('plans/') ? await planSymbol(a) : await agencyName(a));
  }));
  const panel = h('section', { class: 'panel', testid: 'review-queue' },
    h('h2', {}, t('reviewHeading')), h('p', { class: 'intro' }, await agencyName(subtree)));
  root.appendChild(panel);
  const status = h('p', { class: 'form-status', testid: 'review-status', aria: { live: 'polite' } });
  if (waiting.length === 0) {
    panel.appendChild(h('p', { testid: 'nothing-to-review' }, t('nothingToReview')));
    panel.appendChild(status);
    showFlash(status);
    return;
  }
  const chosen = new Set<string>();
  panel.appendChild(dataTable<Report>({
    testid: 'review-table',
    rows: waiting,
    pageSize: 25,
    sortKey: 'submitted',
    rowTestid: (r) => `review-${(r.agency ?? '').replace('agencies/', '')}`,
    columns: [
      { key: 'select', header: t('selectRow'), sortValue: () => '',
        render: (r) => {
          const box = h('input', { type: 'checkbox', testid: 'review-select' });
          box.id = `select-${r.name}`;
          box.setAttribute('aria-label', `${t('selectRow')}: ${names.get(r.agency ?? '') ?? r.agency}`);
          box.addEventListener('change', () => (box.checked ? chosen.add(r.name) : chosen.delete(r.name)));
          return box;
        } },
      { key: 'agency', header: t('reporter'), sortValue: (r) => names.get(r.agency ?? '') ?? '',
        render: (r) => h('a', { href: `#/review?name=${encodeURIComponent(r.name)}`, testid: 'review-open' },
          names.get(r.agency ?? '') ?? r.agency ?? '') },
      { key: 'plan', header: t('plan'), sortValue: (r) => names.get(r.plan ?? '') ?? '' },
      { key: 'period', header: t('period'), sortValue: (r) => r.period ?? '' },
      { key: 'revision', header: t('revisionCol'), numeric: true, sortValue: (r) => r.revision ?? 0 },
      { key: 'submitted', header: t('submitTimeCol'), sortValue: (r) => r.submitTime ?? '',
        render: (r) => `${formatTimestamp(r.submitTime)} — ${r.onTime ? t('onTimeYes') : t('onTimeNo')}` },
    ],
  }));
  panel.appendChild(h('div', { class: 'form-actions' },
    h('button', {
      type: 'button', class: 'primary', testid: 'accept-selected',
      onclick: () => void (async () => {
        const picked = waiting.filter((r) => chosen.has(r.name));
        let accepted = 0;
        const failures: string[] = [];
        for (const report of picked) {
          try {
            await review(report, 'REVIEW_DECISION_ACCEPT', '');
            accepted++;
          } catch (error) {
            failures.push(`${names.get(report.agency ?? '')}: ${error instanceof ApiError ? error.officialMessage : error}`);
          }
        }
        sessionStorage.setItem('tonghop.flash', [t('acceptedCount').replace('{n}', String(accepted)), ...failures].join(' '));
        navigate({ view: 'review', params: {} });
      })(),
    }, t('acceptSelected'))));
  panel.appendChild(status);
  showFlash(status);
}

function showFlash(status: HTMLElement): void {
  const flash = sessionStorage.getItem('tonghop.flash');
  if (flash) {
    sessionStorage.removeItem('tonghop.flash');
    status.textContent = flash;
  }
}

function review(report: Report, decision: string, reason: string): Promise<Report> {
  return post<Report>('submissions', 'Review', {
    name: report.name, etag: report.etag, decision, reason: reason || undefined, requestId: requestId(),
  });
}

async function renderOne(root: HTMLElement, name: string): Promise<void> {
  const [report, revisions, meta] = await Promise.all([
    call<Report>('submissions', 'GetReport', { name }),
    listAll<Report>('submissions', 'ListRevisions', 'revisions', { name }),
    loadFigureMeta(),
  ]);
  root.appendChild(h('p', {}, h('a', { href: '#/review', testid: 'back-queue' }, t('backToQueue'))));
  const header = h('section', { class: 'panel', testid: 'review-report' },
    h('h2', {}, `${await agencyName(report.agency ?? '')} — ${await planSymbol(report.plan ?? '')} — ${report.period ?? ''}`),
    h('dl', { class: 'facts' },
      h('dt', {}, t('stateLabel')), h('dd', { testid: 'review-state', data: { state: report.state ?? '' } }, enumLabel(report.state)),
      h('dt', {}, t('revisionCol')), h('dd', {}, String(report.revision ?? 0)),
      h('dt', {}, t('submitTimeCol')), h('dd', {}, `${formatTimestamp(report.submitTime)} — ${report.onTime ? t('onTimeYes') : t('onTimeNo')}`),
      h('dt', {}, t('submittedBy')), h('dd', {}, report.submittedBy ?? '')));
  root.appendChild(header);
  root.appendChild(changesSection(report, revisions, meta));

  root.appendChild(h('section', { class: 'panel', testid: 'review-tasks' },
    h('h3', {}, t('tasksHeading')),
    h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, h('th', {}, t('taskCol')), h('th', {}, t('progressStatus')), h('th', {}, t('summaryLabel')))),
      h('tbody', {}, ...(report.progress ?? []).map((p) => h('tr', {},
        h('td', {}, h('strong', {}, outlineOf(p.task)), ' ', p.title ?? ''),
        h('td', { testid: `review-status-${outlineOf(p.task)}` }, enumLabel(p.status ?? 'PROGRESS_STATUS_UNSPECIFIED')),
        h('td', {}, p.summary ?? '', ...(p.outputs ?? []).map((o) => h('div', { class: 'muted' }, o)))))))));

  // The stored report keeps only the figures given; the grids show them
  // in the layout of the form.
  const values = await figureLayout(report, meta);
  const grids = figureGrids(values, meta, (index, label) => h('div', { class: 'grid-cell' },
    h('span', { class: 'cell-label' }, label),
    h('span', { class: 'cell-value', testid: `review-value-${index}` }, valueForOfficials(valueText(values[index])) || '—')));
  updateSums(grids.blocks, (i) => valueText(values[i]));
  root.appendChild(h('section', { class: 'panel', testid: 'review-figures' }, h('h3', {}, t('figuresHeading')), grids.root));

  if (report.state !== 'REPORT_STATE_SUBMITTED') return;
  const reason = h('textarea', { testid: 'return-reason' });
  reason.id = 'return-reason';
  reason.rows = 3;
  const status = h('p', { class: 'form-status', testid: 'review-status', aria: { live: 'polite' } });
  const act = (decision: string) => async (): Promise<void> => {
    try {
      await review(report, decision, reason.value.trim());
      sessionStorage.setItem('tonghop.flash', decision === 'REVIEW_DECISION_ACCEPT' ? t('accepted') : t('returnedDone'));
      navigate({ view: 'review', params: {} });
    } catch (error) {
      status.textContent = error instanceof ApiError
        ? [error.officialMessage, ...error.fieldViolations.map((v) => violationText(v, lang()))].join(' ')
        : String(error);
    }
  };
  root.appendChild(h('section', { class: 'panel', testid: 'review-decision' },
    h('div', { class: 'field' }, labelFor(reason.id, t('returnReason')), reason),
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'primary', testid: 'accept-report', onclick: () => void act('REVIEW_DECISION_ACCEPT')() }, t('accept')),
      h('button', { type: 'button', testid: 'return-report', onclick: () => void act('REVIEW_DECISION_RETURN')() }, t('returnReport'))),
    status));
}

// What changed between the latest revision and the one before it: task
// progress (status, summary, outputs) and every figure, by indicator and
// cell.
function changesSection(report: Report, revisions: Report[], meta: FigureMeta): HTMLElement {
  const section = h('section', { class: 'panel', testid: 'review-changes' }, h('h3', {}, t('changesHeading')));
  const latest = revisions.filter((r) => r.revision === report.revision).pop() ?? report;
  const previous = revisions.filter((r) => (r.revision ?? 0) < (latest.revision ?? 0)).pop();
  if (!previous) {
    section.appendChild(h('p', { class: 'muted', testid: 'no-previous' }, t('noPrevious')));
    return section;
  }
  const rows: [string, string, string][] = [];
  const before = new Map((previous.progress ?? []).map((p) => [p.task, p]));
  for (const p of latest.progress ?? []) {
    const old = before.get(p.task);
    const label = `${outlineOf(p.task)} — `;
    if ((old?.status ?? '') !== (p.status ?? '')) {
      rows.push([`${label}${t('progressStatus')}`, enumLabel(old?.status), enumLabel(p.status)]);
    }
    if ((old?.summary ?? '') !== (p.summary ?? '')) rows.push([`${label}${t('summaryLabel')}`, old?.summary ?? '', p.summary ?? '']);
    if ((old?.outputs ?? []).join('\n') !== (p.outputs ?? []).join('\n')) {
      rows.push([`${label}${t('outputsLabel')}`, (old?.outputs ?? []).join('; '), (p.outputs ?? []).join('; ')]);
    }
  }
  const key = (v: Value): string => `${v.indicator}|${Object.entries(v.cells ?? {}).sort().join(';')}`;
  const oldValues = new Map((previous.values ?? []).map((v) => [key(v), v]));
  const newValues = new Map((latest.values ?? []).map((v) => [key(v), v]));
  for (const k of new Set([...oldValues.keys(), ...newValues.keys()])) {
    const a = valueText(oldValues.get(k));
    const b = valueText(newValues.get(k));
    if (a === b) continue;
    const v = (newValues.get(k) ?? oldValues.get(k)) as Value;
    rows.push([`${indicatorTitle(v.indicator, meta)} — ${cellLabel(v, meta)}`,
      valueForOfficials(a) || t('emptyValue'), valueForOfficials(b) || t('emptyValue')]);
  }
  if (rows.length === 0) {
    section.appendChild(h('p', { class: 'muted' }, t('noChanges')));
    return section;
  }
  section.appendChild(h('table', { class: 'data', testid: 'changes-table' },
    h('thead', {}, h('tr', {}, h('th', {}, t('fieldCol')), h('th', {}, `${t('before')} (${previous.revision})`), h('th', {}, `${t('after')} (${latest.revision})`))),
    h('tbody', {}, ...rows.map(([what, a, b]) => h('tr', { testid: 'change-row' }, h('td', {}, what), h('td', {}, a), h('td', {}, b))))));
  return section;
}
