#include "services/common/audit_log.h"

#include <iostream>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/time_util.h"
#include "openssl/evp.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/common/timestamps.h"
#include "storage/key_encoding.h"

namespace tonghop {
namespace {

using google::protobuf::FieldDescriptor;

constexpr size_t kHashBytes = kAuditHashBytes;
constexpr size_t kMaxMessageChars = 200;
// The most a record keeps of each field that comes from the caller (names,
// request ids, identities, the peer): a refused request, anonymous ones
// included, must cost a small record, however large what it sent.
constexpr size_t kMaxFieldBytes = 256;

// `text` as a record keeps it: valid UTF-8, at most kMaxFieldBytes.
std::string Bounded(absl::string_view text) {
  return TruncateUtf8(SanitizeUtf8(text.substr(0, 4 * kMaxFieldBytes)), kMaxFieldBytes);
}

std::string Hex(absl::string_view raw) { return absl::BytesToHexString(raw); }

// A singular string field's value, or empty.
std::string StringField(const google::protobuf::Message& message, absl::string_view name) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->is_repeated() || field->type() != FieldDescriptor::TYPE_STRING) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

// "agency" → "agencies", "plan" → "plans" (AIP-122 collection ids).
std::string Plural(absl::string_view singular) {
  if (absl::EndsWith(singular, "y") && singular.size() > 1 &&
      std::string("aeiou").find(singular[singular.size() - 2]) == std::string::npos) {
    return absl::StrCat(singular.substr(0, singular.size() - 1), "ies");
  }
  return absl::StrCat(singular, "s");
}

struct StoredRecord {
  v1::AuditRecord record;
  std::string hash;  // raw, as stored beside the bytes
  bool intact = false;
  bool parsed = false;
};

// Reads one stored record's value.
StoredRecord ReadStored(absl::string_view value) {
  StoredRecord stored;
  if (value.size() < kHashBytes) return stored;
  stored.hash = std::string(value.substr(0, kHashBytes));
  absl::string_view bytes = value.substr(kHashBytes);
  stored.intact = Sha256(bytes) == stored.hash;
  stored.parsed = stored.record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (!stored.parsed) stored.record.Clear();
  return stored;
}

}  // namespace

bool IsAuditedRefusal(const absl::Status& status) {
  return status.code() == absl::StatusCode::kPermissionDenied ||
         status.code() == absl::StatusCode::kUnauthenticated;
}

std::string AuditedResource(const google::protobuf::Message& message) {
  std::string name = StringField(message, "name");
  if (!name.empty()) return name;
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated() || field->type() != FieldDescriptor::TYPE_MESSAGE ||
        !reflection->HasField(message, field)) {
      continue;
    }
    name = StringField(reflection->GetMessage(message, field), "name");
    if (!name.empty()) return name;
  }
  std::string parent = StringField(message, "parent");
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    absl::string_view field_name = field->name();
    if (field_name == "request_id" || !absl::EndsWith(field_name, "_id")) continue;
    std::string id = StringField(message, field_name);
    if (id.empty()) continue;
    std::string collection = Plural(field_name.substr(0, field_name.size() - 3));
    return parent.empty() ? absl::StrCat(collection, "/", id)
                          : absl::StrCat(parent, "/", collection, "/", id);
  }
  return parent;
}

AuditEvent MakeAuditEvent(const Caller& caller, absl::string_view method,
                          const google::protobuf::Message& request,
                          const google::protobuf::Message* response, absl::Status result) {
  AuditEvent event;
  event.caller = caller;
  event.method = std::string(method);
  if (response != nullptr) event.resource = AuditedResource(*response);
  if (event.resource.empty()) event.resource = AuditedResource(request);
  if (event.resource.empty() && !result.ok()) {
    google::rpc::ErrorInfo info = GetErrorInfo(result);
    auto it = info.metadata().find("resource");
    if (it != info.metadata().end()) event.resource = it->second;
  }
  event.request_id = StringField(request, "request_id");
  event.result = std::move(result);
  return event;
}

void AuditUnidentifiedRefusal(AuditLog& log, const grpc::ServerContextBase& context,
                              absl::string_view method, const google::protobuf::Message& request,
                              const absl::Status& status) {
  if (!IsAuditedRefusal(status)) return;
  AuditEvent event = MakeAuditEvent(Caller(), method, request, nullptr, status);
  event.peer = context.peer();
  log.RecordRefusal(event);
}


AuditLog::AuditLog(storage::KvStore* store, std::string store_name, const Clock* clock)
    : store_(store),
      store_name_(std::move(store_name)),
      clock_(clock != nullptr ? clock : RealClock::Get()) {}

absl::Status AuditLog::LoadHeadLocked() {
  if (head_loaded_) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<std::string> value, store_->Get(kAuditColumnFamily, AuditHeadKey()));
  std::optional<AuditHead> head;
  if (value) head = DecodeAuditHead(*value);
  // The head is trusted only when nothing follows the record it names: a
  // record is never overwritten, whatever happened to the head.
  if (head) {
    ASSIGN_OR_RETURN(std::optional<std::string> next,
                     store_->Get(kAuditColumnFamily, AuditRecordKey(head->sequence + 1)));
    if (!next) {
      head_sequence_ = head->sequence;
      head_hash_ = head->hash;
      head_loaded_ = true;
      return absl::OkStatus();
    }
  }
  // No usable head: continue after the last record there is. Verify()
  // reports the head as not matching the chain.
  AuditHead last;
  RETURN_IF_ERROR(store_->Scan(kAuditColumnFamily, AuditRecordPrefix(),
                               storage::PrefixEnd(AuditRecordPrefix()),
                               [&](absl::string_view key, absl::string_view stored) {
                                 std::optional<int64_t> sequence = AuditSequenceOf(key);
                                 if (sequence && *sequence > last.sequence) {
                                   last.sequence = *sequence;
                                   last.hash = std::string(stored.substr(0, kHashBytes));
                                 }
                                 return true;
                               }));
  if (value || last.sequence > 0) {
    std::cerr << "tonghopd: audit trail of " << store_name_ << ": the head "
              << (value ? "does not match the chain" : "is missing")
              << "; continuing after record " << last.sequence
              << " (tonghop admin audit verify shows where)\n";
  }
  head_sequence_ = last.sequence;
  head_hash_ = last.hash;
  head_loaded_ = true;
  return absl::OkStatus();
}

absl::Status AuditLog::Write(storage::WriteBatch& batch, const AuditEvent& event) {
  return Commit(batch, event, /*synced=*/true).status();
}

absl::StatusOr<storage::WriteTicket> AuditLog::WriteUnsynced(storage::WriteBatch& batch,
                                                             const AuditEvent& event) {
  return Commit(batch, event, /*synced=*/false);
}

absl::StatusOr<storage::WriteTicket> AuditLog::Commit(storage::WriteBatch& batch,
                                                      const AuditEvent& event, bool synced) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(LoadHeadLocked());
  v1::AuditRecord record;
  record.set_store(store_name_);
  record.set_sequence(head_sequence_ + 1);
  *record.mutable_time() = ToTimestamp(clock_->Now());
  record.set_actor(Bounded(event.caller.Actor()));
  record.set_user(Bounded(event.caller.user));
  record.set_agency(Bounded(event.caller.agency));
  record.set_credential(Bounded(event.caller.credential));
  record.set_method(event.method);
  record.set_resource(Bounded(event.resource));
  record.set_request_id(Bounded(event.request_id));
  record.mutable_result()->set_code(static_cast<int32_t>(event.result.code()));
  if (!event.result.ok()) {
    record.mutable_result()->set_reason(Bounded(GetErrorInfo(event.result).reason()));
    record.mutable_result()->set_message(Truncate(event.result.message(), kMaxMessageChars));
  }
  record.set_peer(Bounded(event.peer));
  record.set_previous_hash(Hex(head_hash_));
  std::string bytes = record.SerializeAsString();
  std::string hash = Sha256(bytes);
  batch.Put(kAuditColumnFamily, AuditRecordKey(record.sequence()), absl::StrCat(hash, bytes));
  batch.Put(kAuditColumnFamily, AuditHeadKey(), EncodeAuditHead(record.sequence(), hash));
  absl::StatusOr<storage::WriteTicket> written = storage::WriteTicket{0};
  if (synced) {
    absl::Status status = store_->Write(batch);
    if (!status.ok()) written = status;
  } else {
    written = store_->WriteUnsynced(batch);
  }
  if (!written.ok()) {
    // The batch may have reached the store after all (a sync that failed
    // after the write): read the head again before the next record.
    head_loaded_ = false;
    return written;
  }
  head_sequence_ = record.sequence();
  head_hash_ = std::move(hash);
  return written;
}

absl::Status AuditLog::AppendStandalone(const AuditEvent& event) {
  storage::WriteBatch batch;
  return Write(batch, event);
}

void AuditLog::RecordRefusal(const AuditEvent& event) {
  if (!IsAuditedRefusal(event.result)) return;
  absl::Status recorded = AppendStandalone(event);
  if (!recorded.ok()) {
    std::cerr << "tonghopd: audit trail of " << store_name_ << ": cannot record the refusal of "
              << event.method << " by " << event.caller.Actor() << ": " << recorded << "\n";
  }
}

absl::Status AuditLog::Scan(int64_t after_sequence,
                            const std::function<bool(v1::AuditRecord record)>& visit) const {
  std::unique_ptr<storage::KvReader> snapshot = store_->Snapshot();
  return snapshot->Scan(
      kAuditColumnFamily, AuditRecordKey(after_sequence + 1), storage::PrefixEnd(AuditRecordPrefix()),
      [&](absl::string_view key, absl::string_view value) {
        std::optional<int64_t> sequence = AuditSequenceOf(key);
        StoredRecord stored = ReadStored(value);
        v1::AuditRecord record = std::move(stored.record);
        // A record is listed where it is stored; one that says it belongs
        // elsewhere was moved there.
        if (!stored.intact || !stored.parsed || !sequence || record.sequence() != *sequence ||
            record.store() != store_name_) {
          record.set_damaged(true);
        }
        record.set_store(store_name_);
        record.set_sequence(sequence.value_or(0));
        record.set_name(
            absl::StrCat("stores/", store_name_, "/auditRecords/", sequence.value_or(0)));
        record.set_hash(Hex(stored.hash));
        return visit(std::move(record));
      });
}

absl::StatusOr<std::vector<v1::AuditRecord>> AuditLog::Read(int64_t after_sequence,
                                                            size_t limit) const {
  std::vector<v1::AuditRecord> records;
  if (limit == 0) return records;
  RETURN_IF_ERROR(Scan(after_sequence, [&](v1::AuditRecord record) {
    records.push_back(std::move(record));
    return records.size() < limit;
  }));
  return records;
}

absl::StatusOr<v1::AuditChainStatus> AuditLog::Verify() const {
  std::unique_ptr<storage::KvReader> snapshot = store_->Snapshot();
  v1::AuditChainStatus status;
  status.set_store(store_name_);
  auto broken = [&](int64_t sequence, v1::AuditBreak kind, std::string problem) {
    status.set_intact(false);
    status.set_first_broken_sequence(sequence);
    status.set_first_broken_record(
        absl::StrCat("stores/", store_name_, "/auditRecords/", sequence));
    status.set_break_kind(kind);
    status.set_problem(std::move(problem));
  };
  status.set_intact(true);
  int64_t expected = 1;
  std::string previous_hash;
  RETURN_IF_ERROR(snapshot->Scan(
      kAuditColumnFamily, AuditRecordPrefix(), storage::PrefixEnd(AuditRecordPrefix()),
      [&](absl::string_view key, absl::string_view value) {
        std::optional<int64_t> sequence = AuditSequenceOf(key);
        if (!sequence) {
          broken(expected, v1::AUDIT_BREAK_DAMAGED,
                 absl::StrCat("the key after record ", expected - 1, " cannot be read"));
          return false;
        }
        if (*sequence != expected) {
          broken(expected, v1::AUDIT_BREAK_MISSING,
                 absl::StrCat("record ", expected, " is missing: the chain goes from record ",
                              expected - 1, " to record ", *sequence));
          return false;
        }
        StoredRecord stored = ReadStored(value);
        if (!stored.intact || !stored.parsed) {
          broken(expected, v1::AUDIT_BREAK_DAMAGED,
                 absl::StrCat("record ", expected,
                              " was altered or damaged: its bytes do not match their hash"));
          return false;
        }
        if (stored.record.sequence() != expected || stored.record.store() != store_name_) {
          broken(expected, v1::AUDIT_BREAK_MISPLACED,
                 absl::StrCat("record ", expected, " says it is record ",
                              stored.record.sequence(), " of ", stored.record.store()));
          return false;
        }
        if (stored.record.previous_hash() != Hex(previous_hash)) {
          broken(expected, v1::AUDIT_BREAK_NOT_CHAINED,
                 absl::StrCat("record ", expected, " does not hold the hash of record ",
                              expected - 1));
          return false;
        }
        previous_hash = std::move(stored.hash);
        status.set_records(expected);
        ++expected;
        return true;
      }));
  int64_t last = expected - 1;
  ASSIGN_OR_RETURN(std::optional<std::string> value, snapshot->Get(kAuditColumnFamily, AuditHeadKey()));
  std::optional<AuditHead> head;
  if (value) head = DecodeAuditHead(*value);
  if (head) {
    status.set_head_sequence(head->sequence);
    status.set_head_hash(Hex(head->hash));
  }
  if (!status.intact()) return status;
  if (!value) {
    if (last > 0) {
      broken(last, v1::AUDIT_BREAK_HEAD_MISMATCH,
             absl::StrCat("the chain's head is missing; its last record is ", last));
    }
  } else if (!head) {
    broken(last, v1::AUDIT_BREAK_HEAD_MISMATCH, "the chain's head cannot be read");
  } else if (head->sequence > last) {
    broken(last + 1, v1::AUDIT_BREAK_MISSING,
           absl::StrCat("records ", last + 1, " to ", head->sequence,
                        " are missing: the chain ends at record ", last,
                        " but its head names record ", head->sequence));
  } else if (head->sequence < last) {
    broken(head->sequence + 1, v1::AUDIT_BREAK_HEAD_MISMATCH,
           absl::StrCat("the chain goes on after record ", head->sequence,
                        ", the last one its head names"));
  } else if (head->hash != previous_hash) {
    broken(last, v1::AUDIT_BREAK_HEAD_MISMATCH,
           absl::StrCat("the chain's head does not hold the hash of record ", last));
  }
  return status;
}

}  // namespace tonghop
