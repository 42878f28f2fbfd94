#include "services/registry/people.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/empty.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/display_format.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/pagination.h"
#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/secrets.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/common/timestamps.h"
#include "services/registry/passwords.h"
#include "services/registry/people_records.pb.h"
#include "services/registry/validation.h"
#include "storage/key_encoding.h"

namespace tonghop::registry {
namespace {

using google::protobuf::util::TimeUtil;
using storage::WriteBatch;

// Ended sessions swept from the store per sign-in.
constexpr size_t kSweepPerSignIn = 16;

// Tokens are 43 characters; anything much longer is not one.
constexpr size_t kMaxTokenChars = 256;
constexpr size_t kMaxDisplayNameChars = 200;

// Messages for officials, in Vietnamese, by ErrorInfo reason.
struct VietnameseText {
  absl::string_view reason;
  absl::string_view text;
};
constexpr VietnameseText kVietnamese[] = {
    {"WRONG_CREDENTIALS", "Sai tên đăng nhập hoặc mật khẩu."},
    {"LOGIN_THROTTLED", "Đăng nhập sai quá nhiều lần; hãy chờ rồi thử lại."},
    {"HASHING_BUSY", "Máy chủ đang bận; hãy thử lại sau giây lát."},
    {"SESSION_ENDED", "Phiên đăng nhập đã hết hạn hoặc đã kết thúc; hãy đăng nhập lại."},
    {"USER_DISABLED", "Tài khoản đã bị vô hiệu hóa; hãy liên hệ quản trị viên."},
    {"WRONG_CURRENT_PASSWORD", "Mật khẩu hiện tại không đúng."},
    {"RESET_CODE_INVALID", "Mã đặt lại mật khẩu không đúng, đã dùng hoặc đã hết hạn."},
    {"NO_SESSION", "Lệnh này cần một phiên đăng nhập (tonghop login)."},
};

absl::Status Localized(absl::Status status, absl::string_view reason,
                       const std::map<std::string, std::string>& metadata = {}) {
  status = WithErrorInfo(std::move(status), reason, metadata);
  for (const auto& v : kVietnamese) {
    if (v.reason == reason) return WithVietnamese(std::move(status), v.text);
  }
  return status;
}

absl::Status WrongCredentials() {
  return Localized(Unauthenticated("wrong user or password"), "WRONG_CREDENTIALS");
}

absl::Status SessionEnded(absl::string_view why) {
  return Localized(
      Unauthenticated(absl::StrCat("the session ", why, "; sign in again (tonghop login)")),
      "SESSION_ENDED");
}

// "lan" or "users/lan" → "lan"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> UserId(absl::string_view user, absl::string_view field) {
  if (absl::StartsWith(user, "users/")) return ParseSimpleName(user, "users", field);
  if (!IsValidSlugId(user)) {
    return InvalidField(field, user.empty() ? "required: users/{id} or the bare id"
                                            : "is not a person's id (users/{id}: lowercase "
                                              "letters, digits and hyphens)");
  }
  return std::string(user);
}

// Digits with an optional leading "+", spaces, dots and hyphens between;
// 6 to 15 digits (E.164 allows at most 15).
bool IsValidPhone(absl::string_view phone) {
  int digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if (c != ' ' && c != '.' && c != '-') {
      return false;
    }
  }
  return digits >= 6 && digits <= 15;
}

// The fields of a User a caller may write.
const std::set<std::string>& WritableFields() {
  static const auto* fields =
      new std::set<std::string>{"display_name", "agency", "roles", "email", "phone", "state"};
  return *fields;
}

RoleSet RoleSetOf(const v1::User& user) {
  RoleSet roles = kNoRoles;
  for (int role : user.roles()) {
    if (std::optional<Role> r = RoleFromProto(static_cast<v1::Role>(role))) {
      roles |= static_cast<RoleSet>(*r);
    }
  }
  return roles;
}

std::vector<v1::Role> ProtoRolesOf(RoleSet roles) {
  std::vector<v1::Role> out;
  for (Role role : {Role::kClerk, Role::kReviewer, Role::kAnalyst, Role::kAdmin}) {
    if ((roles & static_cast<RoleSet>(role)) != 0) out.push_back(RoleToProto(role));
  }
  return out;
}

// True when the agency, the roles or the state differ.
bool ChangesStanding(const v1::User& before, const v1::User& after) {
  return before.agency() != after.agency() || RoleSetOf(before) != RoleSetOf(after) ||
         before.state() != after.state();
}

absl::StatusOr<uint64_t> FreshGeneration() {
  // Random, so that a person deleted and created again under the same id
  // never matches a session of the earlier one.
  ASSIGN_OR_RETURN(std::string raw, RandomBytes(8));
  uint64_t generation = 0;
  for (int i = 0; i < 8; ++i) generation = (generation << 8) | static_cast<uint8_t>(raw[i]);
  return generation >> 1;  // stays clear of overflow on ++
}

}  // namespace

std::optional<Role> RoleFromProto(v1::Role role) {
  switch (role) {
    case v1::ROLE_CLERK: return Role::kClerk;
    case v1::ROLE_REVIEWER: return Role::kReviewer;
    case v1::ROLE_ANALYST: return Role::kAnalyst;
    case v1::ROLE_ADMIN: return Role::kAdmin;
    default: return std::nullopt;
  }
}

v1::Role RoleToProto(Role role) {
  switch (role) {
    case Role::kClerk: return v1::ROLE_CLERK;
    case Role::kReviewer: return v1::ROLE_REVIEWER;
    case Role::kAnalyst: return v1::ROLE_ANALYST;
    case Role::kAdmin: return v1::ROLE_ADMIN;
  }
  return v1::ROLE_UNSPECIFIED;
}

// A person's stored records.
struct People::Account {
  std::optional<v1::User> user;
  records::Credential credential;
};

People::People(storage::KvStore* store, Registry* registry, const AccessPolicy* policy,
               const Clock* clock, PeopleOptions options)
    : store_(store),
      registry_(registry),
      policy_(policy),
      clock_(clock),
      options_(std::move(options)),
      person_at_address_throttle_(clock, options_.person_at_address_throttle),
      person_throttle_(clock, options_.person_throttle),
      peer_throttle_(clock, options_.peer_throttle) {
  if (!options_.log) {
    options_.log = [](absl::string_view line) { std::cerr << line << std::endl; };
  }
}

absl::StatusOr<People::Account> People::ReadAccount(absl::string_view id) const {
  Account account;
  ASSIGN_OR_RETURN(std::optional<std::string> user, store_->Get(kPeopleColumnFamily, UserKey(id)));
  if (user) {
    account.user.emplace();
    if (!account.user->ParseFromString(*user)) {
      return absl::DataLossError(absl::StrCat("corrupt record of users/", id));
    }
  }
  ASSIGN_OR_RETURN(std::optional<std::string> credential,
                   store_->Get(kPeopleColumnFamily, CredentialKey(id)));
  if (credential && !account.credential.ParseFromString(*credential)) {
    return absl::DataLossError(absl::StrCat("corrupt credential of users/", id));
  }
  return account;
}

// ---- Validation ----

namespace {

// Checks a user as it will be stored. `agency_may_be_missing`: the
// bootstrap administrator's agency may not exist yet.
absl::Status ValidateUser(const v1::User& user, const AgencyDirectory& agencies,
                          bool agency_may_be_missing, ViolationList& violations) {
  if (user.display_name().empty()) {
    violations.Add("user.display_name", "required: the person's name");
  } else if (DisplayWidth(user.display_name()) > kMaxDisplayNameChars) {
    violations.Add("user.display_name",
                   absl::StrCat("at most ", kMaxDisplayNameChars, " characters"));
  }
  if (user.agency().empty()) {
    violations.Add("user.agency", "required: the agency the person acts for, agencies/{id}");
  } else if (!ParseSimpleName(user.agency(), "agencies", "user.agency").ok()) {
    violations.Add("user.agency", absl::StrCat("\"", user.agency(),
                                               "\" is not an agency name (agencies/{id})"));
  } else if (!agency_may_be_missing) {
    ASSIGN_OR_RETURN(std::optional<v1::Agency> agency, agencies.FindAgency(user.agency()));
    if (!agency) violations.Add("user.agency", absl::StrCat(user.agency(), " does not exist"));
  }
  if (user.roles().empty()) {
    violations.Add("user.roles", "required: at least one of ROLE_CLERK, ROLE_REVIEWER, "
                                 "ROLE_ANALYST, ROLE_ADMIN");
  }
  std::set<int> seen;
  for (int i = 0; i < user.roles_size(); ++i) {
    int role = user.roles(i);
    std::string field = absl::StrCat("user.roles[", i, "]");
    if (!v1::Role_IsValid(role) || role == v1::ROLE_UNSPECIFIED) {
      violations.Add(field, absl::StrCat(role, " is not a role (ROLE_CLERK, ROLE_REVIEWER, "
                                               "ROLE_ANALYST, ROLE_ADMIN)"));
    } else if (!seen.insert(role).second) {
      violations.Add(field, absl::StrCat(v1::Role_Name(role), " is given twice"));
    }
  }
  if (!user.email().empty() && !IsValidEmailAddress(user.email())) {
    violations.Add("user.email", "is not an e-mail address (name@domain.vn)");
  }
  if (!user.phone().empty() && !IsValidPhone(user.phone())) {
    violations.Add("user.phone",
                   "is not a telephone number (6 to 15 digits, an optional leading +)");
  }
  if (!v1::UserState_IsValid(user.state())) {
    violations.Add("user.state", absl::StrCat(static_cast<int>(user.state()),
                                              " is not a state (USER_STATE_ACTIVE, "
                                              "USER_STATE_DISABLED)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::User> People::PutUser(WriteBatch& batch, v1::User user,
                                         const std::optional<v1::User>& before) {
  absl::Time now = clock_->Now();
  if (!before) *user.mutable_create_time() = ToTimestamp(now);
  *user.mutable_update_time() = ToTimestamp(now);
  user = WithEtag(std::move(user));
  std::string id = IdOf(user.name());
  batch.Put(kPeopleColumnFamily, UserKey(id), user.SerializeAsString());
  if (before && before->agency() != user.agency()) {
    batch.Delete(kPeopleColumnFamily, AgencyMemberKey(IdOf(before->agency()), id));
    registry_->PutReference(batch, before->agency(), user.name(), /*present=*/false);
  }
  if (!before || before->agency() != user.agency()) {
    batch.Put(kPeopleColumnFamily, AgencyMemberKey(IdOf(user.agency()), id), "");
    registry_->PutReference(batch, user.agency(), user.name(), /*present=*/true);
  }
  return user;
}

absl::Status People::ScanIndex(
    const std::string& prefix, const std::string& start,
    const std::function<bool(absl::string_view key, const std::string& second)>& visit) const {
  return store_->Scan(kPeopleColumnFamily, start.empty() ? prefix : start,
                      storage::PrefixEnd(prefix),
                      [&](absl::string_view key, absl::string_view) {
                        std::optional<std::string> second = SecondStringOf(key);
                        return !second || visit(key, *second);
                      });
}

absl::Status People::DropSessions(WriteBatch& batch, absl::string_view id) const {
  return ScanIndex(PersonSessionPrefix(id), "",
                   [&](absl::string_view key, const std::string& token_hash) {
                     batch.Delete(kPeopleColumnFamily, SessionKey(token_hash));
                     batch.Delete(kPeopleColumnFamily, std::string(key));
                     return true;
                   });
}

absl::Status People::SweepExpiredSessions(WriteBatch& batch, absl::Time now) const {
  std::string prefix = TagPrefix(kTagSessionExpiry);
  std::string end = SessionExpiryBound(now);
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> ended,
                   store_->ScanRange(kPeopleColumnFamily, prefix, end, kSweepPerSignIn));
  for (const storage::KeyValue& entry : ended) {
    if (std::optional<std::string> hash = SessionExpiryTokenHashOf(entry.key)) {
      // Gone already (signed out, revoked) or not: both are deletes.
      batch.Delete(kPeopleColumnFamily, SessionKey(*hash));
      batch.Delete(kPeopleColumnFamily, PersonSessionKey(entry.value, *hash));
    }
    batch.Delete(kPeopleColumnFamily, entry.key);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::User> People::PutPassword(WriteBatch& batch, const Account& account,
                                             const std::string& hash) {
  std::string id = IdOf(account.user->name());
  records::Credential credential = account.credential;
  credential.set_password_hash(hash);
  credential.set_generation(credential.generation() + 1);
  credential.clear_reset_code_sha256();
  credential.clear_reset_expire_time();
  batch.Put(kPeopleColumnFamily, CredentialKey(id), credential.SerializeAsString());
  RETURN_IF_ERROR(DropSessions(batch, id));
  v1::User updated = *account.user;
  *updated.mutable_password_change_time() = ToTimestamp(clock_->Now());
  return PutUser(batch, std::move(updated), account.user);
}

// ---- The User resource ----

absl::StatusOr<v1::User> People::GetUser(const Caller& caller, absl::string_view name) const {
  ASSIGN_OR_RETURN(std::string id, ParseSimpleName(name, "users", "name"));
  ASSIGN_OR_RETURN(Account account, ReadAccount(id));
  // Permission first: a missing person is judged without an agency.
  RETURN_IF_ERROR(policy_->CheckReadUser(caller, registry_->agencies(), name,
                                         account.user ? account.user->agency() : ""));
  if (!account.user) return NotFound(name);
  return *account.user;
}

absl::StatusOr<v1::ListUsersResponse> People::ListUsers(const Caller& caller,
                                                        const v1::ListUsersRequest& request) const {
  RETURN_IF_ERROR(policy_->CheckReadRegistry(caller));
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  std::string agency_id;
  if (!request.agency().empty()) {
    ASSIGN_OR_RETURN(agency_id, ParseSimpleName(request.agency(), "agencies", "agency"));
  }
  std::string query = absl::StrCat("users;agency=", request.agency());
  ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), query));

  v1::ListUsersResponse response;
  std::string last_id;
  bool more = false;
  absl::Status inner = absl::OkStatus();
  // Adds `user` when the caller may read it; false ends the scan.
  auto consider = [&](v1::User user) -> bool {
    absl::Status allowed =
        policy_->CheckReadUser(caller, registry_->agencies(), user.name(), user.agency());
    if (allowed.code() == absl::StatusCode::kPermissionDenied) return true;
    if (!allowed.ok()) {
      inner = allowed;
      return false;
    }
    if (response.users_size() == page_size) {
      more = true;
      return false;
    }
    last_id = IdOf(user.name());
    *response.add_users() = std::move(user);
    return true;
  };
  if (!agency_id.empty()) {
    std::string start = after.empty() ? "" : AgencyMemberKey(agency_id, after) + '\0';
    RETURN_IF_ERROR(ScanIndex(
        AgencyMemberPrefix(agency_id), start, [&](absl::string_view, const std::string& id) {
          auto stored = store_->Get(kPeopleColumnFamily, UserKey(id));
          if (!stored.ok()) {
            inner = stored.status();
            return false;
          }
          v1::User user;
          if (!*stored) return true;
          if (!user.ParseFromString(**stored)) {
            inner = absl::DataLossError(absl::StrCat("corrupt record of users/", id));
            return false;
          }
          return consider(std::move(user));
        }));
  } else {
    std::string prefix = TagPrefix(kTagUser);
    std::string start = after.empty() ? prefix : UserKey(after) + '\0';
    RETURN_IF_ERROR(store_->Scan(kPeopleColumnFamily, start, storage::PrefixEnd(prefix),
                                 [&](absl::string_view, absl::string_view value) {
                                   v1::User user;
                                   if (!user.ParseFromArray(value.data(),
                                                            static_cast<int>(value.size()))) {
                                     inner = absl::DataLossError("corrupt record of a person");
                                     return false;
                                   }
                                   return consider(std::move(user));
                                 }));
  }
  RETURN_IF_ERROR(inner);
  if (more) response.set_next_page_token(EncodePageToken(last_id, query));
  return response;
}

absl::StatusOr<v1::User> People::CreateUser(const Caller& caller,
                                            const v1::CreateUserRequest& request) {
  return registry_->Mutate<v1::User>(
      caller, request, "CreateUser", request.validate_only(),
      [&](WriteBatch& batch) -> absl::StatusOr<v1::User> {
        if (!IsValidSlugId(request.user_id())) {
          return InvalidField("user_id",
                              absl::StrCat("\"", request.user_id(),
                                           "\" is not a valid id: use 1-63 lowercase letters, "
                                           "digits and hyphens"));
        }
        v1::User user = request.user();
        user.set_name(MakeName("users", request.user_id()));
        user.clear_etag();
        user.clear_create_time();
        user.clear_update_time();
        user.clear_password_change_time();
        ViolationList violations;
        NormalizeStrings(user, "user", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(policy_->CheckWriteUser(caller, registry_->agencies(), user.name(), "",
                                                user.agency(), /*changes_standing=*/true));
        ASSIGN_OR_RETURN(Account existing, ReadAccount(request.user_id()));
        if (existing.user) return AlreadyExists(user.name());
        if (user.state() == v1::USER_STATE_UNSPECIFIED) user.set_state(v1::USER_STATE_ACTIVE);
        RETURN_IF_ERROR(ValidateUser(user, registry_->agencies(), false, violations));
        RETURN_IF_ERROR(violations.ToStatus());
        records::Credential credential;
        ASSIGN_OR_RETURN(uint64_t generation, FreshGeneration());
        credential.set_generation(generation);
        batch.Put(kPeopleColumnFamily, CredentialKey(request.user_id()),
                  credential.SerializeAsString());
        return PutUser(batch, std::move(user), std::nullopt);
      });
}

absl::StatusOr<v1::User> People::UpdateUser(const Caller& caller,
                                            const v1::UpdateUserRequest& request) {
  return registry_->Mutate<v1::User>(
      caller, request, "UpdateUser", request.validate_only(),
      [&](WriteBatch& batch) -> absl::StatusOr<v1::User> {
        ASSIGN_OR_RETURN(std::string id,
                         ParseSimpleName(request.user().name(), "users", "user.name"));
        ASSIGN_OR_RETURN(Account account, ReadAccount(id));
        if (!account.user) {
          // Permission first: judged as the creation it would be.
          RETURN_IF_ERROR(policy_->CheckWriteUser(caller, registry_->agencies(),
                                                  request.user().name(), "",
                                                  request.user().agency(), true));
          return NotFound(request.user().name());
        }
        const v1::User& stored = *account.user;
        google::protobuf::FieldMask mask = request.update_mask();
        if (mask.paths_size() == 0) {
          for (const std::string& field : WritableFields()) mask.add_paths(field);
        }
        for (const std::string& path : mask.paths()) {
          if (!WritableFields().count(path)) {
            return InvalidField("update_mask",
                                absl::StrCat("\"", path, "\" cannot be updated; updatable: ",
                                             absl::StrJoin(WritableFields(), ", ")));
          }
        }
        // Each masked field is replaced (cleared when the request leaves it
        // unset); the others, output-only ones included, stay as stored.
        v1::User merged = stored;
        google::protobuf::util::FieldMaskUtil::MergeOptions options;
        options.set_replace_repeated_fields(true);
        google::protobuf::util::FieldMaskUtil::MergeMessageTo(request.user(), mask, options,
                                                              &merged);
        merged.set_etag(stored.etag());
        if (merged.state() == v1::USER_STATE_UNSPECIFIED) merged.set_state(stored.state());
        ViolationList violations;
        NormalizeStrings(merged, "user", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(policy_->CheckWriteUser(caller, registry_->agencies(), stored.name(),
                                                stored.agency(), merged.agency(),
                                                ChangesStanding(stored, merged)));
        if (!request.user().etag().empty() && request.user().etag() != stored.etag()) {
          return EtagMismatch(stored.name());
        }
        RETURN_IF_ERROR(ValidateUser(merged, registry_->agencies(),
                                     merged.agency() == stored.agency(), violations));
        RETURN_IF_ERROR(violations.ToStatus());
        if (merged.state() == v1::USER_STATE_DISABLED &&
            stored.state() != v1::USER_STATE_DISABLED) {
          // Every session ends at once, and stays ended if re-enabled.
          records::Credential credential = account.credential;
          credential.set_generation(credential.generation() + 1);
          batch.Put(kPeopleColumnFamily, CredentialKey(id), credential.SerializeAsString());
          RETURN_IF_ERROR(DropSessions(batch, id));
        }
        return PutUser(batch, std::move(merged), stored);
      });
}

absl::Status People::DeleteUser(const Caller& caller, const v1::DeleteUserRequest& request) {
  return registry_
      ->Mutate<google::protobuf::Empty>(
          caller, request, "DeleteUser", false,
          [&](WriteBatch& batch) -> absl::StatusOr<google::protobuf::Empty> {
            ASSIGN_OR_RETURN(std::string id, ParseSimpleName(request.name(), "users", "name"));
            ASSIGN_OR_RETURN(Account account, ReadAccount(id));
            std::string agency = account.user ? account.user->agency() : "";
            RETURN_IF_ERROR(policy_->CheckWriteUser(caller, registry_->agencies(), request.name(),
                                                    agency, "", /*changes_standing=*/true));
            if (!account.user) return NotFound(request.name());
            if (!request.etag().empty() && request.etag() != account.user->etag()) {
              return EtagMismatch(request.name());
            }
            RETURN_IF_ERROR(DropSessions(batch, id));
            batch.Delete(kPeopleColumnFamily, UserKey(id));
            batch.Delete(kPeopleColumnFamily, CredentialKey(id));
            batch.Delete(kPeopleColumnFamily, AgencyMemberKey(IdOf(agency), id));
            registry_->PutReference(batch, agency, request.name(), /*present=*/false);
            return google::protobuf::Empty();
          })
      .status();
}

absl::StatusOr<v1::User> People::SetPassword(const Caller& caller,
                                             const v1::SetPasswordRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseSimpleName(request.name(), "users", "name"));
  ASSIGN_OR_RETURN(Account account, ReadAccount(id));
  const bool own = caller.is_person() && caller.user == request.name();
  SignInOrigin origin;
  if (own) {
    // Authentication, not permission: whoever holds the person's session
    // must also know the current password to replace it.
    if (request.current_password().empty()) {
      return InvalidField("current_password",
                          "required to change your own password (ask an administrator for a "
                          "reset code if you have forgotten it)");
    }
    RETURN_IF_ERROR(CheckThrottle(request.name(), origin, "password change"));
    bool matches = false;
    RETURN_IF_ERROR(WithHashSlot([&] {
      matches = VerifyPassword(account.credential.password_hash(), request.current_password());
      return absl::OkStatus();
    }));
    if (!matches) {
      RecordFailure(request.name(), origin, "password change", "wrong current password");
      return Localized(PermissionDenied(caller.Actor(), "change the password of", request.name()),
                       "WRONG_CURRENT_PASSWORD");
    }
  } else {
    RETURN_IF_ERROR(policy_->CheckWriteUser(caller, registry_->agencies(), request.name(),
                                            account.user ? account.user->agency() : "",
                                            account.user ? account.user->agency() : "",
                                            /*changes_standing=*/false));
    if (!account.user) return NotFound(request.name());
  }
  RETURN_IF_ERROR(CheckNewPassword(request.new_password(), "new_password"));
  std::string hash;
  RETURN_IF_ERROR(WithHashSlot([&]() -> absl::Status {
    ASSIGN_OR_RETURN(hash, HashPassword(request.new_password()));
    return absl::OkStatus();
  }));
  // What identifies the request: everything but the passwords.
  v1::SetPasswordRequest identified;
  identified.set_name(request.name());
  identified.set_request_id(request.request_id());
  const std::string verified_hash = account.credential.password_hash();
  ASSIGN_OR_RETURN(
      v1::User user,
      registry_->Mutate<v1::User>(
          caller, identified, "SetPassword", false,
          [&](WriteBatch& batch) -> absl::StatusOr<v1::User> {
            ASSIGN_OR_RETURN(Account now, ReadAccount(id));
            if (!now.user) return NotFound(request.name());
            if (own && now.credential.password_hash() != verified_hash) {
              return absl::AbortedError(
                  "the password was changed meanwhile; try again with the new one");
            }
            return PutPassword(batch, now, hash);
          }));
  RecordAuthEvent("password set", request.name(), origin,
                  own ? "by the person" : absl::StrCat("by ", caller.Actor()));
  return user;
}

absl::StatusOr<v1::PasswordReset> People::CreatePasswordReset(
    const Caller& caller, const v1::CreatePasswordResetRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseSimpleName(request.name(), "users", "name"));
  ASSIGN_OR_RETURN(Account account, ReadAccount(id));
  std::string agency = account.user ? account.user->agency() : "";
  RETURN_IF_ERROR(policy_->CheckWriteUser(caller, registry_->agencies(), request.name(), agency,
                                          agency, /*changes_standing=*/false));
  if (!account.user) return NotFound(request.name());
  ASSIGN_OR_RETURN(std::string code, RandomToken(16));
  absl::Time expire = clock_->Now() + options_.reset_code_lifetime;
  RETURN_IF_ERROR(registry_
                      ->Mutate<google::protobuf::Empty>(
                          caller, request, "CreatePasswordReset", false,
                          [&](WriteBatch& batch) -> absl::StatusOr<google::protobuf::Empty> {
                            ASSIGN_OR_RETURN(Account now, ReadAccount(id));
                            if (!now.user) return NotFound(request.name());
                            records::Credential credential = now.credential;
                            credential.set_reset_code_sha256(Sha256Hex(code));
                            *credential.mutable_reset_expire_time() = ToTimestamp(expire);
                            batch.Put(kPeopleColumnFamily, CredentialKey(id),
                                      credential.SerializeAsString());
                            return google::protobuf::Empty();
                          })
                      .status());
  RecordAuthEvent("reset code issued", request.name(), SignInOrigin(),
                  absl::StrCat("by ", caller.Actor()));
  v1::PasswordReset reset;
  reset.set_user(request.name());
  reset.set_code(code);
  *reset.mutable_expire_time() = ToTimestamp(expire);
  return reset;
}

// ---- Signing in and out ----

namespace {

// The key of a person at one client address.
std::string PersonAtAddress(absl::string_view user_key, const SignInOrigin& origin) {
  return absl::StrCat(user_key, " at ", origin.peer);
}

}  // namespace

bool People::IsKnownAddress(absl::string_view user, absl::string_view peer) const {
  if (peer.empty()) return false;
  absl::MutexLock lock(&known_mu_);
  auto it = known_addresses_.find(user);
  if (it == known_addresses_.end()) return false;
  return std::find(it->second.begin(), it->second.end(), peer) != it->second.end();
}

void People::RememberAddress(absl::string_view user, absl::string_view peer) {
  if (peer.empty()) return;
  absl::MutexLock lock(&known_mu_);
  auto it = known_addresses_.find(user);
  if (it == known_addresses_.end()) {
    // Bounded like the throttles: past the limit, an arbitrary person's
    // addresses are forgotten (they are then throttled as strangers until
    // they sign in again).
    if (known_addresses_.size() >= options_.person_throttle.max_keys) {
      known_addresses_.erase(known_addresses_.begin());
    }
    it = known_addresses_.emplace(std::string(user), std::deque<std::string>()).first;
  }
  std::deque<std::string>& addresses = it->second;
  auto found = std::find(addresses.begin(), addresses.end(), peer);
  if (found != addresses.end()) addresses.erase(found);
  addresses.emplace_back(peer);
  while (static_cast<int>(addresses.size()) > std::max(1, options_.known_addresses_per_person)) {
    addresses.pop_front();
  }
}

absl::Status People::CheckThrottle(absl::string_view user_key, const SignInOrigin& origin,
                                   absl::string_view what) {
  absl::Duration wait = person_at_address_throttle_.Wait(PersonAtAddress(user_key, origin));
  // Failures from everywhere slow the person down, but not where she signed
  // in before: strangers cannot lock her out of her own office.
  if (!IsKnownAddress(user_key, origin.peer)) {
    wait = std::max(wait, person_throttle_.Wait(user_key));
  }
  if (!origin.peer.empty()) wait = std::max(wait, peer_throttle_.Wait(origin.peer));
  if (wait <= absl::ZeroDuration()) return absl::OkStatus();
  int64_t seconds = absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)));
  RecordAuthEvent(absl::StrCat(what, " refused"), user_key, origin,
                  absl::StrCat("too many failures; locked for ", seconds, " s more"));
  return WithRetryInfo(
      Localized(absl::ResourceExhaustedError(absl::StrCat(
                    "too many failed attempts for ", user_key,
                    origin.peer.empty() ? "" : " or from this address", "; try again in ",
                    seconds, " s")),
                "LOGIN_THROTTLED", {{"retry_after_seconds", absl::StrCat(seconds)}}),
      absl::Seconds(seconds));
}

void People::RecordFailure(absl::string_view user_key, const SignInOrigin& origin,
                           absl::string_view what, absl::string_view why) {
  FailureThrottle::Failure here =
      person_at_address_throttle_.RecordFailure(PersonAtAddress(user_key, origin));
  FailureThrottle::Failure person = person_throttle_.RecordFailure(user_key);
  FailureThrottle::Failure peer;
  if (!origin.peer.empty()) peer = peer_throttle_.RecordFailure(origin.peer);
  absl::Duration locked = std::max({here.locked_for, person.locked_for, peer.locked_for});
  RecordAuthEvent(absl::StrCat(what, " failed"), user_key, origin,
                  absl::StrCat(why, "; ", here.count, " in a row for the person from the address, ",
                               person.count, " from anywhere, ", peer.count,
                               " from the address",
                               locked > absl::ZeroDuration()
                                   ? absl::StrCat("; locked for ", absl::FormatDuration(locked))
                                   : ""));
}

// A success clears the person's failures from its address and remembers the
// address; her failures from elsewhere fade with time only, so that a
// stranger's guesses do not start afresh each time she signs in.
void People::RecordSuccess(absl::string_view user_key, const SignInOrigin& origin) {
  person_at_address_throttle_.Clear(PersonAtAddress(user_key, origin));
  RememberAddress(user_key, origin.peer);
}

absl::Status People::WithHashSlot(const std::function<absl::Status()>& hash_work) {
  if (hashes_in_flight_.fetch_add(1) >= options_.max_concurrent_hashes) {
    hashes_in_flight_.fetch_sub(1);
    return WithRetryInfo(Localized(absl::UnavailableError(
                                       "the server is busy checking other passwords; retry in "
                                       "a second"),
                                   "HASHING_BUSY"),
                         absl::Seconds(1));
  }
  absl::Status status = hash_work();
  hashes_in_flight_.fetch_sub(1);
  return status;
}

void People::RecordAuthEvent(absl::string_view event, absl::string_view user,
                             const SignInOrigin& origin, absl::string_view detail) const {
  // The audit trail (services/common/audit_log.h) is to record these too;
  // this is the one call site for it. Never pass a password, code or token.
  // An id that names no one is not written out: people type their password
  // into the user field often enough.
  absl::string_view shown = user;
  absl::StatusOr<Account> account = ReadAccount(IdOf(user));
  if (!account.ok() || !account->user) shown = "(an id that names no one)";
  options_.log(absl::StrCat("auth: ", event, " user=", shown,
                            origin.peer.empty() ? "" : absl::StrCat(" peer=", origin.peer),
                            origin.browser ? " (browser)" : "", detail.empty() ? "" : ": ",
                            detail));
}

absl::StatusOr<v1::LoginResponse> People::Login(const v1::LoginRequest& request,
                                                const SignInOrigin& origin) {
  ASSIGN_OR_RETURN(std::string id, UserId(request.user(), "user"));
  std::string name = MakeName("users", id);
  if (request.password().empty()) return InvalidField("password", "required");
  RETURN_IF_ERROR(CheckThrottle(name, origin, "sign-in"));
  ASSIGN_OR_RETURN(Account account, ReadAccount(id));
  bool matches = false;
  RETURN_IF_ERROR(WithHashSlot([&] {
    if (account.user && !account.credential.password_hash().empty()) {
      matches = VerifyPassword(account.credential.password_hash(), request.password());
    } else {
      VerifyNothing(request.password());
    }
    return absl::OkStatus();
  }));
  // A disabled person's right password is answered exactly as a wrong one
  // (and counts as a failure like one): a different answer would tell a
  // guesser that the password is right. Only the log says why.
  if (!matches || account.user->state() != v1::USER_STATE_ACTIVE) {
    RecordFailure(name, origin, "sign-in",
                  !account.user ? "unknown person"
                  : !matches    ? "wrong password"
                                : "the person is disabled (the password was right)");
    return WrongCredentials();
  }
  RecordSuccess(name, origin);

  ASSIGN_OR_RETURN(std::string token, RandomToken(32));
  const std::string token_hash = Sha256(token);
  const absl::Time now = clock_->Now();
  const absl::Time expire = now + options_.session_lifetime;
  ASSIGN_OR_RETURN(Caller person, CallerOf(account, name));
  v1::LoginRequest identified;  // without the password
  identified.set_user(name);
  const std::string verified_hash = account.credential.password_hash();
  ASSIGN_OR_RETURN(
      v1::User user,
      registry_->Mutate<v1::User>(
          person, identified, "Login", false, [&](WriteBatch& batch) -> absl::StatusOr<v1::User> {
            // Nothing may have changed since the password was checked: a
            // password set or a disabling meanwhile wins.
            ASSIGN_OR_RETURN(Account current, ReadAccount(id));
            if (!current.user || current.user->state() != v1::USER_STATE_ACTIVE ||
                current.credential.password_hash() != verified_hash) {
              return WrongCredentials();
            }
            // Drop ended sessions, and the oldest beyond the limit.
            std::vector<std::pair<absl::Time, std::string>> open;
            absl::Status inner = absl::OkStatus();
            RETURN_IF_ERROR(ScanIndex(
                PersonSessionPrefix(id), "",
                [&](absl::string_view key, const std::string& hash) {
                  auto stored = store_->Get(kPeopleColumnFamily, SessionKey(hash));
                  if (!stored.ok()) {
                    inner = stored.status();
                    return false;
                  }
                  records::Session session;
                  if (!*stored || !session.ParseFromString(**stored) ||
                      session.generation() != current.credential.generation() ||
                      FromTimestamp(session.expire_time()) <= now) {
                    batch.Delete(kPeopleColumnFamily, SessionKey(hash));
                    batch.Delete(kPeopleColumnFamily, std::string(key));
                  } else {
                    open.emplace_back(FromTimestamp(session.create_time()), hash);
                  }
                  return true;
                }));
            RETURN_IF_ERROR(inner);
            std::sort(open.begin(), open.end());
            int excess = static_cast<int>(open.size()) - options_.max_sessions_per_person + 1;
            for (int i = 0; i < excess; ++i) {
              batch.Delete(kPeopleColumnFamily, SessionKey(open[i].second));
              batch.Delete(kPeopleColumnFamily, PersonSessionKey(id, open[i].second));
            }
            records::Session session;
            session.set_user(name);
            session.set_generation(current.credential.generation());
            *session.mutable_create_time() = ToTimestamp(now);
            *session.mutable_expire_time() = ToTimestamp(expire);
            session.set_kind(origin.browser ? records::SESSION_KIND_BROWSER
                                            : records::SESSION_KIND_BEARER);
            batch.Put(kPeopleColumnFamily, SessionKey(token_hash), session.SerializeAsString());
            batch.Put(kPeopleColumnFamily, PersonSessionKey(id, token_hash), "");
            batch.Put(kPeopleColumnFamily, SessionExpiryKey(expire, token_hash), id);
            RETURN_IF_ERROR(SweepExpiredSessions(batch, now));
            return *current.user;
          }));
  RecordAuthEvent("sign-in", name, origin,
                  absl::StrCat("session until ", absl::FormatTime(absl::RFC3339_sec, expire,
                                                                  absl::UTCTimeZone())));
  v1::LoginResponse response;
  response.set_token(std::move(token));
  *response.mutable_expire_time() = ToTimestamp(expire);
  *response.mutable_user() = std::move(user);
  return response;
}

absl::Status People::Logout(absl::string_view token, const SignInOrigin& origin) {
  if (token.empty() || token.size() > kMaxTokenChars) return SessionEnded("is not valid");
  const std::string token_hash = Sha256(token);
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   store_->Get(kPeopleColumnFamily, SessionKey(token_hash)));
  records::Session session;
  if (!stored || !session.ParseFromString(*stored)) return SessionEnded("has already ended");
  std::string id = IdOf(session.user());
  Caller person;
  person.user = session.user();
  person.kind = CallerKind::kPerson;
  v1::LogoutRequest identified;
  RETURN_IF_ERROR(registry_
                      ->Mutate<google::protobuf::Empty>(
                          person, identified, "Logout", false,
                          [&](WriteBatch& batch) -> absl::StatusOr<google::protobuf::Empty> {
                            batch.Delete(kPeopleColumnFamily, SessionKey(token_hash));
                            batch.Delete(kPeopleColumnFamily, PersonSessionKey(id, token_hash));
                            return google::protobuf::Empty();
                          })
                      .status());
  RecordAuthEvent("sign-out", session.user(), origin, "");
  return absl::OkStatus();
}

absl::Status People::ResetPassword(const v1::ResetPasswordRequest& request,
                                   const SignInOrigin& origin) {
  ASSIGN_OR_RETURN(std::string id, UserId(request.user(), "user"));
  std::string name = MakeName("users", id);
  if (request.code().empty()) return InvalidField("code", "required");
  RETURN_IF_ERROR(CheckNewPassword(request.new_password(), "new_password"));
  RETURN_IF_ERROR(CheckThrottle(name, origin, "password reset"));
  ASSIGN_OR_RETURN(Account account, ReadAccount(id));
  const std::string& stored_code = account.credential.reset_code_sha256();
  bool valid = account.user && account.user->state() == v1::USER_STATE_ACTIVE &&
               !stored_code.empty() &&
               FromTimestamp(account.credential.reset_expire_time()) > clock_->Now() &&
               ConstantTimeEquals(Sha256Hex(request.code()), stored_code);
  if (!valid) {
    RecordFailure(name, origin, "password reset", "wrong, used or expired code");
    return Localized(Unauthenticated("the reset code is wrong, used or expired; ask an "
                                     "administrator for a new one"),
                     "RESET_CODE_INVALID");
  }
  std::string hash;
  RETURN_IF_ERROR(WithHashSlot([&]() -> absl::Status {
    ASSIGN_OR_RETURN(hash, HashPassword(request.new_password()));
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(Caller person, CallerOf(account, name));
  v1::ResetPasswordRequest identified;  // without the code and the password
  identified.set_user(name);
  RETURN_IF_ERROR(
      registry_
          ->Mutate<v1::User>(
              person, identified, "ResetPassword", false,
              [&](WriteBatch& batch) -> absl::StatusOr<v1::User> {
                ASSIGN_OR_RETURN(Account now, ReadAccount(id));
                // Single use: the code must still be the one checked.
                if (!now.user || now.credential.reset_code_sha256() != stored_code) {
                  return Localized(Unauthenticated("the reset code was used meanwhile"),
                                   "RESET_CODE_INVALID");
                }
                return PutPassword(batch, now, hash);
              })
          .status());
  RecordSuccess(name, origin);
  RecordAuthEvent("password reset", name, origin, "with a one-time code");
  return absl::OkStatus();
}

absl::StatusOr<v1::WhoAmIResponse> People::WhoAmI(const Caller& caller) const {
  if (caller.agency.empty() && caller.user.empty()) {
    return Unauthenticated("this call carries no identity");
  }
  v1::WhoAmIResponse response;
  response.set_agency(caller.agency);
  response.set_user(caller.user);
  response.set_credential(caller.credential);
  for (v1::Role role : ProtoRolesOf(caller.roles)) response.add_roles(role);
  if (caller.is_person()) {
    ASSIGN_OR_RETURN(Account account, ReadAccount(IdOf(caller.user)));
    if (account.user) response.set_display_name(account.user->display_name());
  }
  return response;
}

absl::StatusOr<v1::User> People::BootstrapAdmin(absl::string_view user_id,
                                                absl::string_view agency,
                                                absl::string_view password) {
  if (!IsValidSlugId(user_id)) {
    return InvalidField("bootstrap-admin",
                        "is not a person's id: 1-63 lowercase letters, digits and hyphens");
  }
  std::string agency_name =
      absl::StartsWith(agency, "agencies/") ? std::string(agency) : MakeName("agencies", agency);
  RETURN_IF_ERROR(ParseSimpleName(agency_name, "agencies", "bootstrap-agency").status());
  const bool authority = agency_name == policy_->operator_agency();
  if (!authority) {
    ASSIGN_OR_RETURN(std::optional<v1::Agency> found,
                     registry_->agencies().FindAgency(agency_name));
    if (!found) {
      return InvalidField("bootstrap-agency",
                          absl::StrCat(agency_name, " is not in the registry (only the operator "
                                                    "agency, ",
                                       policy_->operator_agency(), ", may be used before it is)"));
    }
  }
  RETURN_IF_ERROR(CheckNewPassword(password, "password"));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  std::string name = MakeName("users", user_id);
  Caller instance(policy_->operator_agency());
  instance.credential = "internal";
  v1::GetUserRequest identified;
  identified.set_name(name);
  return registry_->Mutate<v1::User>(
      instance, identified, "BootstrapAdmin", false,
      [&](WriteBatch& batch) -> absl::StatusOr<v1::User> {
        ASSIGN_OR_RETURN(Account account, ReadAccount(user_id));
        records::Credential credential = account.credential;
        v1::User user;
        if (account.user) {
          if (account.user->agency() != agency_name) {
            return FailedPrecondition(
                "USER_IN_OTHER_AGENCY",
                absl::StrCat(name, " exists in ", account.user->agency(),
                             "; give that agency (--bootstrap-agency) to reset their password, "
                             "or choose another id"),
                name);
          }
          user = *account.user;
          credential.set_generation(credential.generation() + 1);
          RETURN_IF_ERROR(DropSessions(batch, user_id));
        } else {
          user.set_name(name);
          user.set_display_name(absl::StrCat("Quản trị viên (", user_id, ")"));
          user.set_agency(agency_name);
          ASSIGN_OR_RETURN(uint64_t generation, FreshGeneration());
          credential.set_generation(generation);
        }
        RoleSet roles = RoleSetOf(user) | static_cast<RoleSet>(Role::kAdmin);
        user.clear_roles();
        for (v1::Role role : ProtoRolesOf(roles)) user.add_roles(role);
        user.set_state(v1::USER_STATE_ACTIVE);
        *user.mutable_password_change_time() = ToTimestamp(clock_->Now());
        ViolationList violations;
        RETURN_IF_ERROR(ValidateUser(user, registry_->agencies(), authority, violations));
        RETURN_IF_ERROR(violations.ToStatus());
        credential.set_password_hash(hash);
        credential.clear_reset_code_sha256();
        credential.clear_reset_expire_time();
        batch.Put(kPeopleColumnFamily, CredentialKey(user_id), credential.SerializeAsString());
        return PutUser(batch, std::move(user), account.user);
      });
}

// ---- PersonDirectory ----

absl::StatusOr<Caller> People::CallerOf(const Account& account, absl::string_view user) {
  if (!account.user) return Unauthenticated(absl::StrCat(user, " is not known here"));
  if (account.user->state() != v1::USER_STATE_ACTIVE) {
    return Localized(Unauthenticated(absl::StrCat(user, " is disabled")), "USER_DISABLED");
  }
  Caller caller;
  caller.agency = account.user->agency();
  caller.user = account.user->name();
  caller.roles = RoleSetOf(*account.user);
  caller.kind = CallerKind::kPerson;
  return caller;
}

absl::StatusOr<Caller> People::Person(absl::string_view user) const {
  absl::StatusOr<std::string> id = ParseSimpleName(user, "users", "user");
  if (!id.ok()) return Unauthenticated(absl::StrCat("\"", user, "\" is not a person"));
  ASSIGN_OR_RETURN(Account account, ReadAccount(*id));
  return CallerOf(account, user);
}

absl::Status People::CheckCertificateAgency(absl::string_view agency) const {
  if (agency == policy_->operator_agency()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<v1::Agency> found, registry_->agencies().FindAgency(agency));
  if (!found) {
    return WithErrorInfo(
        Unauthenticated(absl::StrCat("the client certificate names ", agency,
                                     ", which this instance's registry does not hold")),
        "CERTIFICATE_REJECTED", {{"reason", "unknown agency"}});
  }
  absl::CivilDay today = absl::ToCivilDay(clock_->Now(), VietnamTime());
  if (found->has_valid_to() && ToCivilDay(found->valid_to()) < today) {
    return WithErrorInfo(
        Unauthenticated(absl::StrCat("the client certificate names ", agency,
                                     ", which was dissolved on ",
                                     FormatDate(found->valid_to()))),
        "CERTIFICATE_REJECTED", {{"reason", "agency dissolved"}});
  }
  return absl::OkStatus();
}

absl::StatusOr<Caller> People::Session(absl::string_view token) const {
  if (token.empty() || token.size() > kMaxTokenChars) return SessionEnded("token is not valid");
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   store_->Get(kPeopleColumnFamily, SessionKey(Sha256(token))));
  records::Session session;
  if (!stored) return SessionEnded("has ended or the token is not valid");
  if (!session.ParseFromString(*stored)) return absl::DataLossError("corrupt session record");
  if (FromTimestamp(session.expire_time()) <= clock_->Now()) return SessionEnded("has expired");
  ASSIGN_OR_RETURN(Account account, ReadAccount(IdOf(session.user())));
  if (!account.user) return SessionEnded("belongs to a person who no longer exists");
  if (account.credential.generation() != session.generation()) {
    return SessionEnded("was ended (the password changed or the person was disabled)");
  }
  ASSIGN_OR_RETURN(Caller caller, CallerOf(account, session.user()));
  caller.credential = session.kind() == records::SESSION_KIND_BROWSER ? "session" : "bearer";
  return caller;
}

}  // namespace tonghop::registry
