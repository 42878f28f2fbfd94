// Every text the dashboard shows officials, in Vietnamese (the default) and
// English, kept in this one place.

export type Lang = 'vi' | 'en';

const vi = {
  appTitle: 'Tổng hợp — Theo dõi thực hiện kế hoạch',
  national: 'Toàn quốc',
  province: 'Tỉnh, thành phố',
  language: 'English',
  actingAs: 'Đơn vị truy cập',
  decision: 'Văn bản triển khai',
  plan: 'Kế hoạch',
  period: 'Kỳ báo cáo',
  loading: 'Đang tải…',
  retry: 'Thử lại',
  noData: 'Chưa có dữ liệu',
  serviceMissing: 'Máy chủ chưa có dịch vụ tổng hợp số liệu; chưa thể hiển thị phần này.',
  errorPrefix: 'Lỗi',
  // National view
  nationalHeading: 'Tình hình báo cáo của các tỉnh, thành phố',
  nationalIntro:
    'Mỗi tỉnh báo cáo theo kế hoạch của mình triển khai văn bản đã chọn. Bấm vào tên tỉnh để xem chi tiết.',
  provinceCol: 'Tỉnh, thành phố',
  planCol: 'Kế hoạch',
  expected: 'Phải báo cáo',
  received: 'Đã nhận',
  onTime: 'Đúng hạn',
  late: 'Trễ hạn',
  missing: 'Chưa báo cáo',
  awaitingReview: 'Chờ xem xét',
  returned: 'Bị trả lại',
  completeness: 'Tỷ lệ hoàn thành',
  noPlan: 'Chưa có kế hoạch',
  provincesWithPlan: 'Số tỉnh có kế hoạch',
  provincesTotal: 'Tổng số tỉnh, thành phố',
  chartCompleteness: 'Tình hình nộp báo cáo theo tỉnh',
  // Province view
  back: '← Toàn quốc',
  dueDate: 'Hạn nộp',
  summary: 'Tổng quan',
  byReporter: 'Tình hình báo cáo của các sở, ngành và xã, phường',
  departments: 'Sở, ngành',
  communes: 'Xã, phường',
  others: 'Cơ quan khác',
  all: 'Tất cả',
  reporter: 'Cơ quan, đơn vị',
  kind: 'Loại',
  state: 'Trạng thái',
  submitted: 'Thời điểm nộp',
  missingNamed: 'Các đơn vị chưa báo cáo',
  noneMissing: 'Tất cả các đơn vị đã báo cáo.',
  requestedBody: 'đề nghị',
  search: 'Tìm đơn vị…',
  indicators: 'Số liệu tổng hợp',
  indicator: 'Chỉ tiêu',
  unit: 'Đơn vị tính',
  total: 'Tổng',
  contributors: 'Số đơn vị có số liệu',
  coverage: 'Đơn vị có số liệu',
  breakdown: 'Phân tổ',
  breakdownOf: 'Phân tổ của chỉ tiêu',
  noBreakdown: 'Chỉ tiêu này không có số liệu phân tổ.',
  trend: 'Xu hướng qua các kỳ',
  change: 'Thay đổi',
  againstDirection: 'Ngược chiều mong muốn',
  wantedUp: 'Mong muốn tăng',
  wantedDown: 'Mong muốn giảm',
  wantedNone: 'Không đặt chiều mong muốn',
  movesAgainst: 'kỳ biến động ngược chiều mong muốn',
  tasks: 'Tiến độ thực hiện nhiệm vụ',
  task: 'Nhiệm vụ',
  deadline: 'Thời hạn',
  leads: 'Cơ quan chủ trì',
  overdue: 'Quá hạn',
  overdueOnly: 'Chỉ nhiệm vụ quá hạn',
  overdueCount: 'nhiệm vụ quá hạn',
  download: 'Tải báo cáo tổng hợp',
  downloadDocx: 'Tải văn bản Word (DOCX)',
  downloadPdf: 'Tải PDF',
  downloadXlsx: 'Tải Excel (XLSX)',
  downloadMarkdown: 'Tải Markdown',
  downloading: 'Đang tạo báo cáo…',
  page: 'Trang',
  of: 'trên',
  previous: '‹ Trước',
  next: 'Sau ›',
  rows: 'dòng',
  generatedUnit: 'đơn vị thử nghiệm',
  dataAsOf: 'Số liệu tính đến',
  explainHint: 'Bấm để xem các báo cáo cộng lại thành số này',
  sources: 'Nguồn số liệu',
  revision: 'Lần nộp',
  value: 'Giá trị',
  parts: 'Tử số / Mẫu số',
  sum: 'Cộng',
  noDataYet: 'Chưa có báo cáo nào được tính.',
} as const;

export type StringKey = keyof typeof vi;

const en: Record<StringKey, string> = {
  appTitle: 'Tổng hợp — Plan implementation monitor',
  national: 'National',
  province: 'Province',
  language: 'Tiếng Việt',
  actingAs: 'Acting as',
  decision: 'Implemented instrument',
  plan: 'Plan',
  period: 'Period',
  loading: 'Loading…',
  retry: 'Retry',
  noData: 'No data yet',
  serviceMissing: 'The server has no aggregation service yet; this part cannot be shown.',
  errorPrefix: 'Error',
  nationalHeading: 'Reporting by province',
  nationalIntro:
    "Each province reports on its own plan implementing the chosen instrument. Click a province's name for details.",
  provinceCol: 'Province',
  planCol: 'Plan',
  expected: 'Expected',
  received: 'Received',
  onTime: 'On time',
  late: 'Late',
  missing: 'Missing',
  awaitingReview: 'Awaiting review',
  returned: 'Returned',
  completeness: 'Completeness',
  noPlan: 'No plan registered',
  provincesWithPlan: 'Provinces with a plan',
  provincesTotal: 'Provinces',
  chartCompleteness: 'Reports by province',
  back: '← National',
  dueDate: 'Due',
  summary: 'Summary',
  byReporter: 'Reports of departments and communes',
  departments: 'Departments',
  communes: 'Communes',
  others: 'Other bodies',
  all: 'All',
  reporter: 'Agency',
  kind: 'Kind',
  state: 'State',
  submitted: 'Submitted',
  missingNamed: 'Agencies that have not reported',
  noneMissing: 'Every agency has reported.',
  requestedBody: 'requested',
  search: 'Find an agency…',
  indicators: 'Figures',
  indicator: 'Indicator',
  unit: 'Unit',
  total: 'Total',
  contributors: 'Agencies with data',
  coverage: 'Agencies with data',
  breakdown: 'Breakdown',
  breakdownOf: 'Breakdown of',
  noBreakdown: 'No disaggregated figures for this indicator.',
  trend: 'Trend across periods',
  change: 'Change',
  againstDirection: 'Against the wanted direction',
  wantedUp: 'Should rise',
  wantedDown: 'Should fall',
  wantedNone: 'No wanted direction',
  movesAgainst: 'moves against the wanted direction',
  tasks: 'Task status',
  task: 'Task',
  deadline: 'Deadline',
  leads: 'Lead agencies',
  overdue: 'Overdue',
  overdueOnly: 'Overdue tasks only',
  overdueCount: 'overdue tasks',
  download: 'Download the compiled report',
  downloadDocx: 'Download Word (DOCX)',
  downloadPdf: 'Download PDF',
  downloadXlsx: 'Download Excel (XLSX)',
  downloadMarkdown: 'Download Markdown',
  downloading: 'Compiling the report…',
  page: 'Page',
  of: 'of',
  previous: '‹ Previous',
  next: 'Next ›',
  rows: 'rows',
  generatedUnit: 'test unit',
  dataAsOf: 'Figures as of',
  explainHint: 'Click to see the reports that add up to this figure',
  sources: 'Where the figure comes from',
  revision: 'Revision',
  value: 'Value',
  parts: 'Numerator / denominator',
  sum: 'Sum',
  noDataYet: 'No report counts yet.',
};

// Names of enum values the API returns.
const enumText: Record<Lang, Record<string, string>> = {
  vi: {
    AGENCY_KIND_MINISTRY: 'Bộ',
    AGENCY_KIND_PROVINCE: 'Tỉnh, thành phố',
    AGENCY_KIND_DEPARTMENT: 'Sở, ngành',
    AGENCY_KIND_DISTRICT: 'Huyện',
    AGENCY_KIND_COMMUNE: 'Xã, phường',
    AGENCY_KIND_INDEPENDENT_BODY: 'Cơ quan độc lập',
    AGENCY_KIND_SECURITY_FORCE: 'Lực lượng vũ trang',
    REPORTER_STATE_NOT_SUBMITTED: 'Chưa nộp',
    REPORTER_STATE_AWAITING_REVIEW: 'Chờ xem xét',
    REPORTER_STATE_ACCEPTED: 'Đã tiếp nhận',
    REPORTER_STATE_RETURNED: 'Bị trả lại',
    PROGRESS_STATUS_UNSPECIFIED: 'Chưa báo cáo',
    PROGRESS_STATUS_NOT_STARTED: 'Chưa triển khai',
    PROGRESS_STATUS_IN_PROGRESS: 'Đang thực hiện',
    PROGRESS_STATUS_COMPLETED: 'Hoàn thành',
    PROGRESS_STATUS_ONGOING: 'Thực hiện thường xuyên',
    PROGRESS_STATUS_NOT_APPLICABLE: 'Không phát sinh',
  },
  en: {
    AGENCY_KIND_MINISTRY: 'Ministry',
    AGENCY_KIND_PROVINCE: 'Province',
    AGENCY_KIND_DEPARTMENT: 'Department',
    AGENCY_KIND_DISTRICT: 'District',
    AGENCY_KIND_COMMUNE: 'Commune',
    AGENCY_KIND_INDEPENDENT_BODY: 'Independent body',
    AGENCY_KIND_SECURITY_FORCE: 'Security force',
    REPORTER_STATE_NOT_SUBMITTED: 'Not submitted',
    REPORTER_STATE_AWAITING_REVIEW: 'Awaiting review',
    REPORTER_STATE_ACCEPTED: 'Accepted',
    REPORTER_STATE_RETURNED: 'Returned',
    PROGRESS_STATUS_UNSPECIFIED: 'Not reported',
    PROGRESS_STATUS_NOT_STARTED: 'Not started',
    PROGRESS_STATUS_IN_PROGRESS: 'In progress',
    PROGRESS_STATUS_COMPLETED: 'Completed',
    PROGRESS_STATUS_ONGOING: 'Ongoing',
    PROGRESS_STATUS_NOT_APPLICABLE: 'Not applicable',
  },
};

let current: Lang = loadLang();

function loadLang(): Lang {
  try {
    return localStorage.getItem('tonghop.lang') === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem('tonghop.lang', next);
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
  document.documentElement.lang = next;
}

export function t(key: StringKey): string {
  return current === 'vi' ? vi[key] : en[key];
}

export function enumLabel(value: string | undefined): string {
  if (!value) return '';
  return enumText[current][value] ?? value;
}

// The name of a registry resource in the current language, falling back to
// the Vietnamese name where no English one is recorded.
export function displayName(resource: { displayName?: string; englishName?: string }): string {
  if (current === 'en' && resource.englishName) return resource.englishName;
  return resource.displayName ?? '';
}
