// A province's view for one plan and period: who has reported (by
// department and commune, the missing ones named), each indicator's roll-up
// with its breakdowns and its trend, the task board, and the compiled report
// to download.

import {
  ApiError,
  call,
  listAll,
  type Agency,
  type HeldPush,
  type CompletenessResponse,
  type Dimension,
  type ExplainFigureResponse,
  type Figure,
  type Indicator,
  type IndicatorRollup,
  type Plan,
  type Reporter,
  type RollupResponse,
  type TaskStatusEntry,
  type TaskStatusResponse,
  type TrendResponse,
  type UpstreamStatus,
} from '../api';
import { bars, colors, donut, trendLine } from '../charts';
import { clear, h, select } from '../dom';
import { formatCount, formatDate, formatExact, formatPercent, formatTimestamp } from '../format';
import { displayName, enumLabel, lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { dataTable } from '../table';
import { choosePeriod, downloadButton, errorBox, lazySection, periodsOf, statCard } from './common';

const KIND_GROUPS: { key: string; label: () => string; kinds: string[] }[] = [
  { key: 'departments', label: () => t('departments'), kinds: ['AGENCY_KIND_DEPARTMENT', 'AGENCY_KIND_SECURITY_FORCE'] },
  { key: 'communes', label: () => t('communes'), kinds: ['AGENCY_KIND_COMMUNE', 'AGENCY_KIND_DISTRICT'] },
];

export async function renderProvince(root: HTMLElement, route: Route): Promise<void> {
  const id = route.id ?? '';
  const agencyName = `agencies/${id}`;
  const [province, plans] = await Promise.all([
    call<Agency>('registry', 'GetAgency', { name: agencyName }),
    listAll<Plan>('registry', 'ListPlans', 'plans', { issuer: agencyName }),
  ]);
  plans.sort((a, b) => (b.firstYear ?? 0) - (a.firstYear ?? 0));
  const plan = plans.find((p) => p.name === route.params.plan) ?? plans[0];

  const header = h('section', { class: 'panel' },
    h('a', {
      href: '#/national',
      class: 'back',
      testid: 'back-national',
      onclick: (e) => {
        e.preventDefault();
        navigate({ view: 'national', params: { period: route.params.period ?? '' } });
      },
    }, t('back')),
    h('h2', { testid: 'province-name' }, displayName(province)));
  root.appendChild(header);
  if (!plan) {
    header.appendChild(h('p', { class: 'muted', testid: 'no-plan' }, t('noPlan')));
    return;
  }
  const periods = periodsOf([plan]);
  const period = choosePeriod(periods, route.params.period, new Date());
  const go = (params: Record<string, string>): void => navigate({ view: 'province', id, params });

  header.appendChild(h('div', { class: 'controls' },
    h('label', {}, t('plan'), ' ', select(
      plans.map((p) => ({ value: p.name, label: `${p.symbol} (${p.firstYear}–${p.lastYear})` })),
      plan.name, (value) => go({ plan: value }), 'plan-select')),
    h('label', {}, t('period'), ' ', select(
      periods.map((p) => ({ value: p, label: p })), period,
      (value) => go({ plan: plan.name, period: value }), 'period-select')),
    downloadButtons(plan.name, period, agencyName)));
  header.appendChild(h('p', { class: 'plan-title', testid: 'plan-title' }, `${plan.symbol} — ${plan.title ?? ''}`));

  const query = { plan: plan.name, period, agency: agencyName, language: lang() };
  root.appendChild(lazySection('completeness-section', t('byReporter'), (body) => completeness(body, query)));
  root.appendChild(lazySection('indicators-section', t('indicators'), (body) => indicators(body, query, plans)));
  root.appendChild(lazySection('tasks-section', t('tasks'), (body) => tasks(body, query)));
  const upstreamPlan = plan.upstreamPlan;
  if (upstreamPlan) {
    root.appendChild(lazySection('upstream-section', t('upstreamTitle'),
      (body) => upstream(body, plan.name, upstreamPlan)));
  }
}

// Where this instance pushes the plan's figures, whether the upstream has
// them all, and the pushes it refused (held and retried by themselves).
async function upstream(body: HTMLElement, planName: string, upstreamPlan: string): Promise<void> {
  let status: UpstreamStatus;
  try {
    status = await call<UpstreamStatus>('federation', 'GetUpstreamStatus');
  } catch (error) {
    // FAILED_PRECONDITION: this instance has no upstream.
    if (error instanceof ApiError && error.status.code === 9) {
      body.appendChild(h('p', { class: 'muted', testid: 'upstream-none' }, t('upstreamNone')));
      return;
    }
    throw error;
  }
  const idOf = (name: string): string => name.slice(name.indexOf('/') + 1);
  body.appendChild(h('p', { testid: 'upstream-summary' }, t('upstreamSummary')
    .replace('{upstream}', status.upstream ?? '')
    .replace('{plan}', idOf(upstreamPlan))
    .replace('{agency}', idOf(status.agency ?? ''))));
  // The pushed position moves past held pushes too: "everything
  // acknowledged" only when nothing of this plan is held.
  const held = (status.held ?? []).filter((push) => push.plan === planName);
  const pending = Math.max(0, Number(status.appliedPosition ?? 0) - Number(status.pushedPosition ?? 0));
  if (pending > 0) {
    body.appendChild(h('p', { testid: 'upstream-pending' }, t('upstreamPending').replace('{n}', formatCount(pending))));
  } else if (held.length === 0) {
    body.appendChild(h('p', { testid: 'upstream-pending' }, t('upstreamCaughtUp')));
  }
  if (held.length === 0) {
    body.appendChild(h('p', { testid: 'upstream-held-none' }, t('upstreamNothingHeld')));
    return;
  }
  body.appendChild(h('p', { class: 'warn' }, t('upstreamHeld')));
  body.appendChild(dataTable<HeldPush>({
    testid: 'upstream-held-table',
    rows: held,
    columns: [
      { key: 'period', header: t('period'), sortValue: (p) => p.period },
      { key: 'code', header: t('refusalCode'), sortValue: (p) => p.code ?? '' },
      { key: 'message', header: t('refusalReason'), sortValue: (p) => p.message ?? '' },
      { key: 'attempts', header: t('attempts'), sortValue: (p) => p.attempts ?? 0,
        render: (p) => formatCount(p.attempts ?? 0) },
      { key: 'first', header: t('firstRefused'), sortValue: (p) => p.firstRefuseTime ?? '',
        render: (p) => formatTimestamp(p.firstRefuseTime) },
      { key: 'next', header: t('nextAttempt'), sortValue: (p) => p.nextAttemptTime ?? '',
        render: (p) => formatTimestamp(p.nextAttemptTime) },
    ],
  }));
}

type Query = { plan: string; period: string; agency: string; language: string };

async function completeness(body: HTMLElement, query: Query): Promise<void> {
  const c = await call<CompletenessResponse>('aggregation', 'Completeness', query);
  body.appendChild(h('div', { class: 'summary-row' },
    h('div', { class: 'cards', testid: 'province-summary' },
      statCard(t('expected'), formatCount(c.expected), 'expected'),
      statCard(t('received'), formatCount(c.received), 'received'),
      statCard(t('onTime'), formatCount(c.onTime), 'on-time', 'ok'),
      statCard(t('late'), formatCount(c.late), 'late', 'warn'),
      statCard(t('missing'), formatCount(c.missing), 'missing', 'bad'),
      statCard(t('awaitingReview'), formatCount(c.awaitingReview), 'awaiting-review'),
      statCard(t('completeness'), formatPercent(c.received ?? 0, c.expected ?? 0), 'ratio'),
    ),
    donut('completeness-chart', [
      { name: t('onTime'), value: c.onTime ?? 0, color: colors.onTime },
      { name: t('late'), value: c.late ?? 0, color: colors.late },
      { name: t('awaitingReview'), value: c.awaitingReview ?? 0, color: colors.awaiting },
      { name: t('missing'), value: c.missing ?? 0, color: colors.missing },
    ])));
  if (c.dueDate?.year) {
    body.appendChild(h('p', { class: 'muted', testid: 'due-date' }, `${t('dueDate')}: ${formatDate(c.dueDate)}`));
  }

  // The missing ones, by name, first: that is what the official acts on.
  const missing = c.missingReporters ?? [];
  body.appendChild(h('h4', {}, `${t('missingNamed')} (${formatCount(missing.length)})`));
  body.appendChild(missing.length === 0
    ? h('p', { testid: 'missing-none' }, t('noneMissing'))
    : dataTable<Reporter>({
      testid: 'missing-table',
      rows: missing,
      pageSize: 20,
      columns: [
        { key: 'name', header: t('reporter'), sortValue: (r) => r.displayName ?? r.agency, render: reporterName },
        { key: 'kind', header: t('kind'), sortValue: (r) => enumLabel(r.kind) },
        { key: 'state', header: t('state'), sortValue: (r) => enumLabel(r.state), render: stateChip },
      ],
    }));

  // Every expected reporter, by kind, paged.
  const reporters = c.reporters ?? [];
  const groups = [
    ...KIND_GROUPS.map((g) => ({ key: g.key, label: g.label(), rows: reporters.filter((r) => g.kinds.includes(r.kind ?? '')) })),
    { key: 'others', label: t('others'), rows: reporters.filter((r) => !KIND_GROUPS.some((g) => g.kinds.includes(r.kind ?? ''))) },
    { key: 'all', label: t('all'), rows: reporters },
  ].filter((g) => g.rows.length > 0 || g.key === 'all');
  const tabs = h('div', { class: 'tabs', testid: 'reporter-tabs' });
  const search = h('input', { type: 'search', placeholder: t('search'), testid: 'reporter-search' });
  const holder = h('div');
  let active = groups[0].key;
  const draw = (): void => {
    const group = groups.find((g) => g.key === active) ?? groups[0];
    const needle = search.value.trim().toLocaleLowerCase('vi');
    const rows = needle
      ? group.rows.filter((r) => (r.displayName ?? r.agency).toLocaleLowerCase('vi').includes(needle))
      : group.rows;
    for (const button of tabs.querySelectorAll('button')) {
      button.classList.toggle('active', button.dataset.key === active);
    }
    holder.replaceChildren(dataTable<Reporter>({
      testid: 'reporter-table',
      rows,
      pageSize: 25,
      rowTestid: (r) => `reporter-${r.agency.replace('agencies/', '')}`,
      columns: [
        { key: 'name', header: t('reporter'), sortValue: (r) => r.displayName ?? r.agency, render: reporterName },
        { key: 'kind', header: t('kind'), sortValue: (r) => enumLabel(r.kind) },
        { key: 'state', header: t('state'), sortValue: (r) => enumLabel(r.state), render: stateChip },
        {
          key: 'submitted',
          header: t('submitted'),
          sortValue: (r) => r.submitTime ?? '',
          render: (r) => h('span', {}, formatTimestamp(r.submitTime),
            r.counted && !r.onTime && r.submitTime ? h('span', { class: 'chip warn' }, t('late')) : ''),
        },
      ],
    }));
  };
  for (const group of groups) {
    tabs.appendChild(h('button', {
      type: 'button',
      data: { key: group.key },
      testid: `tab-${group.key}`,
      onclick: () => {
        active = group.key;
        draw();
      },
    }, `${group.label} (${formatCount(group.rows.length)})`));
  }
  search.addEventListener('input', draw);
  body.appendChild(h('h4', {}, t('reporter')));
  body.appendChild(h('div', { class: 'toolbar' }, tabs, search));
  body.appendChild(holder);
  draw();
}

function reporterName(r: Reporter): HTMLElement {
  return h('span', {}, r.displayName ?? r.agency,
    r.requested ? h('span', { class: 'chip muted', title: t('requestedBody') }, t('requestedBody')) : '');
}

function stateChip(r: Reporter): HTMLElement {
  const tone = {
    REPORTER_STATE_ACCEPTED: 'ok',
    REPORTER_STATE_AWAITING_REVIEW: 'info',
    REPORTER_STATE_RETURNED: 'warn',
    REPORTER_STATE_NOT_SUBMITTED: 'bad',
  }[r.state ?? ''] ?? '';
  return h('span', { class: `chip ${tone}`, data: { state: r.state ?? '' } }, enumLabel(r.state));
}

function figureText(figure: Figure | undefined): string {
  return figure?.present ? formatExact(figure.value) : '—';
}

// A figure as a cell's content: its value, or "—" when it is not available
// (never 0), with the reason — or what a partial figure leaves out — on
// hover and marked with an asterisk. With `explain`, a click shows the
// reports it comes from.
function figureContent(figure: Figure | undefined, explain?: () => void): HTMLElement {
  const note = figure?.note ?? (figure?.present ? '' : t('noData'));
  const clickable = !!explain && !!figure?.present;
  return h('span', {
    class: `figure${note ? ' noted' : ''}${clickable ? ' explainable' : ''}`,
    title: note || (clickable ? t('explainHint') : undefined),
    testid: figure?.present ? 'figure' : 'figure-unavailable',
    data: { reason: figure?.unavailableReason ?? '' },
    onclick: clickable ? (e: Event) => {
      e.preventDefault();
      explain();
    } : undefined,
  }, figureText(figure), note ? h('sup', {}, '*') : '');
}

type Explain = (indicator: string, cells: Record<string, string> | undefined, label: string) => void;

// The reports behind a figure, in `holder`: each agency, the revision that
// counts and its value (for a ratio, numerator / denominator), and the sum,
// which is the figure.
async function showExplanation(holder: HTMLElement, query: Query, indicator: string,
  cells: Record<string, string> | undefined, label: string): Promise<void> {
  holder.replaceChildren(h('p', { class: 'loading' }, t('loading')));
  const params: Record<string, string> = { ...query, indicator };
  for (const [dimension, option] of Object.entries(cells ?? {})) params[`cells.${dimension}`] = option;
  try {
    const r = await call<ExplainFigureResponse>('aggregation', 'ExplainFigure', params);
    const ratio = r.aggregation === 'AGGREGATION_RATIO';
    const parts = (c: { numerator?: string; denominator?: string }): string =>
      `${formatExact(c.numerator ?? '')} / ${formatExact(c.denominator ?? '')}`;
    holder.replaceChildren(
      h('h5', { testid: 'explain-title' }, `${t('sources')}: ${r.displayName ?? indicator} — ${label}`),
      h('table', { class: 'data compact', testid: 'explain-table' },
        h('thead', {}, h('tr', {}, h('th', {}, t('reporter')), h('th', { class: 'num' }, t('revision')),
          h('th', { class: 'num' }, ratio ? t('parts') : t('value')))),
        h('tbody', {}, ...(r.contributions ?? []).map((c) => h('tr', { testid: 'explain-row', data: { agency: c.agency } },
          h('td', {}, c.displayName ?? c.agency, c.determinesFigure ? ' *' : ''),
          h('td', { class: 'num' }, formatCount(c.revision)),
          h('td', { class: 'num', data: { value: ratio ? `${c.numerator ?? ''}/${c.denominator ?? ''}` : c.value ?? '' } },
            ratio ? parts(c) : formatExact(c.value))))),
        h('tfoot', {}, h('tr', { testid: 'explain-sum' },
          h('th', {}, t('sum')), h('th', {}, ''),
          h('th', { class: 'num', data: { value: ratio ? `${r.figure?.numerator ?? ''}/${r.figure?.denominator ?? ''}` : r.figure?.value ?? '' } },
            ratio ? `${parts(r.figure ?? {})} = ${figureText(r.figure)}` : figureText(r.figure))))));
  } catch (error) {
    holder.replaceChildren(errorBox(error));
  }
}

async function indicators(body: HTMLElement, query: Query, plans: Plan[]): Promise<void> {
  const [rollup, dimensions] = await Promise.all([
    call<RollupResponse>('aggregation', 'Rollup', { ...query, groupBy: 'ROLLUP_GROUPING_TOTAL' }),
    listAll<Dimension>('registry', 'ListDimensions', 'dimensions'),
  ]);
  const list = rollup.indicators ?? [];
  if (rollup.coverage) {
    body.appendChild(h('p', { class: 'muted', testid: 'coverage' },
      `${t('coverage')}: ${formatCount(rollup.coverage.contributed)} / ${formatCount(rollup.coverage.expected)}`));
  }
  body.appendChild(h('p', { class: 'muted', testid: 'data-as-of' },
    rollup.dataAsOf ? `${t('dataAsOf')} ${formatTimestamp(rollup.dataAsOf)}.` : t('noDataYet')));
  const detail = h('div', { class: 'indicator-detail', testid: 'indicator-detail' });
  const explanation = h('div', { class: 'explain', testid: 'explain-panel' });
  const explain: Explain = (indicator, cells, label) => {
    void showExplanation(explanation, query, indicator, cells, label);
    explanation.scrollIntoView({ block: 'nearest' });
  };
  let selected = (list.find((i) => i.total?.present) ?? list[0])?.indicator;
  const table = (): HTMLElement => dataTable<IndicatorRollup>({
    testid: 'indicator-table',
    rows: list,
    pageSize: 30,
    sortKey: 'order',
    rowTestid: (r) => `indicator-${r.indicator.replace('indicators/', '')}`,
    rowClass: (r) => (r.indicator === selected ? 'selected' : 'clickable'),
    columns: [
      { key: 'order', header: '#', numeric: true, sortValue: (r) => list.indexOf(r) + 1 },
      {
        key: 'name',
        header: t('indicator'),
        sortValue: (r) => r.displayName ?? r.indicator,
        render: (r) => h('a', {
          href: '#',
          testid: 'indicator-link',
          onclick: (e) => {
            e.preventDefault();
            selected = r.indicator;
            tableHolder.replaceChildren(table());
            void showIndicator(detail, r, query, plans, dimensions, explain);
          },
        }, r.displayName ?? r.indicator),
      },
      { key: 'unit', header: t('unit'), sortValue: (r) => r.unit ?? '' },
      {
        key: 'total',
        header: t('total'),
        numeric: true,
        sortValue: (r) => r.total?.approximate ?? -1,
        render: (r) => h('span', { testid: 'indicator-total', data: { value: r.total?.present ? r.total.value ?? '' : '' } },
          figureContent(r.total, () => explain(r.indicator, undefined, t('total')))),
      },
      { key: 'contributors', header: t('contributors'), numeric: true, sortValue: (r) => r.total?.contributors ?? 0, render: (r) => formatCount(r.total?.contributors) },
      { key: 'direction', header: '', sortValue: (r) => r.direction ?? '', render: (r) => directionMark(r.direction) },
    ],
  });
  const tableHolder = h('div', {}, table());
  body.appendChild(tableHolder);
  body.appendChild(explanation);
  body.appendChild(detail);
  const first = list.find((i) => i.indicator === selected);
  if (first) await showIndicator(detail, first, query, plans, dimensions, explain);
}

function directionMark(direction: string | undefined): HTMLElement {
  if (direction === 'DIRECTION_UP') return h('span', { class: 'dir', title: t('wantedUp') }, '↑');
  if (direction === 'DIRECTION_DOWN') return h('span', { class: 'dir', title: t('wantedDown') }, '↓');
  return h('span', { class: 'dir muted', title: t('wantedNone') }, '·');
}

async function showIndicator(
  detail: HTMLElement,
  rollup: IndicatorRollup,
  query: Query,
  plans: Plan[],
  dimensions: Dimension[],
  explain: Explain,
): Promise<void> {
  clear(detail);
  detail.dataset.indicator = rollup.indicator;
  detail.appendChild(h('h4', { testid: 'detail-title' }, `${t('breakdownOf')}: ${rollup.displayName ?? rollup.indicator}`));
  try {
    const indicator = await call<Indicator>('registry', 'GetIndicator', { name: rollup.indicator });
    const grid = h('div', { class: 'breakdowns', testid: 'breakdowns' });
    detail.appendChild(grid);
    // A ratio breaks down as its denominator does; the rows then say where
    // the share cannot be computed.
    let dims = indicator.dimensions ?? [];
    if (dims.length === 0 && indicator.aggregation === 'AGGREGATION_RATIO' && indicator.denominator) {
      const denominator = await call<Indicator>('registry', 'GetIndicator', { name: indicator.denominator });
      dims = denominator.dimensions ?? [];
    }
    if (dims.length === 0) grid.appendChild(h('p', { class: 'muted' }, t('noBreakdown')));
    const answers = await Promise.all(dims.map((dimension) =>
      call<RollupResponse>('aggregation', 'Rollup', {
        ...query,
        indicators: [rollup.indicator],
        groupBy: 'ROLLUP_GROUPING_DIMENSION',
        dimension,
      })));
    dims.forEach((dimension, i) => {
      // Rows come in the dimension's own order (sex, age groups youngest
      // first, ethnicities in the official list's order); a share that
      // cannot be computed is a row with "—" and its reason.
      const rows = answers[i].indicators?.[0]?.rows ?? [];
      const present = rows.filter((r) => r.figure?.present);
      const dim = dimensions.find((d) => d.name === dimension);
      const box = h('div', { class: 'breakdown', testid: `breakdown-${dimension.replace('dimensions/', '')}` },
        h('h5', {}, dim ? displayName(dim) : dimension));
      if (rows.length === 0) {
        box.appendChild(h('p', { class: 'muted' }, t('noData')));
      } else {
        if (present.length > 0) {
          box.appendChild(bars(`breakdown-chart-${dimension.replace('dimensions/', '')}`,
            present.map((r) => r.label ?? ''), present.map((r) => r.figure?.approximate ?? 0), present.map((r) => r.figure?.value ?? '')));
        }
        box.appendChild(h('table', { class: 'data compact' }, h('tbody', {}, ...rows.map((r) =>
          h('tr', {}, h('td', {}, r.label ?? ''),
            h('td', { class: 'num', data: { value: r.figure?.present ? r.figure.value ?? '' : '' } },
              figureContent(r.figure, () => explain(rollup.indicator, r.cells, r.label ?? ''))))))));
      }
      grid.appendChild(box);
    });
  } catch (error) {
    detail.appendChild(errorBox(error));
  }
  try {
    const trend = await call<TrendResponse>('aggregation', 'Trend', {
      agency: query.agency,
      indicator: rollup.indicator,
      plans: plans.map((p) => p.name),
      language: query.language,
    });
    detail.appendChild(trendBlock(trend));
  } catch (error) {
    detail.appendChild(errorBox(error));
  }
}

function trendBlock(trend: TrendResponse): HTMLElement {
  const points = trend.points ?? [];
  const wanted = trend.direction === 'DIRECTION_UP' ? t('wantedUp')
    : trend.direction === 'DIRECTION_DOWN' ? t('wantedDown') : t('wantedNone');
  const block = h('div', { class: 'trend', testid: 'trend' },
    h('h4', {}, `${t('trend')} — ${wanted}`),
    h('p', { testid: 'trend-against', class: (trend.againstDirection ?? 0) > 0 ? 'against' : 'muted' },
      `${formatCount(trend.againstDirection ?? 0)} ${t('movesAgainst')}`));
  if (points.length === 0) {
    block.appendChild(h('p', { class: 'muted' }, t('noData')));
    return block;
  }
  block.appendChild(trendLine('trend-chart', points.map((p) => p.period),
    points.map((p) => (p.figure?.present ? p.figure.approximate ?? 0 : null)),
    points.map((p) => !!p.againstDirection), points.map((p) => p.figure?.value ?? '')));
  block.appendChild(h('table', { class: 'data compact', testid: 'trend-table' },
    h('thead', {}, h('tr', {}, h('th', {}, t('period')), h('th', { class: 'num' }, t('total')), h('th', { class: 'num' }, t('change')))),
    h('tbody', {}, ...points.map((p) => h('tr', {
      class: p.againstDirection ? 'against-row' : '',
      data: { period: p.period, against: String(!!p.againstDirection) },
    },
    h('td', {}, p.period),
    h('td', { class: 'num', data: { value: p.figure?.present ? p.figure.value ?? '' : '' } }, figureContent(p.figure)),
    h('td', { class: 'num' }, formatExact(p.change), p.againstDirection ? h('span', { class: 'chip bad', title: t('againstDirection') }, '!') : ''))))));
  return block;
}

async function tasks(body: HTMLElement, query: Query): Promise<void> {
  const response = await call<TaskStatusResponse>('aggregation', 'TaskStatus', query);
  const all = response.tasks ?? [];
  body.appendChild(h('p', { testid: 'overdue-count', class: (response.overdue ?? 0) > 0 ? 'against' : 'muted' },
    `${formatCount(response.overdue ?? 0)} ${t('overdueCount')}`));
  const only = h('input', { type: 'checkbox', testid: 'overdue-only' });
  const holder = h('div');
  const draw = (): void => {
    const rows = only.checked ? all.filter((task) => task.overdue) : all;
    holder.replaceChildren(dataTable<TaskStatusEntry>({
      testid: 'task-table',
      rows,
      pageSize: 15,
      sortKey: 'order',
      rowTestid: (r) => `task-${r.outline ?? ''}`,
      rowClass: (r) => (r.overdue ? 'overdue-row' : ''),
      columns: [
        { key: 'order', header: '#', numeric: true, sortValue: (r) => all.indexOf(r) + 1, render: (r) => r.outline ?? '' },
        {
          key: 'title',
          header: t('task'),
          sortValue: (r) => r.title ?? '',
          render: (r) => h('span', { class: `task-title depth-${Math.min(r.depth ?? 1, 4)}` }, r.title ?? ''),
        },
        { key: 'deadline', header: t('deadline'), sortValue: (r) => r.deadlineText ?? '', render: (r) => h('span', {}, r.deadlineText ?? '', r.dueDate?.year ? ` (${formatDate(r.dueDate)})` : '') },
        {
          key: 'leads',
          header: t('leads'),
          sortValue: (r) => r.leadsCompleted ?? 0,
          render: (r) => h('span', { class: 'assignees' }, ...(r.assignees ?? []).filter((a) => a.lead).map((a) =>
            h('span', {
              class: `chip ${statusTone(a.status)}`,
              title: [enumLabel(a.status), a.scopeNote, a.summary].filter(Boolean).join(' — '),
              data: { status: a.status ?? 'PROGRESS_STATUS_UNSPECIFIED' },
            }, `${a.displayName ?? a.agency}: ${enumLabel(a.status ?? 'PROGRESS_STATUS_UNSPECIFIED')}`))),
        },
        { key: 'overdue', header: t('overdue'), sortValue: (r) => (r.overdue ? 1 : 0), render: (r) => (r.overdue ? h('span', { class: 'chip bad', testid: 'overdue-mark' }, t('overdue')) : '') },
      ],
    }));
  };
  only.addEventListener('change', draw);
  body.appendChild(h('label', { class: 'toolbar' }, only, ' ', t('overdueOnly')));
  body.appendChild(holder);
  draw();
}

function statusTone(status: string | undefined): string {
  switch (status) {
    case 'PROGRESS_STATUS_COMPLETED':
    case 'PROGRESS_STATUS_ONGOING':
      return 'ok';
    case 'PROGRESS_STATUS_IN_PROGRESS':
      return 'info';
    case 'PROGRESS_STATUS_NOT_STARTED':
      return 'warn';
    case 'PROGRESS_STATUS_NOT_APPLICABLE':
      return 'muted';
    default:
      return 'bad';
  }
}

function downloadButtons(plan: string, period: string, agency: string): HTMLElement {
  const status = h('span', { class: 'muted', testid: 'download-status' });
  const button = (format: string, label: string, testid: string, method = 'CompileReport'): HTMLElement =>
    downloadButton(status, label, testid, 'aggregation', method, {
      plan, period, agency, format, language: method === 'CompileReport' ? lang() : undefined,
    });
  return h('div', { class: 'downloads', testid: 'downloads' },
    h('span', {}, t('download'), ': '),
    button('REPORT_FORMAT_DOCX', t('downloadDocx'), 'download-docx'),
    button('REPORT_FORMAT_PDF', t('downloadPdf'), 'download-pdf'),
    button('REPORT_FORMAT_XLSX', t('downloadXlsx'), 'download-xlsx'),
    button('REPORT_FORMAT_MARKDOWN', t('downloadMarkdown'), 'download-markdown'),
    button('EXCHANGE_FORMAT_ADX', 'ADX', 'download-adx', 'ExportFigures'),
    button('EXCHANGE_FORMAT_SDMX_CSV', 'SDMX-CSV', 'download-sdmx', 'ExportFigures'),
    status);
}
