#ifndef TONGHOP_SERVICES_REGISTRY_PEOPLE_H_
#define TONGHOP_SERVICES_REGISTRY_PEOPLE_H_

// The people of an instance and their sessions, kept in the registry's store
// beside the agencies they belong to. Knows nothing of gRPC.
//
// - A person is a `v1::User` (`users/{id}`): an agency, roles, state. Their
//   password is kept apart as an argon2id hash (passwords.h) and never
//   returned or logged.
// - Signing in (Login) checks the password and opens a session: a token of
//   32 random bytes (base64url) of which only the SHA-256 is stored, with
//   the person, an expiry and the person's credential *generation*. Setting
//   the password and disabling the person bump the generation, which ends
//   every session at once; Logout deletes one. A disabled person's right
//   password gets the answer a wrong one gets (only the log says why).
// - Repeated failed sign-ins (and reset codes) are slowed per person and
//   per client address (services/common/failure_throttle.h):
//   RESOURCE_EXHAUSTED with a google.rpc.RetryInfo, the password not even
//   checked until then.
// - Who may read and change people is the access policy's to decide
//   (CheckReadUser, CheckWriteUser). The one rule kept here is that of
//   authentication, not permission: a person changing their own password
//   proves the current one.
//
// Every change goes through the registry's write path (Registry::Mutate):
// serialized with the agencies' changes, idempotent by request id where the
// request has one, one synced WriteBatch. The password, reset codes and
// tokens never reach it: what it fingerprints is the request without them.
//
// Thread-safe. Does not own the store, registry, policy or clock, which must
// outlive it.

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/access_policy.h"
#include "services/common/authenticator.h"
#include "services/common/clock.h"
#include "services/common/identity.h"
#include "services/common/failure_throttle.h"
#include "services/registry/registry.h"
#include "storage/kv_store.h"
#include "tonghop/v1/auth_service.pb.h"
#include "tonghop/v1/user.pb.h"

namespace tonghop::registry {

struct PeopleOptions {
  // How long a session or bearer token works after sign-in.
  absl::Duration session_lifetime = absl::Hours(12);
  // How long a password reset code works after it is issued.
  absl::Duration reset_code_lifetime = absl::Hours(24);
  // Sessions a person may have open at once; signing in beyond ends the
  // oldest.
  int max_sessions_per_person = 16;
  // Password hashes computed at once (each takes 64 MiB for ~0.1 s);
  // beyond, sign-ins are answered UNAVAILABLE with a retry delay.
  int max_concurrent_hashes = 4;
  // Slowing of repeated failures: per person from one client address; per
  // person over every address, except from an address where the person
  // signed in before (so that strangers guessing from elsewhere cannot lock
  // a clerk out of her own office); and per client address. An office
  // behind one address has many people, so it gets more free failures than
  // one person.
  FailureThrottle::Options person_at_address_throttle;
  FailureThrottle::Options person_throttle = {/*free_failures=*/10};
  FailureThrottle::Options peer_throttle = {/*free_failures=*/20};
  // Addresses remembered per person as "signed in from here before"; the
  // oldest is forgotten beyond.
  int known_addresses_per_person = 8;
  // Where sign-in events are logged (one line each; never a password or a
  // token). Default: standard error.
  std::function<void(absl::string_view line)> log;
};

// Where a sign-in (or a password reset) comes from.
struct SignInOrigin {
  // The client's address without its port ("10.0.0.5", "::1"), for
  // throttling and the log; empty when unknown.
  std::string peer;
  // A browser session (the gateway's cookie) rather than a bearer token.
  bool browser = false;
};

// v1::Role <-> Role.
std::optional<Role> RoleFromProto(v1::Role role);
v1::Role RoleToProto(Role role);

class People final : public PersonDirectory {
 public:
  People(storage::KvStore* store, Registry* registry, const AccessPolicy* policy,
         const Clock* clock, PeopleOptions options = {});

  // PersonDirectory: the operator agency, or an agency of the registry in
  // force by the clock's date in Vietnam.
  absl::Status CheckCertificateAgency(absl::string_view agency) const override;

  // ---- The User resource (Registry service) ----
  absl::StatusOr<v1::User> GetUser(const Caller& caller, absl::string_view name) const;
  absl::StatusOr<v1::ListUsersResponse> ListUsers(const Caller& caller,
                                                  const v1::ListUsersRequest& request) const;
  absl::StatusOr<v1::User> CreateUser(const Caller& caller, const v1::CreateUserRequest& request);
  absl::StatusOr<v1::User> UpdateUser(const Caller& caller, const v1::UpdateUserRequest& request);
  absl::Status DeleteUser(const Caller& caller, const v1::DeleteUserRequest& request);
  absl::StatusOr<v1::User> SetPassword(const Caller& caller,
                                       const v1::SetPasswordRequest& request);
  absl::StatusOr<v1::PasswordReset> CreatePasswordReset(
      const Caller& caller, const v1::CreatePasswordResetRequest& request);

  // ---- Signing in and out (Auth service) ----
  absl::StatusOr<v1::LoginResponse> Login(const v1::LoginRequest& request,
                                          const SignInOrigin& origin);
  // Ends the session of `token`; UNAUTHENTICATED when it has already ended.
  absl::Status Logout(absl::string_view token, const SignInOrigin& origin);
  absl::Status ResetPassword(const v1::ResetPasswordRequest& request,
                             const SignInOrigin& origin);
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const Caller& caller) const;

  // ---- The first administrator (tonghopd --bootstrap-admin) ----
  // Creates `users/{user_id}` in `agency` as an active administrator with
  // `password`, or, when they exist in that agency, makes them an active
  // administrator again with that password (ending their sessions). The
  // agency must exist, unless it is the instance's operator agency (an
  // empty registry). No caller: only the server's own machine runs this.
  absl::StatusOr<v1::User> BootstrapAdmin(absl::string_view user_id, absl::string_view agency,
                                          absl::string_view password);

  // ---- PersonDirectory (for the Authenticator) ----
  absl::StatusOr<Caller> Person(absl::string_view user) const override;
  absl::StatusOr<Caller> Session(absl::string_view token) const override;

 private:
  struct Account;

  absl::StatusOr<Account> ReadAccount(absl::string_view id) const;
  // The active person of `account` as a caller; UNAUTHENTICATED otherwise.
  static absl::StatusOr<Caller> CallerOf(const Account& account, absl::string_view user);
  // The user as written: etag, update time, index and reference entries.
  absl::StatusOr<v1::User> PutUser(storage::WriteBatch& batch, v1::User user,
                                   const std::optional<v1::User>& before);
  // Calls `visit` with each key under `prefix` (from `start`, when given) of
  // an index (tag, first, second) and its second component, until it
  // returns false.
  absl::Status ScanIndex(
      const std::string& prefix, const std::string& start,
      const std::function<bool(absl::string_view key, const std::string& second)>& visit) const;
  // Adds the deletion of every session of `id` to `batch`.
  absl::Status DropSessions(storage::WriteBatch& batch, absl::string_view id) const;
  // Adds to `batch` the removal of a few sessions that expired before
  // `now`, of anyone: sessions nobody signs out of do not pile up.
  absl::Status SweepExpiredSessions(storage::WriteBatch& batch, absl::Time now) const;
  // Adds to `batch` the new password `hash` of the person of `account`
  // (which must have a user), ending their sessions and any reset code.
  absl::StatusOr<v1::User> PutPassword(storage::WriteBatch& batch, const Account& account,
                                       const std::string& hash);
  // OK, or RESOURCE_EXHAUSTED with the wait, for a sign-in of `user_key`
  // from `origin`.
  absl::Status CheckThrottle(absl::string_view user_key, const SignInOrigin& origin,
                             absl::string_view what);
  // Records a failed sign-in (or reset) and logs it.
  void RecordFailure(absl::string_view user_key, const SignInOrigin& origin,
                     absl::string_view what, absl::string_view why);
  // Runs `hash_work` if fewer than max_concurrent_hashes are running, else
  // UNAVAILABLE with a retry delay.
  absl::Status WithHashSlot(const std::function<absl::Status()>& hash_work);
  // The one place sign-in events are recorded: login (succeeded, failed,
  // slowed), logout, password set or reset, reset code issued.
  void RecordAuthEvent(absl::string_view event, absl::string_view user,
                       const SignInOrigin& origin, absl::string_view detail) const;

  storage::KvStore* store_;
  Registry* registry_;
  const AccessPolicy* policy_;
  const Clock* clock_;
  PeopleOptions options_;
  // After a sign-in (or a reset) that proved the person: see people.cc.
  void RecordSuccess(absl::string_view user_key, const SignInOrigin& origin);
  // Whether `user` signed in from `peer` before (since the server started).
  bool IsKnownAddress(absl::string_view user, absl::string_view peer) const;
  void RememberAddress(absl::string_view user, absl::string_view peer);

  FailureThrottle person_at_address_throttle_;
  FailureThrottle person_throttle_;
  FailureThrottle peer_throttle_;
  mutable absl::Mutex known_mu_;
  // person → addresses of earlier sign-ins, oldest first; bounded like the
  // throttles (FailureThrottle::Options::max_keys persons).
  absl::flat_hash_map<std::string, std::deque<std::string>> known_addresses_
      ABSL_GUARDED_BY(known_mu_);
  std::atomic<int> hashes_in_flight_{0};
};

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_PEOPLE_H_
