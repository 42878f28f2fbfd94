#include "services/submissions/notice_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <iostream>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/sleeper.h"
#include "services/common/status_macros.h"

namespace tonghop::submissions {
namespace {

// Notices sent per SendDue call, so that one call never runs for long.
constexpr int kSendBatch = 50;

// libcurl's global state, initialised once for the process.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The message being uploaded, for libcurl's read callback.
struct Upload {
  absl::string_view rest;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->rest.size());
  std::copy_n(upload->rest.data(), n, buffer);
  upload->rest.remove_prefix(n);
  return n;
}

}  // namespace

SmtpTransport::SmtpTransport(std::string relay, absl::Duration timeout)
    : relay_(std::move(relay)), timeout_(timeout) {
  InitCurlOnce();
}

absl::Status SmtpTransport::Send(absl::string_view from,
                                 const std::vector<std::string>& recipients,
                                 absl::string_view message) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return absl::InternalError("smtp: curl_easy_init failed");
  curl_slist* raw_rcpt = nullptr;
  for (const std::string& r : recipients) {
    raw_rcpt = curl_slist_append(raw_rcpt, absl::StrCat("<", r, ">").c_str());
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(raw_rcpt, curl_slist_free_all);
  std::string url = absl::StrCat("smtp://", relay_, "/tonghop");
  std::string mail_from = absl::StrCat("<", from, ">");
  Upload upload{message};
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout_)));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    long response = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response);
    return absl::UnavailableError(absl::StrCat(
        "smtp relay ", relay_, ": ", error[0] != '\0' ? error : curl_easy_strerror(code),
        response != 0 ? absl::StrCat(" (reply ", response, ")") : ""));
  }
  return absl::OkStatus();
}

absl::Duration RetryDelay(int failed_attempts) {
  // The shared doubling-with-a-cap, replayed: a notice's attempts are
  // counted in its record, not in a loop that could hold a Backoff.
  Backoff backoff(absl::Seconds(30), absl::Hours(1));
  absl::Duration delay = backoff.Next();
  for (int i = 1; i < failed_attempts && delay < absl::Hours(1); ++i) delay = backoff.Next();
  return delay;
}

NoticeSender::NoticeSender(NoticeQueue* queue, const RegistryReader* registry,
                           MailTransport* transport, const Clock* clock, std::string from)
    : queue_(queue),
      registry_(registry),
      transport_(transport),
      clock_(clock),
      from_(std::move(from)) {}

absl::StatusOr<std::vector<std::string>> NoticeSender::Recipients(
    const v1::Notice& notice) const {
  std::vector<std::string> to;
  auto add = [&](const std::string& address) {
    if (!address.empty() && std::find(to.begin(), to.end(), address) == to.end()) {
      to.push_back(address);
    }
  };
  ASSIGN_OR_RETURN(std::optional<v1::Agency> agency, registry_->FindAgency(notice.agency()));
  if (agency) add(agency->email());
  v1::Role role =
      notice.kind() == v1::NOTICE_KIND_MISSING_DIGEST ? v1::ROLE_REVIEWER : v1::ROLE_CLERK;
  ASSIGN_OR_RETURN(std::vector<v1::User> people, registry_->ListUsers(notice.agency()));
  for (const v1::User& person : people) {
    if (person.state() == v1::USER_STATE_DISABLED) continue;
    if (std::find(person.roles().begin(), person.roles().end(), role) == person.roles().end()) {
      continue;
    }
    add(person.email());
  }
  return to;
}

absl::StatusOr<int> NoticeSender::SendDue() {
  if (transport_ == nullptr) return 0;
  ASSIGN_OR_RETURN(std::vector<v1::Notice> due, queue_->Due(clock_->Now(), kSendBatch));
  int sent = 0;
  for (v1::Notice& notice : due) {
    absl::StatusOr<std::vector<std::string>> to = Recipients(notice);
    absl::Status result = to.status();
    if (to.ok() && to->empty()) {
      RETURN_IF_ERROR(queue_->MarkNoRecipient(std::move(notice)));
      continue;
    }
    if (to.ok()) {
      result = transport_->Send(from_, *to,
                                FormatMailMessage(notice, from_, *to, clock_->Now()));
    }
    if (result.ok()) {
      RETURN_IF_ERROR(queue_->MarkSent(std::move(notice), *to, clock_->Now()));
      ++sent;
      continue;
    }
    std::cerr << "notices: " << notice.name() << " (" << notice.dedup_key()
              << "): " << result.message() << "\n";
    absl::Time retry_at = clock_->Now() + RetryDelay(notice.attempts() + 1);
    RETURN_IF_ERROR(queue_->MarkFailed(std::move(notice), result.message(), retry_at));
  }
  return sent;
}

NoticeWorker::NoticeWorker(NoticeScheduler* scheduler, NoticeSender* sender,
                           ChangeNotifier* notifier, absl::Duration scan_interval,
                           absl::Duration send_interval)
    : scheduler_(scheduler),
      sender_(sender),
      notifier_(notifier),
      scan_interval_(scan_interval),
      send_interval_(send_interval) {}

NoticeWorker::~NoticeWorker() { Stop(); }

void NoticeWorker::Start() {
  notifier_->Subscribe(this);
  thread_ = std::thread([this] { Run(); });
}

void NoticeWorker::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    notifier_->Unsubscribe(this);
    thread_.join();
  }
}

void NoticeWorker::OnNewChanges(int64_t) {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void NoticeWorker::OnClose() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

void NoticeWorker::Run() {
  absl::Time next_scan = absl::InfinitePast();
  while (true) {
    if (absl::Now() >= next_scan) {
      absl::StatusOr<int> queued = scheduler_->RunOnce();
      if (!queued.ok()) std::cerr << "notices: scheduling: " << queued.status() << "\n";
      next_scan = absl::Now() + scan_interval_;
    }
    absl::StatusOr<int> sent = sender_->SendDue();
    if (!sent.ok()) std::cerr << "notices: sending: " << sent.status() << "\n";
    absl::MutexLock lock(&mu_);
    auto woken = [this] { return wake_ || stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken), send_interval_);
    if (stopping_) return;
    wake_ = false;
  }
}

}  // namespace tonghop::submissions
