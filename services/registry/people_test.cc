#include "services/registry/people.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/audit_log.h"
#include "services/common/errors.h"
#include "storage/key_encoding.h"
#include "storage/memory_store.h"

namespace tonghop::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPassword[] = "mật khẩu của Lan 2026";
constexpr char kOperator[] = "agencies/bo-tu-phap";

v1::Agency MakeAgency(const std::string& display_name, v1::AgencyKind kind,
                      const std::string& parent) {
  v1::Agency a;
  a.set_display_name(display_name);
  a.set_kind(kind);
  a.set_parent(parent);
  return a;
}

std::string Reason(const absl::Status& status) { return GetErrorInfo(status).reason(); }

// Collects the log lines, to check what is logged and that no secret is.
class LogCapture {
 public:
  std::function<void(absl::string_view)> Sink() {
    return [this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    };
  }
  std::string All() const {
    absl::MutexLock lock(&mu_);
    std::string all;
    for (const auto& line : lines_) absl::StrAppend(&all, line, "\n");
    return all;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_;
};

class PeopleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PeopleOptions options;
    options.log = log_.Sink();
    options.person_throttle.free_failures = 3;
    options.person_throttle.base_delay = absl::Seconds(10);
    options.peer_throttle.free_failures = 6;
    options.peer_throttle.base_delay = absl::Seconds(30);
    people_ = std::make_unique<People>(&store_, &registry_, &policy_, &clock_, options);

    v1::Agency ministry = MakeAgency("Bộ Tư pháp", v1::AGENCY_KIND_MINISTRY, "");
    ministry.set_focal_agency(kOperator);
    CreateAgency("bo-tu-phap", ministry);
    v1::Agency dong_nai = MakeAgency("Tỉnh Đồng Nai", v1::AGENCY_KIND_PROVINCE, kOperator);
    CreateAgency("dong-nai", dong_nai);
    CreateAgency("dong-nai-so-tu-phap", MakeAgency("Sở Tư pháp tỉnh Đồng Nai",
                                                   v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai"));
    CreateAgency("dong-nai-so-y-te", MakeAgency("Sở Y tế tỉnh Đồng Nai",
                                                v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai"));
    CreateAgency("ha-noi", MakeAgency("Thành phố Hà Nội", v1::AGENCY_KIND_PROVINCE, kOperator));
    v1::UpdateAgencyRequest focal;
    *focal.mutable_agency() = *registry_.GetAgency("agencies/dong-nai");
    focal.mutable_agency()->set_focal_agency("agencies/dong-nai-so-tu-phap");
    ASSERT_TRUE(registry_.UpdateAgency(instance_, focal).ok());
  }

  void CreateAgency(const std::string& id, const v1::Agency& agency) {
    v1::CreateAgencyRequest request;
    request.set_agency_id(id);
    *request.mutable_agency() = agency;
    auto created = registry_.CreateAgency(instance_, request);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  static v1::User Person(const std::string& agency, std::vector<v1::Role> roles) {
    v1::User user;
    user.set_display_name("Nguyễn Thị Lan");
    user.set_agency(agency);
    for (v1::Role role : roles) user.add_roles(role);
    user.set_email("lan.nguyen@stp.dongnai.gov.vn");
    return user;
  }

  absl::StatusOr<v1::User> Create(const std::string& id, const v1::User& user,
                                  const Caller& caller) {
    v1::CreateUserRequest request;
    request.set_user_id(id);
    *request.mutable_user() = user;
    return people_->CreateUser(caller, request);
  }

  // Creates a person with kPassword, as the instance.
  v1::User CreateWithPassword(const std::string& id, const std::string& agency,
                              std::vector<v1::Role> roles) {
    absl::StatusOr<v1::User> user = Create(id, Person(agency, roles), instance_);
    EXPECT_TRUE(user.ok()) << user.status();
    v1::SetPasswordRequest set;
    set.set_name("users/" + id);
    set.set_new_password(kPassword);
    absl::StatusOr<v1::User> with_password = people_->SetPassword(instance_, set);
    EXPECT_TRUE(with_password.ok()) << with_password.status();
    return with_password.ok() ? *with_password : v1::User();
  }

  absl::StatusOr<v1::LoginResponse> Login(const std::string& user, const std::string& password,
                                          const std::string& peer = "10.0.0.5") {
    v1::LoginRequest request;
    request.set_user(user);
    request.set_password(password);
    SignInOrigin origin;
    origin.peer = peer;
    return people_->Login(request, origin);
  }

  absl::StatusOr<Caller> SignIn(const std::string& user) {
    absl::StatusOr<v1::LoginResponse> login = Login(user, kPassword);
    if (!login.ok()) return login.status();
    return people_->Session(login->token());
  }

  storage::MemoryStore store_;
  AccessPolicy policy_{kOperator};
  FakeClock clock_{absl::FromUnixSeconds(1793000000)};
  AuditLog audit_{&store_, "registry", &clock_};
  Registry registry_{&store_, &policy_, &audit_};
  LogCapture log_;
  std::unique_ptr<People> people_;
  Caller instance_{kOperator};
};

TEST_F(PeopleTest, CreateGetAndTheRecordCarriesNoSecret) {
  v1::User lan = CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  EXPECT_EQ(lan.name(), "users/lan");
  EXPECT_EQ(lan.state(), v1::USER_STATE_ACTIVE);
  EXPECT_TRUE(lan.has_create_time());
  EXPECT_TRUE(lan.has_password_change_time());
  EXPECT_FALSE(lan.etag().empty());
  absl::StatusOr<v1::User> got = people_->GetUser(instance_, "users/lan");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->etag(), lan.etag());
  EXPECT_FALSE(absl::StrContains(got->SerializeAsString(), "argon2"));
  // Only the credential record holds the hash, and never the password.
  bool hash_seen = false;
  ASSERT_TRUE(store_
                  .Scan(kPeopleColumnFamily, "", "",
                        [&](absl::string_view, absl::string_view value) {
                          EXPECT_FALSE(absl::StrContains(value, kPassword));
                          hash_seen = hash_seen || absl::StrContains(value, "$argon2id$");
                          return true;
                        })
                  .ok());
  EXPECT_TRUE(hash_seen);
  EXPECT_FALSE(absl::StrContains(log_.All(), kPassword));
}

TEST_F(PeopleTest, ValidationListsEveryMistake) {
  v1::User user = Person("agencies/khong-co", {v1::ROLE_CLERK});
  user.add_roles(static_cast<v1::Role>(99));
  user.add_roles(v1::ROLE_CLERK);
  user.set_email("lan@@example");
  user.set_phone("call me");
  user.set_state(static_cast<v1::UserState>(7));
  absl::StatusOr<v1::User> created = Create("lan", user, instance_);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << created.status();
  std::vector<std::string> fields;
  google::rpc::BadRequest bad_request = GetBadRequest(created.status());
  for (const auto& v : bad_request.field_violations()) {
    fields.push_back(v.field());
  }
  EXPECT_THAT(fields, ElementsAre("user.agency", "user.roles[1]", "user.roles[2]", "user.email",
                                  "user.phone", "user.state"));
  EXPECT_EQ(Create("Lan", Person(kOperator, {v1::ROLE_CLERK}), instance_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Create("lan", Person(kOperator, {}), instance_).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing was stored.
  EXPECT_EQ(people_->GetUser(instance_, "users/lan").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(PeopleTest, NamesAreStoredInNfc) {
  v1::User user = Person("agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  user.set_display_name("Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Lan");  // decomposed
  absl::StatusOr<v1::User> created = Create("lan", user, instance_);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->display_name(), "Nguyễn Thị Lan");
}

TEST_F(PeopleTest, RequestIdAppliesOnce) {
  v1::CreateUserRequest request;
  request.set_user_id("lan");
  *request.mutable_user() = Person("agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  request.set_request_id("5b1c1b7e-0000-4000-8000-000000000001");
  absl::StatusOr<v1::User> first = people_->CreateUser(instance_, request);
  absl::StatusOr<v1::User> again = people_->CreateUser(instance_, request);
  ASSERT_TRUE(first.ok() && again.ok()) << again.status();
  EXPECT_EQ(first->etag(), again->etag());
  request.mutable_user()->set_display_name("Another");
  EXPECT_EQ(Reason(people_->CreateUser(instance_, request).status()), "REQUEST_ID_REUSED");
}

TEST_F(PeopleTest, UpdateWithMaskAndEtag) {
  v1::User lan = CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  v1::UpdateUserRequest update;
  update.mutable_user()->set_name("users/lan");
  update.mutable_user()->set_phone("+84 912 345 678");
  update.mutable_user()->set_etag(lan.etag());
  update.mutable_update_mask()->add_paths("phone");
  absl::StatusOr<v1::User> updated = people_->UpdateUser(instance_, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->phone(), "+84 912 345 678");
  EXPECT_EQ(updated->email(), lan.email());
  EXPECT_EQ(updated->password_change_time().seconds(), lan.password_change_time().seconds());
  // The etag it was read with is stale now.
  EXPECT_EQ(people_->UpdateUser(instance_, update).status().code(), absl::StatusCode::kAborted);
  update.mutable_update_mask()->set_paths(0, "password_change_time");
  update.mutable_user()->clear_etag();
  EXPECT_EQ(people_->UpdateUser(instance_, update).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PeopleTest, ThePolicyDecidesWhoReadsAndWritesPeople) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  CreateWithPassword("tu", "agencies/dong-nai-so-tu-phap", {v1::ROLE_ADMIN, v1::ROLE_REVIEWER});
  CreateWithPassword("hoa", "agencies/ha-noi", {v1::ROLE_ADMIN});
  absl::StatusOr<Caller> lan = SignIn("lan");
  absl::StatusOr<Caller> tu = SignIn("users/tu");
  absl::StatusOr<Caller> hoa = SignIn("hoa");
  ASSERT_TRUE(lan.ok() && tu.ok() && hoa.ok());

  EXPECT_TRUE(people_->GetUser(*lan, "users/lan").ok());
  EXPECT_EQ(people_->GetUser(*lan, "users/tu").status().code(),
            absl::StatusCode::kPermissionDenied);
  // The Department of Justice's admin reaches the province's people.
  EXPECT_TRUE(people_->GetUser(*tu, "users/lan").ok());
  EXPECT_EQ(people_->GetUser(*hoa, "users/lan").status().code(),
            absl::StatusCode::kPermissionDenied);
  // Permission before existence: a stranger cannot tell who exists.
  EXPECT_EQ(people_->GetUser(*hoa, "users/nobody").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(people_->GetUser(instance_, "users/nobody").status().code(),
            absl::StatusCode::kNotFound);

  // A clerk cannot create people; the province's admin can, in the province.
  EXPECT_EQ(Create("an", Person("agencies/dong-nai-so-y-te", {v1::ROLE_CLERK}), *lan)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Create("an", Person("agencies/dong-nai-so-y-te", {v1::ROLE_CLERK}), *tu).ok());
  EXPECT_EQ(Create("binh", Person("agencies/ha-noi", {v1::ROLE_CLERK}), *tu).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Nobody raises their own standing.
  v1::UpdateUserRequest raise;
  raise.mutable_user()->set_name("users/tu");
  raise.mutable_user()->add_roles(v1::ROLE_ADMIN);
  raise.mutable_user()->add_roles(v1::ROLE_ANALYST);
  raise.mutable_update_mask()->add_paths("roles");
  EXPECT_EQ(people_->UpdateUser(*tu, raise).status().code(), absl::StatusCode::kPermissionDenied);

  // Lists hold only whom the caller may read.
  v1::ListUsersRequest list;
  absl::StatusOr<v1::ListUsersResponse> as_lan = people_->ListUsers(*lan, list);
  ASSERT_TRUE(as_lan.ok());
  ASSERT_EQ(as_lan->users_size(), 1);
  EXPECT_EQ(as_lan->users(0).name(), "users/lan");
  absl::StatusOr<v1::ListUsersResponse> as_tu = people_->ListUsers(*tu, list);
  ASSERT_TRUE(as_tu.ok());
  EXPECT_EQ(as_tu->users_size(), 3);  // an, lan, tu
}

TEST_F(PeopleTest, ListByAgencyPages) {
  for (const char* id : {"a1", "a2", "a3", "a4", "a5"}) {
    ASSERT_TRUE(Create(id, Person("agencies/dong-nai-so-y-te", {v1::ROLE_CLERK}), instance_).ok());
  }
  ASSERT_TRUE(Create("b1", Person("agencies/ha-noi", {v1::ROLE_CLERK}), instance_).ok());
  v1::ListUsersRequest request;
  request.set_agency("agencies/dong-nai-so-y-te");
  request.set_page_size(2);
  std::vector<std::string> names;
  for (int page = 0; page < 5; ++page) {
    absl::StatusOr<v1::ListUsersResponse> response = people_->ListUsers(instance_, request);
    ASSERT_TRUE(response.ok()) << response.status();
    for (const auto& user : response->users()) names.push_back(user.name());
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  EXPECT_THAT(names, ElementsAre("users/a1", "users/a2", "users/a3", "users/a4", "users/a5"));
  // A token belongs to its query.
  request.set_agency("agencies/ha-noi");
  EXPECT_EQ(people_->ListUsers(instance_, request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PeopleTest, AnAgencyWithPeopleIsNotDeleted) {
  ASSERT_TRUE(Create("lan", Person("agencies/dong-nai-so-y-te", {v1::ROLE_CLERK}), instance_).ok());
  v1::DeleteAgencyRequest delete_agency;
  delete_agency.set_name("agencies/dong-nai-so-y-te");
  absl::Status refused = registry_.DeleteAgency(instance_, delete_agency);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr("users/lan"));
  v1::DeleteUserRequest delete_user;
  delete_user.set_name("users/lan");
  ASSERT_TRUE(people_->DeleteUser(instance_, delete_user).ok());
  EXPECT_TRUE(registry_.DeleteAgency(instance_, delete_agency).ok());
}

TEST_F(PeopleTest, SignInGivesASessionThatNamesThePerson) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK, v1::ROLE_ANALYST});
  absl::StatusOr<v1::LoginResponse> login = Login("lan", kPassword);
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->token().size(), 43u);  // 32 bytes, base64url
  EXPECT_EQ(login->user().name(), "users/lan");
  EXPECT_EQ(absl::FromUnixSeconds(login->expire_time().seconds()),
            clock_.Now() + absl::Hours(12));
  absl::StatusOr<Caller> caller = people_->Session(login->token());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->agency, "agencies/dong-nai-so-y-te");
  EXPECT_EQ(caller->user, "users/lan");
  EXPECT_TRUE(caller->is_person());
  EXPECT_TRUE(caller->HasRole(Role::kClerk));
  EXPECT_TRUE(caller->HasRole(Role::kAnalyst));
  EXPECT_FALSE(caller->HasRole(Role::kReviewer));
  EXPECT_EQ(caller->credential, "bearer");
  // The token itself is nowhere in the store or the log.
  ASSERT_TRUE(store_
                  .Scan(kPeopleColumnFamily, "", "",
                        [&](absl::string_view key, absl::string_view value) {
                          EXPECT_FALSE(absl::StrContains(key, login->token()));
                          EXPECT_FALSE(absl::StrContains(value, login->token()));
                          return true;
                        })
                  .ok());
  EXPECT_FALSE(absl::StrContains(log_.All(), login->token()));
  EXPECT_THAT(log_.All(), HasSubstr("auth: sign-in user=users/lan peer=10.0.0.5"));
}

TEST_F(PeopleTest, WrongPasswordAndUnknownPersonLookTheSame) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::Status wrong = Login("lan", "not the password").status();
  absl::Status unknown = Login("nobody", "not the password").status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.message(), unknown.message());
  EXPECT_EQ(Reason(wrong), "WRONG_CREDENTIALS");
  EXPECT_EQ(GetVietnameseMessage(wrong), "Sai tên đăng nhập hoặc mật khẩu.");
  EXPECT_THAT(log_.All(), HasSubstr("sign-in failed user=users/lan peer=10.0.0.5"));
  EXPECT_FALSE(absl::StrContains(log_.All(), "not the password"));
}

// Every refused sign-in answers alike, whatever the reason: the code, the
// message, the ErrorInfo reason and the Vietnamese text (absl::Status's ==
// compares them all), and the same slowing after the same number of tries.
// Only the log tells an administrator why.
TEST_F(PeopleTest, ARefusedSignInSaysNothingOfWhyItWasRefused) {
  struct Case {
    const char* what;
    const char* user;
    bool disabled;
    const char* password;
    // The person as the log names them.
    const char* shown;
    // What the log says, for the administrator.
    const char* logged;
  };
  const Case kCases[] = {
      {"wrong password", "an", false, "not the password", "users/an", "wrong password"},
      {"unknown person", "nobody", false, kPassword, "(an id that names no one)",
       "unknown person"},
      {"disabled, right password", "binh", true, kPassword, "users/binh",
       "the person is disabled (the password was right)"},
      {"disabled, wrong password", "chi", true, "not the password", "users/chi",
       "wrong password"},
  };
  const absl::Status wrong = Login("no-one-at-all", "not the password", "10.1.1.1").status();
  ASSERT_EQ(Reason(wrong), "WRONG_CREDENTIALS");
  int address = 0;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.what);
    if (std::string(c.user) != "nobody") {
      CreateWithPassword(c.user, "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
    }
    if (c.disabled) {
      v1::UpdateUserRequest disable;
      disable.mutable_user()->set_name(absl::StrCat("users/", c.user));
      disable.mutable_user()->set_state(v1::USER_STATE_DISABLED);
      disable.mutable_update_mask()->add_paths("state");
      ASSERT_TRUE(people_->UpdateUser(instance_, disable).ok());
    }
    // Three free failures per person, each from an address of its own…
    for (int i = 0; i < 4; ++i) {
      absl::Status refused =
          Login(c.user, c.password, absl::StrCat("10.2.", address, ".", i)).status();
      EXPECT_EQ(refused, wrong);
    }
    // … and then the person is slowed down, the same way in every case.
    absl::Status slowed = Login(c.user, c.password, absl::StrCat("10.2.", address, ".9")).status();
    EXPECT_EQ(slowed.code(), absl::StatusCode::kResourceExhausted) << slowed;
    EXPECT_EQ(Reason(slowed), "LOGIN_THROTTLED");
    EXPECT_EQ(GetRetryDelay(slowed), absl::Seconds(10));
    EXPECT_THAT(log_.All(), HasSubstr(absl::StrCat("sign-in failed user=", c.shown,
                                                   " peer=10.2.", address, ".0: ", c.logged,
                                                   "; 1 in a row")));
    ++address;
  }
  // A disabled person's password is not a secret she keeps through it:
  // enabled again, she signs in with it.
  clock_.Advance(absl::Hours(2));
  v1::UpdateUserRequest enable;
  enable.mutable_user()->set_name("users/binh");
  enable.mutable_user()->set_state(v1::USER_STATE_ACTIVE);
  enable.mutable_update_mask()->add_paths("state");
  ASSERT_TRUE(people_->UpdateUser(instance_, enable).ok());
  EXPECT_TRUE(Login("binh", kPassword).ok());
}

// People type their password into the user field: an id that names no one
// is not written to the log.
TEST_F(PeopleTest, AnIdThatNamesNoOneIsNotLogged) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  ASSERT_FALSE(Login("mat-khau-bi-mat-123", "lan").ok());
  EXPECT_FALSE(absl::StrContains(log_.All(), "mat-khau-bi-mat-123"));
  EXPECT_THAT(log_.All(), HasSubstr("sign-in failed user=(an id that names no one)"));
}

TEST_F(PeopleTest, SessionsExpireByTheClock) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::StatusOr<v1::LoginResponse> login = Login("lan", kPassword);
  ASSERT_TRUE(login.ok());
  clock_.Advance(absl::Hours(12) - absl::Seconds(1));
  EXPECT_TRUE(people_->Session(login->token()).ok());
  clock_.Advance(absl::Seconds(1));
  absl::Status expired = people_->Session(login->token()).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Reason(expired), "SESSION_ENDED");
}

TEST_F(PeopleTest, LogoutEndsOnlyThatSession) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::StatusOr<v1::LoginResponse> laptop = Login("lan", kPassword);
  absl::StatusOr<v1::LoginResponse> phone = Login("lan", kPassword);
  ASSERT_TRUE(laptop.ok() && phone.ok());
  ASSERT_TRUE(people_->Logout(laptop->token(), SignInOrigin()).ok());
  EXPECT_EQ(people_->Session(laptop->token()).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(people_->Session(phone->token()).ok());
  EXPECT_EQ(people_->Logout(laptop->token(), SignInOrigin()).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(people_->Session("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(people_->Session(std::string(5000, 'x')).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(PeopleTest, ExpiredSessionsAreSweptFromTheStore) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  CreateWithPassword("an", "agencies/dong-nai-so-y-te", {v1::ROLE_ANALYST});
  auto session_records = [&] {
    int count = 0;
    std::string prefix(1, '\x03');  // sessions, by token hash
    EXPECT_TRUE(store_
                    .Scan(kPeopleColumnFamily, prefix, storage::PrefixEnd(prefix),
                          [&](absl::string_view, absl::string_view) {
                            ++count;
                            return true;
                          })
                    .ok());
    return count;
  };
  ASSERT_TRUE(Login("lan", kPassword).ok());
  ASSERT_TRUE(Login("lan", kPassword).ok());
  EXPECT_EQ(session_records(), 2);
  // Lan never signs out; once her sessions have expired, someone else's
  // sign-in sweeps them.
  clock_.Advance(absl::Hours(13));
  ASSERT_TRUE(Login("an", kPassword).ok());
  EXPECT_EQ(session_records(), 1);
}

TEST_F(PeopleTest, DisablingEndsEverySessionAtOnceAndForGood) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::StatusOr<v1::LoginResponse> login = Login("lan", kPassword);
  ASSERT_TRUE(login.ok());
  v1::UpdateUserRequest disable;
  disable.mutable_user()->set_name("users/lan");
  disable.mutable_user()->set_state(v1::USER_STATE_DISABLED);
  disable.mutable_update_mask()->add_paths("state");
  ASSERT_TRUE(people_->UpdateUser(instance_, disable).ok());
  EXPECT_EQ(people_->Session(login->token()).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Reason(people_->Person("users/lan").status()), "USER_DISABLED");
  EXPECT_EQ(Reason(Login("lan", kPassword).status()), "WRONG_CREDENTIALS");
  // Enabled again, the old session stays ended.
  v1::UpdateUserRequest enable = disable;
  enable.mutable_user()->set_state(v1::USER_STATE_ACTIVE);
  ASSERT_TRUE(people_->UpdateUser(instance_, enable).ok());
  EXPECT_EQ(people_->Session(login->token()).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Login("lan", kPassword).ok());
}

TEST_F(PeopleTest, RoleChangesApplyToOpenSessions) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::StatusOr<v1::LoginResponse> login = Login("lan", kPassword);
  ASSERT_TRUE(login.ok());
  v1::UpdateUserRequest update;
  update.mutable_user()->set_name("users/lan");
  update.mutable_user()->add_roles(v1::ROLE_ANALYST);
  update.mutable_update_mask()->add_paths("roles");
  ASSERT_TRUE(people_->UpdateUser(instance_, update).ok());
  absl::StatusOr<Caller> caller = people_->Session(login->token());
  ASSERT_TRUE(caller.ok());
  EXPECT_FALSE(caller->HasRole(Role::kClerk));
  EXPECT_TRUE(caller->HasRole(Role::kAnalyst));
}

TEST_F(PeopleTest, ChangingOwnPasswordNeedsTheCurrentOneAndEndsSessions) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::StatusOr<v1::LoginResponse> login = Login("lan", kPassword);
  ASSERT_TRUE(login.ok());
  absl::StatusOr<Caller> lan = people_->Session(login->token());
  ASSERT_TRUE(lan.ok());
  v1::SetPasswordRequest change;
  change.set_name("users/lan");
  change.set_new_password("một mật khẩu mới hơn");
  EXPECT_EQ(people_->SetPassword(*lan, change).status().code(),
            absl::StatusCode::kInvalidArgument);
  change.set_current_password("a guess at the current one");
  absl::Status wrong = people_->SetPassword(*lan, change).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(wrong), "WRONG_CURRENT_PASSWORD");
  change.set_current_password(kPassword);
  ASSERT_TRUE(people_->SetPassword(*lan, change).ok());
  EXPECT_EQ(people_->Session(login->token()).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("lan", kPassword).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Login("lan", "một mật khẩu mới hơn").ok());
  EXPECT_FALSE(absl::StrContains(log_.All(), "một mật khẩu mới hơn"));
  EXPECT_FALSE(absl::StrContains(log_.All(), "a guess at the current one"));
}

TEST_F(PeopleTest, AdminsResetPasswordsInTheirReachOnly) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  CreateWithPassword("tu", "agencies/dong-nai-so-tu-phap", {v1::ROLE_ADMIN});
  CreateWithPassword("hoa", "agencies/ha-noi", {v1::ROLE_ADMIN});
  absl::StatusOr<Caller> tu = SignIn("tu");
  absl::StatusOr<Caller> hoa = SignIn("hoa");
  absl::StatusOr<Caller> lan = SignIn("lan");
  ASSERT_TRUE(tu.ok() && hoa.ok() && lan.ok());
  v1::SetPasswordRequest reset;
  reset.set_name("users/lan");
  reset.set_new_password("đặt lại bởi quản trị");
  EXPECT_EQ(people_->SetPassword(*hoa, reset).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::SetPasswordRequest other;
  other.set_name("users/tu");
  other.set_new_password("đặt lại bởi người khác");
  EXPECT_EQ(people_->SetPassword(*lan, other).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(people_->SetPassword(*tu, reset).ok());
  EXPECT_TRUE(Login("lan", "đặt lại bởi quản trị").ok());
}

TEST_F(PeopleTest, RepeatedFailuresAreSlowedPerPerson) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Login("lan", "guess number " + std::to_string(i)).status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  // The fourth failure locks the person for 10 s.
  EXPECT_EQ(Login("lan", "guess number 3").status().code(), absl::StatusCode::kUnauthenticated);
  absl::Status locked = Login("lan", kPassword).status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kResourceExhausted) << locked;
  EXPECT_EQ(Reason(locked), "LOGIN_THROTTLED");
  EXPECT_EQ(GetRetryDelay(locked), absl::Seconds(10));
  // From another address too: it is the person who is locked.
  EXPECT_EQ(Login("lan", kPassword, "10.9.9.9").status().code(),
            absl::StatusCode::kResourceExhausted);
  clock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(Login("lan", kPassword).ok());
  EXPECT_THAT(log_.All(), HasSubstr("locked for 10s"));
  // A success starts the count afresh.
  EXPECT_EQ(Login("lan", "guess again").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Login("lan", kPassword).ok());
}

TEST_F(PeopleTest, StrangersCannotLockAPersonOutOfWhereSheSignedInBefore) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  ASSERT_TRUE(Login("lan", kPassword, "10.0.0.5").ok());
  // Guesses from four other addresses lock the person everywhere else…
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Login("lan", "guess", absl::StrCat("10.6.6.", i)).status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(Login("lan", kPassword, "10.7.7.7").status().code(),
            absl::StatusCode::kResourceExhausted);
  // … but not at her own office's address.
  EXPECT_TRUE(Login("lan", kPassword, "10.0.0.5").ok());
  // Her success does not give the strangers a fresh count.
  EXPECT_EQ(Login("lan", kPassword, "10.6.6.9").status().code(),
            absl::StatusCode::kResourceExhausted);
  // Guessing from her address is slowed there too (5 free failures).
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(Login("lan", "guess", "10.0.0.5").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  absl::Status locked = Login("lan", kPassword, "10.0.0.5").status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kResourceExhausted) << locked;
  EXPECT_EQ(Reason(locked), "LOGIN_THROTTLED");
}

TEST_F(PeopleTest, RepeatedFailuresAreSlowedPerAddress) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  // Guessing across many names from one address.
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Login("user-" + std::to_string(i), "guess").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  absl::Status locked = Login("lan", kPassword, "10.0.0.5").status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetRetryDelay(locked), absl::Seconds(30));
  EXPECT_TRUE(Login("lan", kPassword, "10.0.0.6").ok());
}

TEST_F(PeopleTest, ResetCodesWorkOnceAndExpire) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::StatusOr<v1::LoginResponse> session = Login("lan", kPassword);
  ASSERT_TRUE(session.ok());
  v1::CreatePasswordResetRequest issue;
  issue.set_name("users/lan");
  absl::StatusOr<v1::PasswordReset> reset = people_->CreatePasswordReset(instance_, issue);
  ASSERT_TRUE(reset.ok()) << reset.status();
  EXPECT_GE(reset->code().size(), 20u);
  EXPECT_FALSE(absl::StrContains(log_.All(), reset->code()));
  v1::ResetPasswordRequest redeem;
  redeem.set_user("lan");
  redeem.set_code(reset->code());
  redeem.set_new_password("mật khẩu sau khi quên");
  ASSERT_TRUE(people_->ResetPassword(redeem, SignInOrigin()).ok());
  EXPECT_EQ(people_->Session(session->token()).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Login("lan", "mật khẩu sau khi quên").ok());
  redeem.set_new_password("lần thứ hai không được");
  EXPECT_EQ(Reason(people_->ResetPassword(redeem, SignInOrigin())), "RESET_CODE_INVALID");

  absl::StatusOr<v1::PasswordReset> late = people_->CreatePasswordReset(instance_, issue);
  ASSERT_TRUE(late.ok());
  clock_.Advance(absl::Hours(24));
  redeem.set_code(late->code());
  EXPECT_EQ(Reason(people_->ResetPassword(redeem, SignInOrigin())), "RESET_CODE_INVALID");
}

TEST_F(PeopleTest, BootstrapMakesAndResetsTheFirstAdministrator) {
  // A registry without the operator agency yet (an empty registry).
  storage::MemoryStore empty_store;
  AuditLog empty_audit(&empty_store, "registry", &clock_);
  Registry empty_registry(&empty_store, &policy_, &empty_audit);
  PeopleOptions options;
  options.log = log_.Sink();
  People people(&empty_store, &empty_registry, &policy_, &clock_, options);
  absl::StatusOr<v1::User> admin = people.BootstrapAdmin("admin", kOperator, "mật khẩu quản trị");
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->agency(), kOperator);
  EXPECT_THAT(admin->roles(), ElementsAre(v1::ROLE_ADMIN));
  v1::LoginRequest login;
  login.set_user("admin");
  login.set_password("mật khẩu quản trị");
  absl::StatusOr<v1::LoginResponse> session = people.Login(login, SignInOrigin());
  ASSERT_TRUE(session.ok()) << session.status();
  absl::StatusOr<Caller> caller = people.Session(session->token());
  ASSERT_TRUE(caller.ok());
  EXPECT_TRUE(policy_.IsAuthority(*caller));
  // Again: the password is reset and the old session ends.
  ASSERT_TRUE(people.BootstrapAdmin("admin", kOperator, "mật khẩu quản trị mới").ok());
  EXPECT_EQ(people.Session(session->token()).status().code(), absl::StatusCode::kUnauthenticated);
  login.set_password("mật khẩu quản trị mới");
  EXPECT_TRUE(people.Login(login, SignInOrigin()).ok());
  // Another agency must exist first.
  EXPECT_EQ(people.BootstrapAdmin("x", "agencies/dong-nai-so-tu-phap", "mật khẩu quản trị").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PeopleTest, WhoAmINamesThePerson) {
  CreateWithPassword("lan", "agencies/dong-nai-so-y-te", {v1::ROLE_CLERK});
  absl::StatusOr<Caller> lan = SignIn("lan");
  ASSERT_TRUE(lan.ok());
  absl::StatusOr<v1::WhoAmIResponse> me = people_->WhoAmI(*lan);
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->user(), "users/lan");
  EXPECT_EQ(me->display_name(), "Nguyễn Thị Lan");
  EXPECT_EQ(me->agency(), "agencies/dong-nai-so-y-te");
  EXPECT_THAT(me->roles(), ElementsAre(v1::ROLE_CLERK));
  EXPECT_EQ(me->credential(), "bearer");
}

}  // namespace
}  // namespace tonghop::registry
