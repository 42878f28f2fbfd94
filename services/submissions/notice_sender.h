#ifndef TONGHOP_SERVICES_SUBMISSIONS_NOTICE_SENDER_H_
#define TONGHOP_SERVICES_SUBMISSIONS_NOTICE_SENDER_H_

// Delivers queued notices to the mail relay, and the background worker that
// runs the scheduler and the sender.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/submissions/change_notifier.h"
#include "services/submissions/notice_scheduler.h"
#include "services/submissions/notices.h"
#include "services/common/registry_reader.h"

namespace tonghop::submissions {

// Hands a message to a mail relay. OK only when the relay accepted it for
// every recipient. Implementations are thread-safe.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual absl::Status Send(absl::string_view from, const std::vector<std::string>& recipients,
                            absl::string_view message) = 0;
};

// SMTP to `relay` ("host:port") with libcurl, without TLS or
// authentication: the relay is the instance's own (a local Postfix, the
// agency's mail gateway) and trusts it by address. Each Send opens a
// connection. Thread-safe.
class SmtpTransport final : public MailTransport {
 public:
  explicit SmtpTransport(std::string relay, absl::Duration timeout = absl::Seconds(30));
  absl::Status Send(absl::string_view from, const std::vector<std::string>& recipients,
                    absl::string_view message) override;

 private:
  std::string relay_;
  absl::Duration timeout_;
};

// The delay before attempt n+1 after n failed ones: 30 s, doubling, at most
// an hour.
absl::Duration RetryDelay(int failed_attempts);

// Sends each due notice once: resolves its recipients (the agency's address
// and those of its people who hold the role the notice is for: clerks for a
// report's notices, reviewers for a digest), formats the message and hands
// it to `transport`; marks it sent only after the relay accepted it, and
// otherwise tries again later (RetryDelay). A notice nobody has an address
// for is marked NO_RECIPIENT. Without a transport (no --smtp) nothing is
// sent and notices stay pending.
//
// Delivery is at least once: a crash after the relay accepted a message and
// before it was marked sent sends it again on restart, with the same
// Message-ID. Not thread-safe: one thread calls SendDue. Does not own its
// arguments; `transport` may be null.
class NoticeSender {
 public:
  NoticeSender(NoticeQueue* queue, const RegistryReader* registry, MailTransport* transport,
               const Clock* clock, std::string from);

  // Sends what is due now; returns how many the relay accepted.
  absl::StatusOr<int> SendDue();

 private:
  absl::StatusOr<std::vector<std::string>> Recipients(const v1::Notice& notice) const;

  NoticeQueue* queue_;
  const RegistryReader* registry_;
  MailTransport* transport_;
  const Clock* clock_;
  std::string from_;
};

// Runs the scheduler every `scan_interval` and the sender every
// `send_interval` (and at once after a review commits: it listens to the
// change notifier) on a thread of its own. The intervals are real time,
// the pace of the thread; what is due is decided by the injected clock.
// Start and Stop are called once each, from one thread. Does not own the
// scheduler, the sender or the notifier.
class NoticeWorker final : public ChangeListener {
 public:
  NoticeWorker(NoticeScheduler* scheduler, NoticeSender* sender, ChangeNotifier* notifier,
               absl::Duration scan_interval, absl::Duration send_interval);
  ~NoticeWorker() override;

  void Start();
  void Stop();

  void OnNewChanges(int64_t sequence) override;
  void OnClose() override;

 private:
  void Run();

  NoticeScheduler* scheduler_;
  NoticeSender* sender_;
  ChangeNotifier* notifier_;
  absl::Duration scan_interval_;
  absl::Duration send_interval_;
  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_NOTICE_SENDER_H_
