// The Ministry's view of the country from the figures the provinces'
// instances pushed to this one (tonghop.v1.Federation): every province,
// whether and when it sent and whether on time against the national plan's
// compile-due date; the cross-province table of indicators with its CSV and
// XLSX export; the national trend of each indicator; and, for one province,
// the figures it sent, each with when it arrived. A province that has not
// sent is shown as not received, never as 0.

import {
  call,
  listAll,
  type Figure,
  type NationalOverview,
  type NationalTrend,
  type Plan,
  type ProvinceStatus,
  type ReceivedFigures,
} from '../api';
import { trendLine } from '../charts';
import { h, select } from '../dom';
import { formatCount, formatDate, formatExact, formatTimestamp } from '../format';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { dataTable } from '../table';
import { choosePeriod, downloadButton, periodsOf, statCard } from './common';

const idOf = (name: string): string => name.slice(name.indexOf('/') + 1);

function receiptLabel(receipt: string | undefined): string {
  switch (receipt) {
    case 'PROVINCE_RECEIPT_ON_TIME': return t('receiptOnTime');
    case 'PROVINCE_RECEIPT_LATE': return t('receiptLate');
    case 'PROVINCE_RECEIPT_RECEIVED': return t('receiptReceived');
    default: return t('receiptNotReceived');
  }
}

const received = (p: ProvinceStatus): boolean =>
  !!p.receipt && p.receipt !== 'PROVINCE_RECEIPT_NOT_RECEIVED' && p.receipt !== 'PROVINCE_RECEIPT_UNSPECIFIED';

// A figure as officials read it; "—" (with the reason as its title) when
// there is none, never 0. The exact value stays in data-value for tests.
function figureCell(figure: Figure | undefined, testid: string): HTMLElement {
  if (!figure?.present) {
    return h('span', { class: 'muted', testid, title: figure?.note ?? '', data: { absent: 'true' } }, '—');
  }
  return h('span', { testid, data: { value: figure.value ?? '' } }, formatExact(figure.value));
}

export async function renderMinistry(root: HTMLElement, route: Route): Promise<void> {
  const plans = await listAll<Plan>('registry', 'ListPlans', 'plans');
  // The national plans: those no other plan of this instance implements
  // upward (on the Ministry's instance, every plan is one).
  const plan = plans.find((p) => p.name === route.params.plan) ?? plans[0];
  root.appendChild(h('section', { class: 'panel' },
    h('h2', {}, t('ministryHeading')),
    h('p', { class: 'intro' }, t('ministryIntro'))));
  if (!plan) {
    root.appendChild(h('p', { class: 'muted', testid: 'ministry-no-plan' }, t('noData')));
    return;
  }
  const periods = periodsOf([plan]);
  const period = choosePeriod(periods, route.params.period, new Date());
  const go = (params: Record<string, string>): void =>
    navigate({ view: 'ministry', params: { plan: plan.name, period, ...params } });
  root.appendChild(h('div', { class: 'controls' },
    h('label', {}, t('plan'), ' ',
      select(plans.map((p) => ({ value: p.name, label: `${p.symbol ?? idOf(p.name)} — ${p.title ?? ''}` })), plan.name,
        (value) => navigate({ view: 'ministry', params: { plan: value } }), 'ministry-plan-select')),
    h('label', {}, t('period'), ' ',
      select(periods.map((p) => ({ value: p, label: p })), period,
        (value) => go({ period: value }), 'ministry-period-select'))));

  const name = `${plan.name}/periods/${period}`;
  const overview = await call<NationalOverview>('federation', 'GetNationalOverview', { name, language: lang() });
  const provinces = overview.provinces ?? [];
  const indicators = overview.indicators ?? [];
  const expected = overview.provincesExpected ?? 0;
  const sent = overview.provincesReceived ?? 0;
  root.appendChild(h('section', { class: 'cards', testid: 'ministry-summary' },
    statCard(t('provincesSent'), `${formatCount(sent)} / ${formatCount(expected)}`, 'provinces-sent'),
    statCard(t('receiptOnTime'), formatCount(overview.provincesOnTime ?? 0), 'provinces-on-time', 'ok'),
    statCard(t('receiptLate'), formatCount(overview.provincesLate ?? 0), 'provinces-late', 'warn'),
    statCard(t('receiptNotReceived'), formatCount(Math.max(0, expected - sent)), 'provinces-not-received', 'bad'),
    statCard(t('compileDue'), overview.compileDue ? formatDate(overview.compileDue) : '—', 'compile-due')));

  // Every province: sent or not, when, on time, its completeness.
  const drill = (p: ProvinceStatus): HTMLElement =>
    h('a', {
      href: `#/ministry?${new URLSearchParams({ plan: plan.name, period, province: idOf(p.agency) })}`,
      testid: 'province-link',
    }, p.displayName ?? idOf(p.agency));
  root.appendChild(h('section', { class: 'panel' },
    h('h3', {}, t('ministryProvinces')),
    dataTable<ProvinceStatus>({
      testid: 'ministry-provinces',
      rows: provinces,
      pageSize: 40,
      rowTestid: (p) => `ministry-row-${idOf(p.agency)}`,
      rowClass: (p) => (received(p) ? '' : 'muted'),
      columns: [
        { key: 'province', header: t('provinceCol'), sortValue: (p) => p.displayName ?? '', render: drill },
        {
          key: 'receipt',
          header: t('receiptCol'),
          sortValue: (p) => p.receipt ?? '',
          render: (p) => h('span', {
            testid: 'receipt',
            class: p.receipt === 'PROVINCE_RECEIPT_LATE' ? 'warn-text' : received(p) ? '' : 'error-text',
            data: { receipt: p.receipt ?? '' },
          }, receiptLabel(p.receipt)),
        },
        { key: 'first', header: t('firstArrived'), sortValue: (p) => p.firstArriveTime ?? '', render: (p) => h('span', { testid: 'first-arrived' }, formatTimestamp(p.firstArriveTime)) },
        { key: 'last', header: t('lastArrived'), sortValue: (p) => p.arriveTime ?? '', render: (p) => h('span', { testid: 'arrived' }, formatTimestamp(p.arriveTime)) },
        {
          key: 'figures',
          header: t('figuresHeld'),
          numeric: true,
          sortValue: (p) => p.valueCount ?? -1,
          render: (p) => (received(p) ? h('span', { testid: 'value-count', data: { value: String(p.valueCount ?? 0) } }, formatCount(p.valueCount ?? 0)) : ''),
        },
        {
          key: 'completeness',
          header: t('provinceCompleteness'),
          numeric: true,
          sortValue: (p) => p.completeness?.accepted ?? -1,
          render: (p) => (p.completeness
            ? h('span', {
              testid: 'province-completeness',
              data: { accepted: String(p.completeness.accepted ?? 0), expected: String(p.completeness.expected ?? 0) },
              title: `${t('onTime')}: ${formatCount(p.completeness.onTime ?? 0)} · ${t('late')}: ${formatCount(p.completeness.late ?? 0)} · ${t('missing')}: ${formatCount(p.completeness.missing ?? 0)}`,
            }, `${formatCount(p.completeness.accepted ?? 0)} / ${formatCount(p.completeness.expected ?? 0)}`)
            : ''),
        },
      ],
    })));

  // The cross-province table: provinces × indicators, the national total
  // last, with its export.
  const status = h('span', { class: 'muted', testid: 'export-status' });
  const exportButton = (format: string, label: string, testid: string): HTMLElement =>
    downloadButton(status, label, testid, 'federation', 'ExportNationalTable',
      { name, format, language: lang() });
  const head = h('tr', {}, h('th', {}, t('provinceCol')),
    ...indicators.map((i) => h('th', { class: 'num', title: i.indicator }, i.displayName ?? idOf(i.indicator),
      i.unit ? h('span', { class: 'muted' }, ` (${i.unit})`) : '')));
  const body = h('tbody', {},
    ...provinces.map((p, row) => h('tr', { testid: `matrix-row-${idOf(p.agency)}`, class: received(p) ? '' : 'muted' },
      h('td', {}, p.displayName ?? idOf(p.agency)),
      ...indicators.map((i) => h('td', { class: 'num' },
        figureCell(i.provinces?.[row]?.figure, `cell-${idOf(i.indicator)}`))))),
    h('tr', { testid: 'matrix-row-total', class: 'total' },
      h('th', {}, t('nationalTotal')),
      ...indicators.map((i) => h('td', { class: 'num' }, figureCell(i.total, `cell-${idOf(i.indicator)}`)))));
  root.appendChild(h('section', { class: 'panel' },
    h('h3', {}, t('ministryMatrix')),
    h('div', { class: 'downloads', testid: 'ministry-exports' },
      h('span', {}, t('exportTable'), ': '),
      exportButton('TABLE_FORMAT_CSV', 'CSV', 'export-csv'),
      exportButton('TABLE_FORMAT_XLSX', t('downloadXlsx'), 'export-xlsx'),
      status),
    h('div', { class: 'table-wrap', testid: 'ministry-matrix' }, h('table', { class: 'matrix' }, h('thead', {}, head), body))));

  // By dimension: each indicator's national cells that break it down.
  const broken = indicators.filter((i) => (i.cells ?? []).length > 1);
  if (broken.length > 0) {
    root.appendChild(h('section', { class: 'panel', testid: 'ministry-dimensions' },
      h('h3', {}, t('ministryByDimension')),
      ...broken.map((i) => h('details', { testid: `dimensions-${idOf(i.indicator)}` },
        h('summary', {}, i.displayName ?? idOf(i.indicator)),
        h('table', {}, h('tbody', {},
          ...(i.cells ?? []).map((c) => h('tr', {},
            h('td', {}, c.label ?? ''),
            h('td', { class: 'num' }, figureCell(c.figure, 'dimension-cell'))))))))));
  }

  // The national trend of each indicator over the periods received.
  const trend = await call<NationalTrend>('federation', 'GetNationalTrend', { plan: plan.name, language: lang() });
  const trendPeriods = trend.periods ?? [];
  const trendSection = h('section', { class: 'panel', testid: 'ministry-trend' }, h('h3', {}, t('ministryTrend')));
  if (trendPeriods.length === 0) {
    trendSection.appendChild(h('p', { class: 'muted' }, t('noData')));
  } else {
    trendSection.appendChild(h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, t('indicatorCol')), ...trendPeriods.map((p) => h('th', { class: 'num' }, p)))),
      h('tbody', {}, ...(trend.indicators ?? []).map((i) => h('tr', { testid: `trend-row-${idOf(i.indicator)}` },
        h('td', {}, i.displayName ?? idOf(i.indicator)),
        ...(i.points ?? []).map((point) => h('td', { class: point.againstDirection ? 'num against' : 'num' },
          figureCell(point.figure, `trend-${point.period}`)))))))));
    const charted = (trend.indicators ?? []).find((i) => (i.points ?? []).some((p) => p.figure?.present));
    if (charted) {
      const points = charted.points ?? [];
      trendSection.appendChild(h('h4', {}, charted.displayName ?? idOf(charted.indicator)));
      trendSection.appendChild(trendLine('ministry-trend-chart', points.map((p) => p.period),
        points.map((p) => (p.figure?.present ? p.figure.approximate ?? Number(p.figure.value) : null)),
        points.map((p) => !!p.againstDirection),
        points.map((p) => p.figure?.value ?? '')));
    }
  }
  root.appendChild(trendSection);

  // Drill-down: the figures one province sent, each with when it arrived.
  const chosen = provinces.find((p) => idOf(p.agency) === route.params.province);
  if (chosen) {
    const section = h('section', { class: 'panel', testid: 'ministry-drill' },
      h('h3', {}, `${t('ministryDrill')}: ${chosen.displayName ?? idOf(chosen.agency)}`));
    if (!received(chosen)) {
      section.appendChild(h('p', { class: 'muted', testid: 'drill-not-received' }, t('receiptNotReceived')));
    } else {
      const figures = await call<ReceivedFigures>('federation', 'GetReceivedFigures', {
        name: `${name}/receivedFigures/${idOf(chosen.agency)}`,
      });
      const names = new Map(indicators.map((i) => [i.indicator, i.displayName ?? idOf(i.indicator)]));
      const rows = (figures.values ?? []).map((v, index) => ({
        value: v,
        arrived: figures.valueArriveTimes?.[index] ?? figures.arriveTime,
      }));
      section.appendChild(dataTable({
        testid: 'drill-table',
        rows,
        pageSize: 50,
        rowTestid: () => 'drill-row',
        columns: [
          { key: 'indicator', header: t('indicatorCol'), sortValue: (r) => names.get(r.value.indicator) ?? r.value.indicator, render: (r) => h('span', { testid: 'drill-indicator', data: { indicator: r.value.indicator } }, names.get(r.value.indicator) ?? idOf(r.value.indicator)) },
          { key: 'cells', header: t('breakdownCol'), sortValue: (r) => JSON.stringify(r.value.cells ?? {}), render: (r) => h('span', { testid: 'drill-cells', data: { cells: JSON.stringify(r.value.cells ?? {}) } }, Object.entries(r.value.cells ?? {}).map(([d, o]) => `${d}: ${o}`).join(', ')) },
          {
            key: 'value',
            header: t('valueCol'),
            numeric: true,
            sortValue: (r) => Number(r.value.intValue ?? r.value.decimalValue ?? 0),
            render: (r) => {
              const exact = r.value.intValue ?? r.value.decimalValue ?? '';
              return h('span', { testid: 'drill-value', data: { value: exact } }, formatExact(exact));
            },
          },
          { key: 'arrived', header: t('arrivedAt'), sortValue: (r) => r.arrived ?? '', render: (r) => h('span', { testid: 'drill-arrived', data: { time: r.arrived ?? '' } }, formatTimestamp(r.arrived)) },
        ],
      }));
    }
    root.appendChild(section);
  }
}
