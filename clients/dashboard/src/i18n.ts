// Every text the dashboard shows officials, in Vietnamese (the default) and
// English, kept in this one place. The names of states and choices come
// from services/common/vocabulary.json, which the CLI and the compiled
// reports use too.

import vocabulary from '../../../services/common/vocabulary.json';

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
  // What the acting agency owes
  owedTitle: 'Báo cáo cơ quan phải nộp',
  nothingOwed: 'Không còn báo cáo nào phải nộp: mọi báo cáo đến hạn đã được chấp nhận.',
  daysLeft: 'Còn lại',
  daysLeftN: 'còn {n} ngày',
  dueToday: 'hạn hôm nay',
  overdueN: 'quá hạn {n} ngày',
  notDrafted: 'Chưa lập',
  reviewReason: 'Lý do trả lại',
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
  awaitingReview: vocabulary.REPORTER_STATE_AWAITING_REVIEW.vi,
  returned: vocabulary.REPORTER_STATE_RETURNED.vi,
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
  // Plan import
  importNav: 'Nhập kế hoạch',
  importHeading: 'Nhập kế hoạch từ văn bản đã ban hành',
  importIntro:
    'Chọn tệp kế hoạch (.docx, .pdf có lớp chữ, hoặc văn bản). Hệ thống chạy thử, cho xem cây nhiệm vụ đọc được và liệt kê những điểm văn bản chưa nêu; bổ sung xong mới lưu.',
  importIssuer: 'Cơ quan ban hành',
  importFile: 'Tệp kế hoạch',
  importChooseFile: 'Hãy chọn tệp kế hoạch.',
  importTooLarge: 'Tệp quá lớn: một kế hoạch tối đa 10 MB.',
  importYears: 'Năm',
  importNodes: 'Số nhiệm vụ',
  importLeaves: 'Nhiệm vụ cuối',
  importWithLead: 'Có cơ quan chủ trì',
  importDeadlines: 'Thời hạn đọc được',
  importGaps: 'Cần bổ sung',
  importSchedule: 'Lịch báo cáo',
  importNoSchedule: 'Chưa có',
  importAnnual: 'Hằng năm',
  importSemiannual: '6 tháng',
  importQuarterly: 'Quý',
  importDue: 'nộp trước',
  importCompileDue: 'tổng hợp trước',
  importScheduleItem: 'Mục lịch báo cáo không đúng dạng kỳ:ngày/tháng:',
  importToSupply: 'Cần bổ sung trước khi lưu',
  importPickAgency: '— chọn cơ quan —',
  importClosest: 'Gần nhất',
  importProvinceUnits: 'Các cơ quan của tỉnh',
  importHintAgency: 'Chọn cơ quan mà văn bản gọi bằng tên này; tên được lưu làm tên gọi khác của cơ quan để các lần nhập sau tự nhận ra. Nếu chưa có cơ quan này, hãy thêm vào danh mục trước.',
  importHintLead: 'Chọn cơ quan chủ trì nhiệm vụ này.',
  importHintDeadline: 'Nhập thời hạn như văn bản thường viết, ví dụ "Quý II/2026", "Hằng năm", "Trước ngày 30/6/2026", "2026-2030".',
  importHintSchedule: 'Nhập lịch báo cáo vào ô "Lịch báo cáo" bên dưới: mỗi mục là kỳ:ngày/tháng (annual: năm; s1, s2: 6 tháng; q1–q4: quý), "compile:ngày/tháng" là hạn tổng hợp của kỳ đứng trước.',
  importRerun: 'Chạy thử lại với phần bổ sung',
  importCommit: 'Lưu kế hoạch',
  importCommitted: 'Đã lưu kế hoạch',
  importTree: 'Cây nhiệm vụ đọc được',
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
  owedTitle: 'Reports your agency owes',
  nothingOwed: 'Nothing is owed: every report due has been accepted.',
  daysLeft: 'Days left',
  daysLeftN: '{n} days left',
  dueToday: 'due today',
  overdueN: '{n} days overdue',
  notDrafted: 'Not started',
  reviewReason: 'Reason for return',
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
  awaitingReview: vocabulary.REPORTER_STATE_AWAITING_REVIEW.en,
  returned: vocabulary.REPORTER_STATE_RETURNED.en,
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
  importNav: 'Import a plan',
  importHeading: 'Import a plan from its published document',
  importIntro:
    'Choose the plan file (.docx, .pdf with a text layer, or text). A dry run shows the task tree read and lists what the document leaves out; the plan is stored once that is supplied.',
  importIssuer: 'Issuer',
  importFile: 'Plan file',
  importChooseFile: 'Choose the plan file.',
  importTooLarge: 'The file is too large: a plan is at most 10 MB.',
  importYears: 'Years',
  importNodes: 'Tasks',
  importLeaves: 'Leaf tasks',
  importWithLead: 'With a lead',
  importDeadlines: 'Deadlines read',
  importGaps: 'To supply',
  importSchedule: 'Reporting schedule',
  importNoSchedule: 'None',
  importAnnual: 'Yearly',
  importSemiannual: 'Every 6 months',
  importQuarterly: 'Quarter',
  importDue: 'due',
  importCompileDue: 'compiled by',
  importScheduleItem: 'Schedule item not in the form period:day/month:',
  importToSupply: 'To supply before storing',
  importPickAgency: '— pick the agency —',
  importClosest: 'Closest',
  importProvinceUnits: 'Units of the province',
  importHintAgency: 'Pick the agency the document means by this name; the name is stored as one of its aliases, so the next import reads it by itself. If the agency is not registered yet, add it first.',
  importHintLead: 'Pick the agency that leads this task.',
  importHintDeadline: 'Type the deadline as documents write it, e.g. "Quý II/2026", "Hằng năm", "Trước ngày 30/6/2026", "2026-2030".',
  importHintSchedule: 'Type the schedule in the "Reporting schedule" box below: each item is period:day/month (annual; s1, s2 for halves; q1–q4 for quarters), and "compile:day/month" is the compiling date of the round before it.',
  importRerun: 'Run again with what is supplied',
  importCommit: 'Store the plan',
  importCommitted: 'Plan stored',
  importTree: 'Task tree read',
};

// Names of enum values the API returns.
const agencyKinds: Record<Lang, Record<string, string>> = {
  vi: {
    AGENCY_KIND_MINISTRY: 'Bộ',
    AGENCY_KIND_PROVINCE: 'Tỉnh, thành phố',
    AGENCY_KIND_DEPARTMENT: 'Sở, ngành',
    AGENCY_KIND_DISTRICT: 'Huyện',
    AGENCY_KIND_COMMUNE: 'Xã, phường',
    AGENCY_KIND_INDEPENDENT_BODY: 'Cơ quan độc lập',
    AGENCY_KIND_SECURITY_FORCE: 'Lực lượng vũ trang',
  },
  en: {
    AGENCY_KIND_MINISTRY: 'Ministry',
    AGENCY_KIND_PROVINCE: 'Province',
    AGENCY_KIND_DEPARTMENT: 'Department',
    AGENCY_KIND_DISTRICT: 'District',
    AGENCY_KIND_COMMUNE: 'Commune',
    AGENCY_KIND_INDEPENDENT_BODY: 'Independent body',
    AGENCY_KIND_SECURITY_FORCE: 'Security force',
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

interface Term {
  vi: string;
  en: string;
}

// Enum values' labels: agency kinds, then the shared vocabulary.
const enumText: Record<Lang, Record<string, string>> = { vi: { ...agencyKinds.vi }, en: { ...agencyKinds.en } };
for (const [name, term] of Object.entries(vocabulary as Record<string, unknown>)) {
  if (name.startsWith('_')) continue;
  enumText.vi[name] = (term as Term).vi;
  enumText.en[name] = (term as Term).en;
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
