// Importing a plan from the document the province published: upload it, see
// the tree the importer read, supply what it could not derive (agency names
// picked from their closest candidates, the reporting schedule, deadlines),
// and commit. A name picked for an agency is stored as one of its aliases,
// so the next import of the province reads it by itself.

import {
  ApiError,
  type Agency,
  call,
  type ImportDiagnostic,
  type ImportPlanResponse,
  type ImportSupplement,
  listAll,
  post,
  type ReportingRound,
} from '../api';
import { clear, h } from '../dom';
import { lang, t } from '../i18n';
import type { Route } from '../router';
import { statCard } from './common';

// The server reads at most this much; larger files are not sent.
const MAX_FILE_BYTES = 10 * 1024 * 1024;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function formatOf(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.docx')) return 'IMPORT_FORMAT_DOCX';
  if (name.endsWith('.pdf')) return 'IMPORT_FORMAT_PDF';
  return 'IMPORT_FORMAT_UNSPECIFIED';
}

// "annual:15/11,compile:30/11" (the CLI's --schedule) → rounds, or an error.
export function parseSchedule(spec: string): ReportingRound[] | string {
  const rounds: ReportingRound[] = [];
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value = ''] = raw.split(':', 2).map((s) => s.trim().toLowerCase());
    const m = /^(\d{1,2})\/(\d{1,2})(\+1)?$/.exec(value);
    const day = m ? Number(m[1]) : 0;
    const month = m ? Number(m[2]) : 0;
    if (!m || month < 1 || month > 12 || day < 1 || day > new Date(2000, month, 0).getDate()) {
      return `${t('importScheduleItem')} "${raw}"`;
    }
    const date = { month, day, yearOffset: m[3] ? 1 : 0 };
    if (key === 'compile') {
      if (rounds.length === 0) return `${t('importScheduleItem')} "${raw}"`;
      rounds[rounds.length - 1].compileDue = date;
      continue;
    }
    const round: ReportingRound = { due: date };
    if (key === 'annual') round.periodType = 'PERIOD_TYPE_ANNUAL';
    else if (key === 's1' || key === 's2') {
      round.periodType = 'PERIOD_TYPE_SEMIANNUAL';
      round.subPeriod = Number(key[1]);
    } else if (/^q[1-4]$/.test(key)) {
      round.periodType = 'PERIOD_TYPE_QUARTERLY';
      round.subPeriod = Number(key[1]);
    } else return `${t('importScheduleItem')} "${raw}"`;
    rounds.push(round);
  }
  return rounds;
}

function roundText(r: ReportingRound): string {
  const period =
    r.periodType === 'PERIOD_TYPE_SEMIANNUAL' ? t('importSemiannual')
      : r.periodType === 'PERIOD_TYPE_QUARTERLY' ? t('importQuarterly') : t('importAnnual');
  const day = (d?: { day?: number; month?: number }) => `${d?.day ?? '?'}/${d?.month ?? '?'}`;
  let text = `${period}${r.subPeriod ? ` (${r.subPeriod})` : ''}: ${t('importDue')} ${day(r.due)}`;
  if (r.compileDue) text += `, ${t('importCompileDue')} ${day(r.compileDue)}`;
  return text;
}

// The official's message of a refusal: the Vietnamese one in Vietnamese.
function refusal(error: unknown): string {
  if (error instanceof ApiError) {
    const localized = (error.status.details ?? []).find((d) => d.locale === 'vi-VN');
    if (lang() === 'vi' && localized?.message) return localized.message;
    return error.status.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

// Stores `text` as an alias of `agency` through UpdateAgency (its own
// permissions), unless it is one already.
async function addAlias(agency: string, text: string): Promise<void> {
  const stored = await call<Agency>('registry', 'GetAgency', { name: agency });
  if ((stored.aliases ?? []).includes(text)) return;
  await post('registry', 'UpdateAgency', {
    agency: { ...stored, aliases: [...(stored.aliases ?? []), text] },
    updateMask: 'aliases',
    requestId: crypto.randomUUID(),
  });
}

export async function renderImport(view: HTMLElement, route: Route): Promise<void> {
  const provinces = await listAll<Agency>('registry', 'ListAgencies', 'agencies', {
    kind: 'AGENCY_KIND_PROVINCE',
  });
  const ids = provinces.map((p) => p.name.replace(/^agencies\//, ''));
  let issuer = route.params.issuer ?? ids[0] ?? '';
  // The issuing province and its units, by name: the names the page shows
  // and the agencies a name can be mapped to.
  let units = new Map<string, Agency>();
  const loadUnits = async () => {
    const children = await listAll<Agency>('registry', 'ListAgencies', 'agencies', {
      parent: `agencies/${issuer}`,
    });
    units = new Map([...provinces, ...children].map((a) => [a.name, a]));
  };
  const displayName = (name: string) => units.get(name)?.displayName ?? name.replace(/^agencies\//, '');
  let file: File | undefined;
  let content = '';
  let last: ImportPlanResponse | undefined;
  // What the official has supplied so far, kept across dry runs.
  let schedule = '';
  const deadlines = new Map<string, string>();
  const leads = new Map<string, string>();
  const mappings = new Map<string, string>();

  const status = h('div', { class: 'import-status', testid: 'import-status' });
  const result = h('div', { testid: 'import-result' });

  const supplement = (): ImportSupplement | string => {
    const s: ImportSupplement = {};
    if (schedule.trim()) {
      const rounds = parseSchedule(schedule);
      if (typeof rounds === 'string') return rounds;
      s.schedule = rounds;
    }
    s.taskDeadlines = [...deadlines].filter(([, text]) => text.trim()).map(([task, text]) => ({ task, text }));
    s.taskLeads = [...leads].filter(([, agency]) => agency).map(([task, text]) => ({ task, text }));
    s.agencyMappings = [...mappings].filter(([, agency]) => agency).map(([text, agency]) => ({
      text,
      agency: agency.startsWith('agencies/') ? agency : `agencies/${agency}`,
    }));
    return s;
  };

  const request = (validateOnly: boolean) => {
    const s = supplement();
    if (typeof s === 'string') throw new Error(s);
    return {
      content,
      format: file ? formatOf(file) : 'IMPORT_FORMAT_UNSPECIFIED',
      issuer: `agencies/${issuer}`,
      validateOnly,
      requestId: validateOnly ? undefined : crypto.randomUUID(),
      supplement: s,
    };
  };

  const dryRun = async () => {
    if (!content) {
      status.textContent = t('importChooseFile');
      return;
    }
    status.textContent = t('loading');
    try {
      last = await post<ImportPlanResponse>('registry', 'ImportPlan', request(true));
      status.textContent = '';
      showResult();
    } catch (error) {
      last = undefined;
      clear(result);
      status.textContent = '';
      result.appendChild(h('div', { class: 'error', testid: 'import-error' }, refusal(error)));
    }
  };

  const commit = async () => {
    status.textContent = t('loading');
    try {
      const s = supplement();
      if (typeof s !== 'string') {
        for (const m of s.agencyMappings ?? []) await addAlias(m.agency, m.text);
      }
      const committed = await post<ImportPlanResponse>('registry', 'ImportPlan', request(false));
      status.textContent = '';
      clear(result);
      result.appendChild(h('div', { class: 'notice', testid: 'import-committed' },
        `${t('importCommitted')} ${committed.bundle?.plan?.name ?? ''} — ${committed.bundle?.plan?.symbol ?? ''}`));
    } catch (error) {
      status.textContent = '';
      result.appendChild(h('div', { class: 'error', testid: 'import-error' }, refusal(error)));
    }
  };

  // A choice among the units of the issuing province, `candidates` first;
  // `chosen` holds the choice under `key`.
  const unitPicker = (testid: string, chosen: Map<string, string>, key: string, candidates: string[]) => {
    if (!chosen.has(key)) chosen.set(key, '');
    const picker = h('select', {
      testid,
      onchange: () => chosen.set(key, picker.value),
    });
    picker.appendChild(h('option', { value: '' }, t('importPickAgency')));
    // The closest names first; then every unit of the province, since the
    // right one may not be close in spelling at all.
    const option = (name: string) => {
      const o = h('option', { value: name }, displayName(name));
      if (chosen.get(key) === name) o.selected = true;
      return o;
    };
    if (candidates.length > 0) {
      const closest = h('optgroup', {});
      closest.label = t('importClosest');
      candidates.forEach((c) => closest.appendChild(option(c)));
      picker.appendChild(closest);
    }
    const others = [...units.values()]
      .filter((a) => a.parent === `agencies/${issuer}` && !candidates.includes(a.name))
      .sort((a, b) => (a.displayName ?? a.name).localeCompare(b.displayName ?? b.name, 'vi'));
    if (others.length > 0) {
      const all = h('optgroup', {});
      all.label = t('importProvinceUnits');
      others.forEach((a) => all.appendChild(option(a.name)));
      picker.appendChild(all);
    }
    return picker;
  };

  const gapInput = (gap: ImportDiagnostic, index: number): HTMLElement | null => {
    if (gap.code === 'AGENCY_UNRESOLVED') {
      const text = /"([^"]+)"/.exec(gap.message ?? '')?.[1] ?? gap.text ?? '';
      const unresolved = (last?.report?.unresolvedAgencies ?? []).find((u) => u.text === text);
      return unitPicker(`import-map-${index}`, mappings, text, unresolved?.candidates ?? []);
    }
    if (gap.code === 'TASK_LEAD_MISSING') {
      const outline = gap.task?.split('/tasks/')[1] ?? '';
      return unitPicker(`import-lead-${outline}`, leads, outline, []);
    }
    if (gap.code === 'TASK_DEADLINE_UNREADABLE') {
      const outline = gap.task?.split('/tasks/')[1] ?? '';
      const input = h('input', {
        testid: `import-deadline-${outline}`,
        value: deadlines.get(outline) ?? '',
        placeholder: 'Quý II/2026',
        oninput: () => deadlines.set(outline, input.value),
      });
      return input;
    }
    return null;
  };

  // The page's own way to supply a gap, in place of the server's remedy,
  // which names the command line's flags.
  const pageHint = (gap: ImportDiagnostic): string | undefined => {
    const code = gap.code ?? '';
    if (code === 'AGENCY_UNRESOLVED') return t('importHintAgency');
    if (code === 'TASK_DEADLINE_UNREADABLE') return t('importHintDeadline');
    if (code === 'TASK_LEAD_MISSING') return t('importHintLead');
    if (code.startsWith('SCHEDULE')) return t('importHintSchedule');
    return undefined;
  };

  const showResult = () => {
    clear(result);
    if (!last) return;
    const plan = last.bundle?.plan ?? { name: '' };
    const counts = last.report?.counts ?? {};
    const gaps = last.report?.diagnostics ?? [];
    result.appendChild(h('section', { class: 'panel', testid: 'import-plan' },
      h('h3', {}, `${plan.symbol ?? ''} — ${plan.title ?? ''}`),
      h('p', {}, `${plan.name} · ${t('importYears')} ${plan.firstYear ?? '?'}${
        plan.lastYear && plan.lastYear !== plan.firstYear ? `–${plan.lastYear}` : ''}`),
      h('div', { class: 'cards' },
        statCard(t('importNodes'), String(counts.nodes ?? 0), 'import-nodes'),
        statCard(t('importLeaves'), String(counts.leaves ?? 0), 'import-leaves'),
        statCard(t('importWithLead'), String(counts.leavesWithLead ?? 0), 'import-with-lead'),
        statCard(t('importDeadlines'), `${counts.deadlinesParsed ?? 0}/${counts.deadlinesWritten ?? 0}`, 'import-deadlines'),
        statCard(t('importGaps'), String(gaps.length), 'import-gap-count', gaps.length ? 'warn' : '')),
      h('h4', {}, t('importSchedule')),
      h('ul', { testid: 'import-schedule-read' },
        ...(plan.schedule ?? []).map((r) => h('li', {}, roundText(r))),
        (plan.schedule ?? []).length === 0 ? h('li', {}, t('importNoSchedule')) : null)));

    if (gaps.length > 0) {
      const list = h('ol', { class: 'gaps' });
      gaps.forEach((gap, i) => {
        list.appendChild(h('li', { testid: `import-gap-${i}`, data: { code: gap.code ?? '' } },
          h('div', {}, (lang() === 'en' ? gap.messageEn : undefined) ?? gap.message ?? ''),
          h('div', { class: 'remedy' }, pageHint(gap) ?? gap.remedy ?? ''),
          gapInput(gap, i)));
      });
      const needsSchedule = gaps.some((g) => (g.code ?? '').startsWith('SCHEDULE'));
      const scheduleInput = h('input', {
        testid: 'import-schedule',
        value: schedule,
        placeholder: 'annual:15/11,compile:30/11',
        oninput: () => { schedule = scheduleInput.value; },
      });
      result.appendChild(h('section', { class: 'panel', testid: 'import-gaps' },
        h('h3', {}, t('importToSupply')),
        list,
        needsSchedule ? h('label', {}, `${t('importSchedule')}: `, scheduleInput) : null,
        h('p', {}, h('button', { type: 'button', testid: 'import-rerun', onclick: () => void dryRun() }, t('importRerun')))));
    } else {
      result.appendChild(h('p', {},
        h('button', { type: 'button', testid: 'import-commit', onclick: () => void commit() }, t('importCommit'))));
    }

    const rows = (last.bundle?.tasks ?? []).map((task) => {
      const depth = (task.outline ?? '').split('.').length - 1;
      const names = (task.lead ?? []).map((a) =>
        `${a.requested ? `(${t('requestedBody')}) ` : ''}${a.group?.label ?? displayName(a.agency ?? '')}`);
      return h('tr', { testid: 'import-task', data: { outline: task.outline ?? '' } },
        h('td', { class: 'outline' }, `${'\u00a0\u00a0'.repeat(depth)}${task.outline ?? ''}`),
        h('td', {}, task.title ?? ''),
        h('td', {}, names.join('; ')),
        h('td', {}, task.deadline?.sourceText ?? ''));
    });
    result.appendChild(h('section', { class: 'panel', testid: 'import-tree' },
      h('h3', {}, t('importTree')),
      h('table', { class: 'data' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, t('task')), h('th', {}, t('leads')), h('th', {}, t('deadline')))),
        h('tbody', {}, ...rows))));
  };

  await loadUnits();
  const fileInput = h('input', { type: 'file', testid: 'import-file' });
  fileInput.setAttribute('accept', '.docx,.pdf,.txt,.csv,.tsv,.json');
  fileInput.addEventListener('change', async () => {
    file = fileInput.files?.[0];
    content = '';
    last = undefined;
    clear(result);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      status.textContent = t('importTooLarge');
      return;
    }
    content = base64(new Uint8Array(await file.arrayBuffer()));
    await dryRun();
  });
  const issuerPicker = h('select', {
    testid: 'import-issuer',
    onchange: () => {
      issuer = issuerPicker.value;
      void loadUnits().then(dryRun);
    },
  });
  for (const id of ids) {
    const option = h('option', { value: id }, displayName(`agencies/${id}`));
    if (id === issuer) option.selected = true;
    issuerPicker.appendChild(option);
  }

  view.appendChild(h('section', { class: 'panel' },
    h('h2', {}, t('importHeading')),
    h('p', {}, t('importIntro')),
    h('p', { class: 'controls' },
      h('label', {}, `${t('importIssuer')}: `, issuerPicker), ' ',
      h('label', {}, `${t('importFile')}: `, fileInput)),
    status));
  view.appendChild(result);
}
