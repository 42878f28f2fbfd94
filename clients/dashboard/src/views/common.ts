// Pieces the views share.

import { ApiError, call, download, listAll, type Agency, type DueReport, type Notice, type Plan, type Query } from '../api';
import { h } from '../dom';
import { displayName, enumLabel, lang, t } from '../i18n';
import { formatDay, formatTimestamp } from '../format';
import { dataTable } from '../table';

export function statCard(label: string, value: string, testid: string, tone = ''): HTMLElement {
  return h('div', { class: `card ${tone}`, testid },
    h('div', { class: 'card-value', testid: `${testid}-value` }, value),
    h('div', { class: 'card-label' }, label));
}

export function errorBox(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.serviceMissing) {
    return h('div', { class: 'notice', testid: 'service-missing' }, t('serviceMissing'));
  }
  const message = error instanceof Error ? error.message : String(error);
  return h('div', { class: 'error', testid: 'error' }, `${t('errorPrefix')}: ${message}`);
}

// Runs `fn` over `items` with at most `limit` calls in flight.
export async function mapLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

// The annual periods the plans cover, oldest first. Plans reporting every
// six months or quarter get their sub-periods too.
export function periodsOf(plans: Plan[]): string[] {
  const periods = new Set<string>();
  for (const plan of plans) {
    const types = new Set((plan.schedule ?? []).map((round) => round.periodType));
    for (let year = plan.firstYear ?? 0; year && year <= (plan.lastYear ?? year); year++) {
      if (types.size === 0 || types.has('PERIOD_TYPE_ANNUAL')) periods.add(String(year));
      if (types.has('PERIOD_TYPE_SEMIANNUAL')) ['S1', 'S2'].forEach((s) => periods.add(`${year}${s}`));
      if (types.has('PERIOD_TYPE_QUARTERLY')) ['Q1', 'Q2', 'Q3', 'Q4'].forEach((q) => periods.add(`${year}${q}`));
    }
  }
  return [...periods].sort();
}

export function planCovers(plan: Plan, period: string): boolean {
  const year = Number(period.slice(0, 4));
  return year >= (plan.firstYear ?? 0) && year <= (plan.lastYear ?? plan.firstYear ?? 0);
}

// A section that loads on its own: a failing part (a service not yet
// hosted) leaves the rest of the view usable.
export function lazySection(testid: string, title: string, load: (body: HTMLElement) => Promise<void>): HTMLElement {
  const body = h('div', { class: 'section-body' }, h('p', { class: 'loading' }, t('loading')));
  const section = h('section', { class: 'panel', testid }, h('h3', {}, title), body);
  load(body)
    .then(() => {
      body.querySelector(':scope > .loading')?.remove();
      section.dataset.loaded = 'true';
    })
    .catch((error) => {
      body.replaceChildren(errorBox(error));
      section.dataset.loaded = 'error';
    });
  return section;
}

function daysLeftText(days: number): string {
  if (days === 0) return t('dueToday');
  return days > 0 ? t('daysLeftN').replace('{n}', String(days)) : t('overdueN').replace('{n}', String(-days));
}

// What the acting agency owes: every report due, soonest first, with the
// reviewer's reason for those returned.
export function owedSection(withForm = false): HTMLElement {
  return lazySection('owed', t('owedTitle'), async (body) => {
    const response = await call<{ dueReports?: DueReport[] }>('submissions', 'ListDueReports');
    const owed = response.dueReports ?? [];
    if (owed.length === 0) {
      body.appendChild(h('p', { testid: 'nothing-owed' }, t('nothingOwed')));
      return;
    }
    body.appendChild(dataTable<DueReport>({
      testid: 'owed-table',
      rows: owed,
      pageSize: 10,
      sortKey: 'due',
      rowTestid: (d) => `owed-${(d.report ?? '').replace(/\//g, '_')}`,
      rowClass: (d) => ((d.daysLeft ?? 0) < 0 ? 'overdue' : ''),
      columns: [
        { key: 'plan', header: t('plan'), sortValue: (d) => d.planSymbol ?? d.plan ?? '',
          render: (d) => h('span', { title: d.planTitle ?? '' }, d.planSymbol ?? d.plan ?? '') },
        { key: 'period', header: t('period'), sortValue: (d) => d.period ?? '' },
        { key: 'due', header: t('dueDate'), sortValue: (d) => d.dueTime ?? '', render: (d) => formatDay(d.dueTime) },
        { key: 'days', header: t('daysLeft'), numeric: true, sortValue: (d) => d.daysLeft ?? 0,
          render: (d) => h('span', { testid: 'days-left' }, daysLeftText(d.daysLeft ?? 0)) },
        { key: 'state', header: t('state'), sortValue: (d) => d.state ?? '',
          render: (d) => h('span', { testid: 'owed-state' }, d.state ? enumLabel(d.state) : t('notDrafted')) },
        { key: 'reason', header: t('reviewReason'), sortValue: (d) => d.reviewReason ?? '',
          render: (d) => h('span', { testid: 'owed-reason' }, d.reviewReason ?? '') },
        ...(withForm ? [{ key: 'open', header: '', sortValue: () => '',
          render: (d: DueReport) => h('a', {
            href: `#/report?plan=${encodeURIComponent(d.plan ?? '')}&period=${encodeURIComponent(d.period ?? '')}`,
            testid: 'open-form', class: 'button-link',
          }, t('openForm')) }] : []),
      ],
    }));
  });
}

// The notices tonghop mailed (or is to mail) to `agency`, newest first:
// reminders, returns with the reason, acceptances.
export function noticesSection(agency: string): HTMLElement {
  return lazySection('notices', t('noticesTitle'), async (body) => {
    const notices = await listAll<Notice>('submissions', 'ListNotices', 'notices', { agency });
    if (notices.length === 0) {
      body.appendChild(h('p', { testid: 'no-notices' }, t('noNotices')));
      return;
    }
    body.appendChild(dataTable<Notice>({
      testid: 'notices-table',
      rows: notices,
      pageSize: 5,
      sortKey: 'time',
      descending: true,
      rowTestid: (n) => `notice-${n.kind ?? ''}`,
      columns: [
        { key: 'time', header: t('noticeTime'), sortValue: (n) => n.createTime ?? '', render: (n) => formatTimestamp(n.createTime) },
        { key: 'kind', header: t('noticeKind'), sortValue: (n) => n.kind ?? '',
          render: (n) => h('span', { testid: 'notice-kind' }, enumLabel(n.kind)) },
        { key: 'subject', header: t('noticeSubject'), sortValue: (n) => n.subject ?? '',
          render: (n) => {
            const details = h('details', { testid: 'notice-subject' },
              h('summary', {}, n.subject ?? ''), h('pre', { class: 'notice-body', testid: 'notice-body' }, n.body ?? ''));
            return details;
          } },
        { key: 'state', header: t('noticeState'), sortValue: (n) => n.state ?? '',
          render: (n) => h('span', { testid: 'notice-state', title: (n.recipients ?? []).join(', ') }, enumLabel(n.state)) },
      ],
    }));
  });
}

const names = new Map<string, Promise<string>>();

// An agency's name for officials ("Sở Y tế tỉnh Đồng Nai"), else its
// resource name; asked once per page load and language.
export function agencyName(name: string): Promise<string> {
  if (!name) return Promise.resolve('');
  const key = `${lang()}|${name}`;
  let known = names.get(key);
  if (!known) {
    known = call<Agency>('registry', 'GetAgency', { name })
      .then((agency) => displayName(agency) || name)
      .catch(() => name);
    names.set(key, known);
  }
  return known;
}

// A plan as officials cite it: its symbol ("74/KH-UBND"), else its name.
export function planSymbol(name: string): Promise<string> {
  if (!name) return Promise.resolve('');
  let known = names.get(name);
  if (!known) {
    known = call<Plan>('registry', 'GetPlan', { name })
      .then((plan) => plan.symbol || name)
      .catch(() => name);
    names.set(name, known);
  }
  return known;
}

// Fetches a file (a response's `content`, alt=media) and hands it to the
// browser as a download under the server's file name.
export async function saveDownload(service: string, method: string, query: Query): Promise<void> {
  const { blob, filename } = await download(service, method, query);
  saveBlob(blob, filename);
}

// A button that downloads what `service`.`method` answers for `query`,
// saying in `status` that it is downloading, or why it failed.
export function downloadButton(
  status: HTMLElement, label: string, testid: string, service: string, method: string, query: Query,
): HTMLElement {
  return h('button', {
    type: 'button',
    testid,
    onclick: async () => {
      status.textContent = t('downloading');
      try {
        await saveDownload(service, method, query);
        status.textContent = '';
      } catch (error) {
        status.replaceChildren(errorBox(error));
      }
    },
  }, label);
}

// Hands `blob` to the browser as a download named `filename`.
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url });
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// The period a page opens on: the one asked for when the plans have it, else
// this year's, else the latest one already begun, else the first.
export function choosePeriod(periods: string[], requested: string | undefined, today: Date): string {
  if (requested && periods.includes(requested)) return requested;
  const year = String(today.getFullYear());
  if (periods.includes(year)) return year;
  const past = periods.filter((p) => p <= year);
  return past.length ? past[past.length - 1] : periods[0] ?? year;
}
