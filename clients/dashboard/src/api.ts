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
  // The plan on the upstream instance this one feeds (federation).
  upstreamPlan?: string;
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
  // Two-way grids asked for: dimensions/{rows} × dimensions/{columns}.
  crossings?: { rows?: string; columns?: string }[];
  valueType?: string;
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

// A report (Submissions): task progress and figures.
export interface TaskProgress {
  task: string;
  status?: string;
  summary?: string;
  outputs?: string[];
  lead?: boolean;
  title?: string;
}

export interface Value {
  indicator: string;
  cells?: Record<string, string>;
  intValue?: string;
  decimalValue?: string;
}

export interface ReportWarning {
  field?: string;
  reason?: string;
  description?: string;
  localizedMessage?: { locale?: string; message?: string };
}

export interface Report {
  name: string;
  agency?: string;
  plan?: string;
  period?: string;
  state?: string;
  revision?: number;
  progress?: TaskProgress[];
  values?: Value[];
  submitTime?: string;
  onTime?: boolean;
  submittedBy?: string;
  reviewReason?: string;
  reviewedBy?: string;
  reviewTime?: string;
  dueTime?: string;
  firstSubmitTime?: string;
  etag?: string;
  warnings?: ReportWarning[];
}

// Who the dashboard calls as (Auth.WhoAmI).
export interface WhoAmI {
  agency?: string;
  user?: string;
  displayName?: string;
  roles?: string[];
  credential?: string;
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
  // 'COMPLETENESS_VIEW_BASIC' (counts only) or 'COMPLETENESS_VIEW_FULL'.
  view?: string;
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

// The Ministry's view of the figures the provinces pushed
// (tonghop.v1.Federation).
export interface SenderCompleteness {
  expected?: number;
  received?: number;
  accepted?: number;
  onTime?: number;
  late?: number;
  missing?: number;
  awaitingReview?: number;
  returned?: number;
  dueDate?: { year?: number; month?: number; day?: number };
}

export interface ProvinceStatus {
  agency: string;
  displayName?: string;
  // PROVINCE_RECEIPT_NOT_RECEIVED | _ON_TIME | _LATE | _RECEIVED
  receipt?: string;
  firstArriveTime?: string;
  arriveTime?: string;
  generation?: string;
  valueCount?: number;
  completeness?: SenderCompleteness;
  expected?: boolean;
}

export interface NationalIndicator {
  indicator: string;
  displayName?: string;
  unit?: string;
  aggregation?: string;
  total?: Figure;
  provinces?: { agency: string; figure?: Figure }[];
  cells?: { cells?: Record<string, string>; label?: string; figure?: Figure }[];
}

export interface NationalOverview {
  name: string;
  plan: string;
  period: string;
  planSymbol?: string;
  planTitle?: string;
  compileDue?: { year?: number; month?: number; day?: number };
  provincesExpected?: number;
  provincesReceived?: number;
  provincesOnTime?: number;
  provincesLate?: number;
  provinces?: ProvinceStatus[];
  indicators?: NationalIndicator[];
}

export interface NationalTrend {
  plan: string;
  periods?: string[];
  indicators?: {
    indicator: string;
    displayName?: string;
    unit?: string;
    direction?: string;
    points?: { period: string; figure?: Figure; provinces?: number; change?: string; againstDirection?: boolean }[];
  }[];
}

// A push the upstream refused, held and retried by itself.
export interface HeldPush {
  plan: string;
  period: string;
  upstreamPlan?: string;
  code?: string;
  message?: string;
  firstRefuseTime?: string;
  lastAttemptTime?: string;
  attempts?: number;
  nextAttemptTime?: string;
}

// Federation.GetUpstreamStatus: the sending side.
export interface UpstreamStatus {
  upstream?: string;
  agency?: string;
  pushedPosition?: string;
  appliedPosition?: string;
  held?: HeldPush[];
}

export interface ReceivedFigures {
  name: string;
  agency: string;
  agencyDisplayName?: string;
  generation?: string;
  firstArriveTime?: string;
  arriveTime?: string;
  values?: Value[];
  valueArriveTimes?: string[];
  completeness?: SenderCompleteness;
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

// An e-mail notice tonghop sent, or is to send, to an agency.
export interface Notice {
  name?: string;
  kind?: string;
  report?: string;
  agency?: string;
  recipients?: string[];
  subject?: string;
  body?: string;
  state?: string;
  createTime?: string;
  sendTime?: string;
}

export interface FieldViolation {
  field: string;
  description?: string;
  // The description for officials (vi-VN), when the server gives one.
  localizedMessage?: { locale?: string; message?: string };
}

// A violation in the reader's language: the server's Vietnamese when it
// gives one (and the page is in Vietnamese), else its description.
export function violationText(violation: FieldViolation, language: string): string {
  if (language === 'vi' && violation.localizedMessage?.message) return violation.localizedMessage.message;
  return violation.description ?? '';
}

export interface RpcStatus {
  code?: number;
  message?: string;
  details?: {
    '@type'?: string;
    reason?: string;
    locale?: string;
    message?: string;
    fieldViolations?: FieldViolation[];
  }[];
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

  // The BadRequest field violations ("report.values[3].value": why).
  get fieldViolations(): FieldViolation[] {
    return (this.status.details ?? []).flatMap((d) => d.fieldViolations ?? []);
  }

  // The message for officials (the LocalizedMessage in Vietnamese), else
  // the status message.
  get officialMessage(): string {
    const localized = (this.status.details ?? []).find((d) => d.locale?.startsWith('vi'));
    return localized?.message ?? this.message;
  }

  // The ErrorInfo reasons ("ETAG_MISMATCH", "REPORT_ACCEPTED").
  get reasons(): string[] {
    return (this.status.details ?? []).flatMap((d) => (d.reason ? [d.reason] : []));
  }

  // True when the server does not host the service (UNIMPLEMENTED) or the
  // gateway does not know the method: the view shows that the part is not
  // available rather than an error.
  get serviceMissing(): boolean {
    return this.httpStatus === 501 || (this.httpStatus === 404 && this.status.code === 5 &&
      (this.status.details ?? []).some((d) => d.reason === 'METHOD_NOT_FOUND'));
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined>;

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

// A person signed in with a password (sign-in page) carries the session
// cookie, which the browser sends by itself; calls that change data add the
// session's CSRF token. Without a session the browser's client certificate
// decides, and in development the x-tonghop-agency header names the agency.
let csrfToken = loadCsrf();

function loadCsrf(): string {
  try {
    return localStorage.getItem('tonghop.csrf') ?? '';
  } catch {
    return '';
  }
}

export function hasSession(): boolean {
  return csrfToken !== '';
}

export function setCsrfToken(token: string): void {
  csrfToken = token;
  try {
    if (token) localStorage.setItem('tonghop.csrf', token);
    else localStorage.removeItem('tonghop.csrf');
  } catch {
    // Private browsing: the session lasts for this page only.
  }
}

// False once the server refused the development header (it is off, or the
// page is not on loopback): calls then go without it.
let agencyHeader = true;

export function useAgencyHeader(use: boolean): void {
  agencyHeader = use;
}

function headers(changesState: boolean): Record<string, string> {
  const result: Record<string, string> = { Accept: 'application/json' };
  if (csrfToken) {
    if (changesState) result['X-CSRF-Token'] = csrfToken;
  } else if (agencyHeader) {
    result['x-tonghop-agency'] = actingAgency;
  }
  return result;
}

async function send(path: string, query: Query): Promise<Response> {
  return checked(fetch(url(path, query), { headers: headers(false) }));
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
  return postPath<T>(`/v1/${service}/${method}`, body);
}

// POST to a gateway path (`/v1/auth/login`) with a JSON body.
export async function postPath<T>(path: string, body: unknown): Promise<T> {
  const response = await checked(fetch(path, {
    method: 'POST',
    headers: { ...headers(true), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }));
  return (await response.json()) as T;
}

export async function call<T>(service: string, method: string, query: Query = {}): Promise<T> {
  const response = await send(`/v1/${service}/${method}`, query);
  return (await response.json()) as T;
}

// A file the gateway answered, named by its Content-Disposition.
async function attachment(response: Response): Promise<{ blob: Blob; filename: string }> {
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  const plain = /filename="([^"]+)"/.exec(disposition);
  const filename = utf8 ? decodeURIComponent(utf8[1]) : plain ? plain[1] : 'report';
  return { blob: await response.blob(), filename };
}

// The bytes of a response's `content` field with its file name
// (alt=media), e.g. a compiled report.
export async function download(
  service: string,
  method: string,
  query: Query,
): Promise<{ blob: Blob; filename: string }> {
  return attachment(await send(`/v1/${service}/${method}`, { ...query, alt: 'media' }));
}

// The report form as an Excel workbook (the gateway's /v1/forms/xlsx): the
// signed-in agency's report of `plan` and `period`, as the CLI's
// `report template --out=FILE.xlsx` writes it.
export async function downloadReportXlsx(plan: string, period: string): Promise<{ blob: Blob; filename: string }> {
  return attachment(await checked(fetch('/v1/forms/xlsx', {
    method: 'POST',
    headers: { ...headers(true), 'Content-Type': 'application/json' },
    body: JSON.stringify({ plan, period }),
  })));
}

// What a filled workbook holds (/v1/forms/xlsx:read), read on the server
// as `tonghop report submit FILE.xlsx` reads it; nothing is stored. The
// cell of each value and each task's progress, by index ("Số liệu!E12").
export interface ReportXlsxRead {
  report: Report;
  valueCells: string[];
  progressCells: string[];
}

export async function readReportXlsx(file: Blob, filename: string, reportName: string): Promise<ReportXlsxRead> {
  const response = await checked(fetch(url('/v1/forms/xlsx:read', { name: reportName, filename }), {
    method: 'POST',
    headers: { ...headers(true), 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    body: file,
  }));
  return (await response.json()) as ReportXlsxRead;
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
