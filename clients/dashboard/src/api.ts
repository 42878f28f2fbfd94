// The HTTP/JSON gateway of tonghopd: GET /v1/{service}/{Method}?query for
// reads, answers in protobuf's JSON mapping (camelCase; fields at their
// default value are left out, so every field here is optional; 64-bit
// integers come as strings). Errors come as google.rpc.Status.

import type { ProtoDate } from './format';

export interface Agency {
  name: string;
  displayName?: string;
  aliases?: string[];
  etag?: string;
  englishName?: string;
  kind?: string;
  parent?: string;
  focalAgency?: string;
  validFrom?: ProtoDate;
  validTo?: ProtoDate;
  generated?: boolean;
}

export interface Plan {
  name: string;
  symbol?: string;
  title?: string;
  issuer?: string;
  implements?: string;
  firstYear?: number;
  lastYear?: number;
  state?: string;
  schedule?: { periodType?: string }[];
}

export interface Dimension {
  name: string;
  displayName?: string;
  englishName?: string;
  options?: { code: string; displayName?: string; englishName?: string }[];
}

export interface Indicator {
  name: string;
  displayName?: string;
  englishName?: string;
  unit?: string;
  direction?: string;
  dimensions?: string[];
  aggregation?: string;
  numerator?: string;
  denominator?: string;
}

// One report the acting agency owes (Submissions.ListDueReports).
export interface DueReport {
  report?: string;
  plan?: string;
  planSymbol?: string;
  planTitle?: string;
  period?: string;
  dueTime?: string;
  daysLeft?: number;
  state?: string;
  reviewReason?: string;
  revision?: string;
}

export interface Figure {
  present?: boolean;
  value?: string;
  numerator?: string;
  denominator?: string;
  contributors?: number;
  approximate?: number;
  // Why the figure is not available (UNAVAILABLE_REASON_…), and in words.
  unavailableReason?: string;
  note?: string;
  partial?: boolean;
}

export interface RollupRow {
  cells?: Record<string, string>;
  label?: string;
  agency?: string;
  ownReport?: boolean;
  figure?: Figure;
}

export interface IndicatorRollup {
  indicator: string;
  displayName?: string;
  unit?: string;
  aggregation?: string;
  valueType?: string;
  direction?: string;
  total?: Figure;
  rows?: RollupRow[];
}

export interface RollupResponse {
  plan?: string;
  period?: string;
  agency?: string;
  agencyDisplayName?: string;
  indicators?: IndicatorRollup[];
  coverage?: { expected?: number; contributed?: number; otherContributors?: number };
  appliedSequence?: string;
  dataAsOf?: string;
  disclosureControlled?: boolean;
}

export interface Reporter {
  agency: string;
  displayName?: string;
  kind?: string;
  state?: string;
  counted?: boolean;
  onTime?: boolean;
  revision?: number;
  submitTime?: string;
  requested?: boolean;
}

export interface CompletenessResponse {
  plan?: string;
  period?: string;
  agency?: string;
  agencyDisplayName?: string;
  expected?: number;
  received?: number;
  onTime?: number;
  late?: number;
  missing?: number;
  awaitingReview?: number;
  returned?: number;
  reporters?: Reporter[];
  missingReporters?: Reporter[];
  otherReporters?: Reporter[];
  dueDate?: ProtoDate;
  appliedSequence?: string;
}

export interface AssigneeStatus {
  agency?: string;
  displayName?: string;
  lead?: boolean;
  requested?: boolean;
  scopeNote?: string;
  fromOpenGroup?: boolean;
  reportState?: string;
  status?: string;
  summary?: string;
}

export interface TaskStatusEntry {
  task: string;
  outline?: string;
  title?: string;
  depth?: number;
  deadlineText?: string;
  assignees?: AssigneeStatus[];
  dueDate?: ProtoDate;
  overdue?: boolean;
  leads?: number;
  leadsCompleted?: number;
  leadsReported?: number;
}

export interface TaskStatusResponse {
  tasks?: TaskStatusEntry[];
  overdue?: number;
  asOf?: string;
}

export interface TrendPoint {
  period: string;
  plan?: string;
  figure?: Figure;
  change?: string;
  againstDirection?: boolean;
}

export interface TrendResponse {
  agency?: string;
  indicator?: string;
  displayName?: string;
  unit?: string;
  direction?: string;
  points?: TrendPoint[];
  againstDirection?: number;
  dataAsOf?: string;
}

export interface FigureContribution {
  agency: string;
  displayName?: string;
  report?: string;
  revision?: number;
  submitTime?: string;
  value?: string;
  numerator?: string;
  denominator?: string;
  determinesFigure?: boolean;
}

export interface ExplainFigureResponse {
  indicator?: string;
  displayName?: string;
  unit?: string;
  aggregation?: string;
  cellLabel?: string;
  figure?: Figure;
  contributions?: FigureContribution[];
}

export interface RpcStatus {
  code?: number;
  message?: string;
  details?: { '@type'?: string; reason?: string; locale?: string; message?: string }[];
}

// ImportPlan: what the importer read from a document and what it could not
// derive.
export interface RelativeDate {
  month?: number;
  day?: number;
  yearOffset?: number;
}

export interface ReportingRound {
  periodType?: string;
  subPeriod?: number;
  due?: RelativeDate;
  compileDue?: RelativeDate;
}

export interface ImportAssignment {
  agency?: string;
  group?: { label?: string };
  requested?: boolean;
}

export interface ImportTask {
  name: string;
  outline?: string;
  title?: string;
  lead?: ImportAssignment[];
  coordinating?: ImportAssignment[];
  deadline?: { kind?: string; sourceText?: string };
}

export interface ImportDiagnostic {
  code?: string;
  field?: string;
  line?: number;
  text?: string;
  task?: string;
  message?: string;
  remedy?: string;
  messageEn?: string;
}

export interface ImportCounts {
  nodes?: number;
  leaves?: number;
  leavesWithLead?: number;
  requestedLeads?: number;
  deadlinesParsed?: number;
  deadlinesWritten?: number;
  diagnostics?: number;
}

export interface ImportPlanResponse {
  bundle?: {
    plan?: Plan & { schedule?: ReportingRound[] };
    tasks?: ImportTask[];
  };
  report?: {
    format?: string;
    diagnostics?: ImportDiagnostic[];
    counts?: ImportCounts;
    unresolvedAgencies?: { text?: string; task?: string; candidates?: string[] }[];
  };
  committed?: boolean;
}

export interface ImportSupplement {
  schedule?: ReportingRound[];
  taskDeadlines?: { task: string; text: string }[];
  // The text is a name as written or an agency, agencies/{id}.
  taskLeads?: { task: string; text: string }[];
  agencyMappings?: { text: string; agency: string }[];
}

// An error answer of the gateway.
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: RpcStatus,
  ) {
    super(status.message ?? `HTTP ${httpStatus}`);
  }

  // True when the server does not host the service (UNIMPLEMENTED) or the
  // gateway does not know the method: the view shows that the part is not
  // available rather than an error.
  get serviceMissing(): boolean {
    return this.httpStatus === 501 || (this.httpStatus === 404 && this.status.code === 5 &&
      (this.status.details ?? []).some((d) => d.reason === 'METHOD_NOT_FOUND'));
  }
}

type Query = Record<string, string | number | boolean | string[] | undefined>;

let actingAgency = loadAgency();

function loadAgency(): string {
  try {
    return localStorage.getItem('tonghop.agency') ?? 'bo-tu-phap';
  } catch {
    return 'bo-tu-phap';
  }
}

// The agency the dashboard calls as. In development the gateway takes it
// from the x-tonghop-agency header on loopback; in production the client
// certificate decides and this header is refused.
export function agency(): string {
  return actingAgency;
}

export function setAgency(id: string): void {
  actingAgency = id;
  try {
    localStorage.setItem('tonghop.agency', id);
  } catch {
    // Not persisted in private browsing.
  }
}

function url(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(path: string, query: Query): Promise<Response> {
  return checked(fetch(url(path, query), {
    headers: { 'x-tonghop-agency': actingAgency, Accept: 'application/json' },
  }));
}

// The response, or the gateway's error as an ApiError.
async function checked(pending: Promise<Response>): Promise<Response> {
  const response = await pending;
  if (!response.ok) {
    let status: RpcStatus = { message: `HTTP ${response.status}` };
    try {
      status = (await response.json()) as RpcStatus;
    } catch {
      // Not a gateway error body (a proxy's page); keep the HTTP status.
    }
    throw new ApiError(response.status, status);
  }
  return response;
}

// A method that changes data: POST with the request as a JSON body.
export async function post<T>(service: string, method: string, body: unknown): Promise<T> {
  const response = await checked(fetch(`/v1/${service}/${method}`, {
    method: 'POST',
    headers: {
      'x-tonghop-agency': actingAgency,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  }));
  return (await response.json()) as T;
}

export async function call<T>(service: string, method: string, query: Query = {}): Promise<T> {
  const response = await send(`/v1/${service}/${method}`, query);
  return (await response.json()) as T;
}

// The bytes of a response's `content` field with its file name
// (alt=media), e.g. a compiled report.
export async function download(
  service: string,
  method: string,
  query: Query,
): Promise<{ blob: Blob; filename: string }> {
  const response = await send(`/v1/${service}/${method}`, { ...query, alt: 'media' });
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  const plain = /filename="([^"]+)"/.exec(disposition);
  const filename = utf8 ? decodeURIComponent(utf8[1]) : plain ? plain[1] : 'report';
  return { blob: await response.blob(), filename };
}

// Every page of a list method, for lists that are bounded by nature (the
// plans, the provinces); large lists are paged by the views instead.
export async function listAll<T>(
  service: string,
  method: string,
  field: string,
  query: Query = {},
  maxPages = 20,
): Promise<T[]> {
  const items: T[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const response = await call<Record<string, unknown>>(service, method, {
      ...query,
      pageSize: 1000,
      pageToken,
    });
    items.push(...((response[field] as T[] | undefined) ?? []));
    pageToken = response.nextPageToken as string | undefined;
    if (!pageToken) break;
  }
  return items;
}
