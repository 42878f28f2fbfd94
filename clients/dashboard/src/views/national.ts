// The ministry's view: for an instrument the provinces implement (a
// decision such as 2715/QĐ-TTg) and a period, every province's
// completeness — who reported on time, late, or not at all.

import { call, listAll, type Agency, type CompletenessResponse, type Plan } from '../api';
import { colors, stackedBars } from '../charts';
import { h, select } from '../dom';
import { formatCount, formatPercent } from '../format';
import { displayName, t } from '../i18n';
import { navigate, type Route } from '../router';
import { dataTable } from '../table';
import { choosePeriod, errorBox, mapLimited, owedSection, periodsOf, planCovers, statCard } from './common';

interface Row {
  province: Agency;
  plan?: Plan;
  completeness?: CompletenessResponse;
  error?: string;
}

function inForce(agency: Agency, today: Date): boolean {
  const to = agency.validTo;
  if (!to?.year) return true;
  return new Date(Date.UTC(to.year, (to.month ?? 12) - 1, to.day ?? 31)) >= today;
}

export async function renderNational(root: HTMLElement, route: Route): Promise<void> {
  const [plans, provinces] = await Promise.all([
    listAll<Plan>('registry', 'ListPlans', 'plans'),
    listAll<Agency>('registry', 'ListAgencies', 'agencies', { kind: 'AGENCY_KIND_PROVINCE' }),
  ]);
  const today = new Date();
  const current = provinces.filter((p) => inForce(p, today));

  // The instruments, newest plans first.
  const decisions = [...new Set(
    [...plans].sort((a, b) => (b.firstYear ?? 0) - (a.firstYear ?? 0)).map((p) => p.implements ?? '').filter(Boolean),
  )];
  const decision = route.params.decision && decisions.includes(route.params.decision)
    ? route.params.decision
    : decisions[0] ?? '';
  const decisionPlans = plans.filter((p) => p.implements === decision);
  const periods = periodsOf(decisionPlans);
  const period = choosePeriod(periods, route.params.period, today);

  const controls = h(
    'div',
    { class: 'controls' },
    h('label', {}, t('decision'), ' ',
      select(decisions.map((d) => ({ value: d, label: d })), decision,
        (value) => navigate({ view: 'national', params: { decision: value } }), 'decision-select')),
    h('label', {}, t('period'), ' ',
      select(periods.map((p) => ({ value: p, label: p })), period,
        (value) => navigate({ view: 'national', params: { decision, period: value } }), 'period-select')),
  );
  // The home page opens on what the acting agency itself owes.
  root.appendChild(owedSection());
  root.appendChild(h('section', { class: 'panel' },
    h('h2', {}, t('nationalHeading')),
    h('p', { class: 'intro' }, t('nationalIntro')),
    controls));

  const rows: Row[] = current.map((province) => ({
    province,
    plan: decisionPlans.find((p) => p.issuer === province.name && planCovers(p, period)),
  }));
  // One call per province with a plan, a few at a time, for the counts
  // only: the national picture never asks for any province's reports or
  // list of reporters.
  await mapLimited(rows.filter((r) => r.plan), 4, async (row) => {
    try {
      row.completeness = await call<CompletenessResponse>('aggregation', 'Completeness', {
        plan: row.plan!.name,
        period,
        agency: row.province.name,
        language: document.documentElement.lang,
        view: 'COMPLETENESS_VIEW_BASIC',
      });
    } catch (error) {
      row.error = (error as Error).message;
    }
  });
  if (rows.some((r) => r.plan) && rows.every((r) => !r.plan || r.error)) {
    const firstError = rows.find((r) => r.error);
    root.appendChild(errorBox(new Error(firstError?.error ?? t('noData'))));
  }

  const withPlan = rows.filter((r) => r.completeness);
  const sum = (f: (c: CompletenessResponse) => number | undefined): number =>
    withPlan.reduce((total, r) => total + (f(r.completeness!) ?? 0), 0);
  root.appendChild(h('section', { class: 'cards', testid: 'national-summary' },
    statCard(t('provincesWithPlan'), `${formatCount(rows.filter((r) => r.plan).length)} / ${formatCount(rows.length)}`, 'provinces-with-plan'),
    statCard(t('expected'), formatCount(sum((c) => c.expected)), 'total-expected'),
    statCard(t('onTime'), formatCount(sum((c) => c.onTime)), 'total-on-time', 'ok'),
    statCard(t('late'), formatCount(sum((c) => c.late)), 'total-late', 'warn'),
    statCard(t('missing'), formatCount(sum((c) => c.missing)), 'total-missing', 'bad'),
  ));

  const num = (value: number | undefined, testid: string): HTMLElement =>
    h('span', { testid, data: { value: String(value ?? 0) } }, formatCount(value ?? 0));
  const ratio = (r: Row): number =>
    r.completeness && (r.completeness.expected ?? 0) > 0
      ? (r.completeness.received ?? 0) / (r.completeness.expected ?? 1)
      : -1;
  const table = dataTable<Row>({
    testid: 'national-table',
    rows,
    pageSize: 40,
    rowTestid: (r) => `province-row-${r.province.name.replace('agencies/', '')}`,
    rowClass: (r) => (r.plan ? '' : 'muted'),
    columns: [
      {
        key: 'province',
        header: t('provinceCol'),
        sortValue: (r) => displayName(r.province),
        render: (r) => h('a', {
          href: provinceHref(r, period),
          testid: 'province-link',
          onclick: (e) => {
            e.preventDefault();
            navigate({ view: 'province', id: r.province.name.replace('agencies/', ''), params: { plan: r.plan?.name ?? '', period } });
          },
        }, displayName(r.province)),
      },
      {
        key: 'plan',
        header: t('planCol'),
        sortValue: (r) => r.plan?.symbol ?? '',
        render: (r) => (r.plan ? h('span', { title: r.plan.title }, r.plan.symbol ?? '') : h('span', { class: 'muted' }, t('noPlan'))),
      },
      { key: 'expected', header: t('expected'), numeric: true, sortValue: (r) => r.completeness?.expected ?? -1, render: (r) => (r.completeness ? num(r.completeness.expected, 'expected') : '') },
      { key: 'received', header: t('received'), numeric: true, sortValue: (r) => r.completeness?.received ?? -1, render: (r) => (r.completeness ? num(r.completeness.received, 'received') : '') },
      { key: 'onTime', header: t('onTime'), numeric: true, sortValue: (r) => r.completeness?.onTime ?? -1, render: (r) => (r.completeness ? num(r.completeness.onTime, 'on-time') : '') },
      { key: 'late', header: t('late'), numeric: true, sortValue: (r) => r.completeness?.late ?? -1, render: (r) => (r.completeness ? num(r.completeness.late, 'late') : '') },
      { key: 'missing', header: t('missing'), numeric: true, sortValue: (r) => r.completeness?.missing ?? -1, render: (r) => (r.completeness ? num(r.completeness.missing, 'missing') : r.error ? h('span', { class: 'error-text', title: r.error }, '!') : '') },
      {
        key: 'ratio',
        header: t('completeness'),
        numeric: true,
        sortValue: ratio,
        render: (r) => (r.completeness ? progressBar(r.completeness) : ''),
      },
    ],
  });
  root.appendChild(h('section', { class: 'panel' }, table));

  const charted = withPlan;
  if (charted.length > 0) {
    root.appendChild(h('section', { class: 'panel' },
      h('h3', {}, t('chartCompleteness')),
      stackedBars('national-chart', charted.map((r) => displayName(r.province)), [
        { name: t('onTime'), color: colors.onTime, values: charted.map((r) => r.completeness!.onTime ?? 0) },
        { name: t('late'), color: colors.late, values: charted.map((r) => r.completeness!.late ?? 0) },
        { name: t('awaitingReview'), color: colors.awaiting, values: charted.map((r) => r.completeness!.awaitingReview ?? 0) },
        { name: t('missing'), color: colors.missing, values: charted.map((r) => r.completeness!.missing ?? 0) },
      ])));
  }
}

function provinceHref(row: Row, period: string): string {
  const params = new URLSearchParams({ plan: row.plan?.name ?? '', period });
  return `#/province/${row.province.name.replace('agencies/', '')}?${params}`;
}

function progressBar(c: CompletenessResponse): HTMLElement {
  const expected = c.expected ?? 0;
  const received = c.received ?? 0;
  const share = expected > 0 ? Math.round((100 * received) / expected) : 0;
  const bar = h('span', { class: 'bar' }, h('span', { class: 'bar-fill' }));
  (bar.firstChild as HTMLElement).style.width = `${share}%`;
  return h('span', { class: 'progress', testid: 'completeness' }, bar, ' ', formatPercent(received, expected));
}
