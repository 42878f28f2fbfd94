#include "clients/cli/user_commands.h"

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "clients/cli/output.h"
#include "clients/client/token_store.h"
#include "services/common/errors.h"
#include "services/common/terminal.h"
#include "tonghop/v1/auth_service.grpc.pb.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::cli {
namespace {

// What officials read, Vietnamese with the English beside each. $0, $1 …
// are filled by absl::Substitute.
struct Messages {
  // "User: " (prompt)
  const char* ask_user = "Tên đăng nhập / user: ";
  // "Password: " (prompt, typed without echo)
  const char* ask_password = "Mật khẩu / password: ";
  // "Current password: "
  const char* ask_current = "Mật khẩu hiện tại / current password: ";
  // "New password: "
  const char* ask_new = "Mật khẩu mới / new password: ";
  // "New password again: "
  const char* ask_again = "Nhập lại mật khẩu mới / new password again: ";
  // "One-time code: "
  const char* ask_code = "Mã dùng một lần / one-time code: ";
  // "Signed in as $0 ($1, $2) until $3."
  const char* signed_in = "Đã đăng nhập: $0 ($1, $2), hiệu lực đến $3.";
  // "Signed out of $0."
  const char* signed_out = "Đã đăng xuất khỏi $0.";
  // "Not signed in to $0."
  const char* not_signed_in = "Chưa đăng nhập vào $0.";
  // "The two entries differ; nothing was changed."
  const char* entries_differ = "Hai lần nhập khác nhau; chưa thay đổi gì.";
  // "The password of $0 was changed. Every session of $0 has ended: sign in
  // again (tonghop login)."
  const char* password_set =
      "Đã đổi mật khẩu của $0. Mọi phiên đăng nhập của $0 đã kết thúc: hãy đăng nhập lại "
      "(tonghop login).";
  // "One-time code for $0 (valid until $1; shown only now): $2"
  const char* reset_issued = "Mã đặt lại mật khẩu cho $0 (hiệu lực đến $1, chỉ hiện lần này): $2";
  // "Give it to the person in person or by telephone; they set a new password
  // with: tonghop user set-password $0 --reset-code"
  const char* reset_how =
      "Hãy trao mã trực tiếp hoặc qua điện thoại; người dùng đặt mật khẩu mới bằng lệnh:\n"
      "  tonghop user set-password $0 --reset-code";
  // "The new password of $0 is set; sign in with: tonghop login --user=$0"
  const char* reset_done = "Đã đặt mật khẩu mới cho $0; đăng nhập bằng lệnh: tonghop login --user=$0";
  // "$0 is disabled: they can do nothing and their sessions have ended."
  const char* disabled = "Đã vô hiệu hóa $0: người dùng không thao tác được nữa, mọi phiên đã kết thúc.";
  // "$0 is enabled."
  const char* enabled = "Đã kích hoạt lại $0.";
  // "Deleted $0."
  const char* deleted = "Đã xóa $0.";
  // "Which person? Give an id, or sign in first (tonghop login)."
  const char* which_user = "Người dùng nào? Hãy ghi mã người dùng, hoặc đăng nhập trước (tonghop login).";
};
const Messages kMessages;

// Column headers and states, Vietnamese (English beside).
struct Labels {
  const char* id = "Mã";               // Id
  const char* name = "Họ tên";          // Name
  const char* agency = "Cơ quan";       // Agency
  const char* roles = "Vai trò";        // Roles
  const char* state = "Trạng thái";     // State
  const char* email = "Email";          // E-mail
  const char* active = "hoạt động";     // active
  const char* disabled = "vô hiệu";     // disabled
  const char* credential = "Xác thực";  // Credential
};
const Labels kLabels;

std::string RoleLabel(int role) {
  switch (role) {
    case v1::ROLE_CLERK: return "clerk (nhập liệu)";
    case v1::ROLE_REVIEWER: return "reviewer (thẩm định)";
    case v1::ROLE_ANALYST: return "analyst (tổng hợp)";
    case v1::ROLE_ADMIN: return "admin (quản trị)";
    default: return absl::StrCat(role);
  }
}

std::string RolesText(const google::protobuf::RepeatedField<int>& roles) {
  std::vector<std::string> names;
  for (int role : roles) names.push_back(RoleLabel(role));
  return absl::StrJoin(names, ", ");
}

std::string StateLabel(v1::UserState state) {
  return state == v1::USER_STATE_DISABLED ? kLabels.disabled : kLabels.active;
}

// "clerk,reviewer" → the roles; INVALID_ARGUMENT naming the accepted ones.
absl::StatusOr<std::vector<v1::Role>> ParseRoles(const std::string& text) {
  std::vector<v1::Role> roles;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(part));
    v1::Role role;
    if (!v1::Role_Parse("ROLE_" + upper, &role) || role == v1::ROLE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--roles: unknown role \"", part, "\" (clerk, reviewer, analyst, admin)"));
    }
    roles.push_back(role);
  }
  return roles;
}

std::unique_ptr<v1::Registry::Stub> RegistryStub(CliContext& context) {
  return v1::Registry::NewStub(context.connection().channel());
}
std::unique_ptr<v1::Auth::Stub> AuthStub(CliContext& context) {
  return v1::Auth::NewStub(context.connection().channel());
}

int Usage(CliContext& context, absl::string_view usage) {
  *context.err << "usage: tonghop " << usage << "\n";
  return 2;
}

// A secret from the terminal (no echo) or standard input; prints why not.
bool ReadSecretOrSay(CliContext& context, absl::string_view prompt, std::string& secret) {
  absl::StatusOr<std::string> read = ReadSecret(prompt, *context.err);
  if (!read.ok()) {
    *context.err << "tonghop: " << read.status().message() << "\n";
    return false;
  }
  secret = *std::move(read);
  return true;
}

bool ReadNewPasswordOrSay(CliContext& context, std::string& password) {
  absl::StatusOr<std::string> read = ReadNewSecret(kMessages.ask_new, kMessages.ask_again,
                                                   *context.err);
  if (!read.ok()) {
    *context.err << (read.status().code() == absl::StatusCode::kInvalidArgument
                         ? kMessages.entries_differ
                         : absl::StrCat("tonghop: ", read.status().message()))
                 << "\n";
    return false;
  }
  password = *std::move(read);
  return true;
}

void PrintUsers(CliContext& context, const v1::ListUsersResponse& response) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::User& user : response.users()) {
    rows.push_back({IdOf(user.name()), user.display_name(), IdOf(user.agency()),
                    RolesText(user.roles()), StateLabel(user.state()), user.email()});
  }
  PrintResult(context, response,
              {kLabels.id, kLabels.name, kLabels.agency, kLabels.roles, kLabels.state,
               kLabels.email},
              rows);
}

int UserList(CliContext& context, const ParsedArgs& args) {
  v1::ListUsersRequest request;
  request.set_agency(AsName("agencies", args.Get("in-agency")));
  v1::ListUsersResponse all;
  auto stub = RegistryStub(context);
  do {
    v1::ListUsersResponse page;
    grpc::Status status =
        stub->ListUsers(context.connection().NewContext().get(), request, &page);
    if (!status.ok()) return PrintError(*context.err, status);
    for (v1::User& user : *page.mutable_users()) *all.add_users() = std::move(user);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  PrintUsers(context, all);
  return 0;
}

int UserGet(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) return Usage(context, "user get ID");
  v1::GetUserRequest request;
  request.set_name(AsName("users", args.positional[0]));
  v1::User user;
  grpc::Status status =
      RegistryStub(context)->GetUser(context.connection().NewContext().get(), request, &user);
  if (!status.ok()) return PrintError(*context.err, status);
  PrintJson(*context.out, user);
  return 0;
}

// Fills the fields of `user` the flags give, and the mask of them.
absl::Status UserFromFlags(const ParsedArgs& args, v1::User& user,
                           google::protobuf::FieldMask& mask) {
  if (args.Has("name")) {
    user.set_display_name(args.Get("name"));
    mask.add_paths("display_name");
  }
  if (args.Has("in-agency")) {
    user.set_agency(AsName("agencies", args.Get("in-agency")));
    mask.add_paths("agency");
  }
  if (args.Has("roles")) {
    absl::StatusOr<std::vector<v1::Role>> roles = ParseRoles(args.Get("roles"));
    if (!roles.ok()) return roles.status();
    for (v1::Role role : *roles) user.add_roles(role);
    mask.add_paths("roles");
  }
  if (args.Has("email")) {
    user.set_email(args.Get("email"));
    mask.add_paths("email");
  }
  if (args.Has("phone")) {
    user.set_phone(args.Get("phone"));
    mask.add_paths("phone");
  }
  return absl::OkStatus();
}

int UserCreate(CliContext& context, const ParsedArgs& args) {
  constexpr char kUsage[] =
      "user create ID --name=\"HỌ TÊN\" --in-agency=AGENCY --roles=clerk[,reviewer,analyst,admin] "
      "[--email=E] [--phone=P]";
  if (args.positional.size() != 1) return Usage(context, kUsage);
  v1::CreateUserRequest request;
  request.set_user_id(IdOf(args.positional[0]));
  request.set_request_id(client::NewRequestId());
  google::protobuf::FieldMask unused;
  absl::Status parsed = UserFromFlags(args, *request.mutable_user(), unused);
  if (!parsed.ok()) return PrintError(*context.err, parsed);
  v1::User user;
  grpc::Status status =
      RegistryStub(context)->CreateUser(context.connection().NewContext().get(), request, &user);
  if (!status.ok()) return PrintError(*context.err, status);
  PrintJson(*context.out, user);
  return 0;
}

absl::StatusOr<v1::User> Update(CliContext& context, v1::UpdateUserRequest request) {
  request.set_request_id(client::NewRequestId());
  v1::User user;
  grpc::Status status =
      RegistryStub(context)->UpdateUser(context.connection().NewContext().get(), request, &user);
  if (!status.ok()) return FromGrpcStatus(status);
  return user;
}

int UserUpdate(CliContext& context, const ParsedArgs& args) {
  constexpr char kUsage[] =
      "user update ID [--name=N] [--in-agency=A] [--roles=R,…] [--email=E] [--phone=P]";
  if (args.positional.size() != 1) return Usage(context, kUsage);
  v1::UpdateUserRequest request;
  request.mutable_user()->set_name(AsName("users", args.positional[0]));
  absl::Status parsed = UserFromFlags(args, *request.mutable_user(), *request.mutable_update_mask());
  if (!parsed.ok()) return PrintError(*context.err, parsed);
  if (request.update_mask().paths_size() == 0) return Usage(context, kUsage);
  absl::StatusOr<v1::User> user = Update(context, request);
  if (!user.ok()) return PrintError(*context.err, user.status());
  PrintJson(*context.out, *user);
  return 0;
}

CommandFn SetState(v1::UserState state) {
  return [state](CliContext& context, const ParsedArgs& args) {
    const char* words = state == v1::USER_STATE_DISABLED ? "user disable ID" : "user enable ID";
    if (args.positional.size() != 1) return Usage(context, words);
    v1::UpdateUserRequest request;
    request.mutable_user()->set_name(AsName("users", args.positional[0]));
    request.mutable_user()->set_state(state);
    request.mutable_update_mask()->add_paths("state");
    absl::StatusOr<v1::User> user = Update(context, request);
    if (!user.ok()) return PrintError(*context.err, user.status());
    *context.out << absl::Substitute(state == v1::USER_STATE_DISABLED ? kMessages.disabled
                                                                      : kMessages.enabled,
                                     user->name())
                 << "\n";
    return 0;
  };
}

int UserDelete(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) return Usage(context, "user delete ID [--etag=E]");
  v1::DeleteUserRequest request;
  request.set_name(AsName("users", args.positional[0]));
  request.set_etag(args.Get("etag"));
  request.set_request_id(client::NewRequestId());
  google::protobuf::Empty empty;
  grpc::Status status =
      RegistryStub(context)->DeleteUser(context.connection().NewContext().get(), request, &empty);
  if (!status.ok()) return PrintError(*context.err, status);
  *context.out << absl::Substitute(kMessages.deleted, request.name()) << "\n";
  return 0;
}

// `user set-password [ID]`: one's own (with the current password), another's
// (as an administrator), or with a one-time code (--reset-code).
int UserSetPassword(CliContext& context, const ParsedArgs& args) {
  constexpr char kUsage[] = "user set-password [ID] [--reset-code]";
  if (args.positional.size() > 1) return Usage(context, kUsage);
  std::string me = context.SignedInUser();
  std::string target = args.positional.empty() ? me : AsName("users", args.positional[0]);
  if (target.empty()) {
    *context.err << kMessages.which_user << "\n";
    return 2;
  }
  if (args.Has("reset-code")) {
    v1::ResetPasswordRequest request;
    request.set_user(target);
    std::string code;
    std::string password;
    if (!ReadSecretOrSay(context, kMessages.ask_code, code) ||
        !ReadNewPasswordOrSay(context, password)) {
      return 2;
    }
    request.set_code(code);
    request.set_new_password(password);
    google::protobuf::Empty empty;
    // No identity is needed: the code is the proof.
    client::Connection anonymous(context.connection().channel(), "");
    grpc::Status status = v1::Auth::NewStub(anonymous.channel())
                              ->ResetPassword(anonymous.NewContext().get(), request, &empty);
    if (!status.ok()) return PrintError(*context.err, status);
    *context.out << absl::Substitute(kMessages.reset_done, IdOf(target)) << "\n";
    return 0;
  }
  v1::SetPasswordRequest request;
  request.set_name(target);
  request.set_request_id(client::NewRequestId());
  if (target == me) {
    std::string current;
    if (!ReadSecretOrSay(context, kMessages.ask_current, current)) return 2;
    request.set_current_password(current);
  }
  std::string password;
  if (!ReadNewPasswordOrSay(context, password)) return 2;
  request.set_new_password(password);
  v1::User user;
  grpc::Status status =
      RegistryStub(context)->SetPassword(context.connection().NewContext().get(), request, &user);
  if (!status.ok()) return PrintError(*context.err, status);
  *context.out << absl::Substitute(kMessages.password_set, user.name()) << "\n";
  if (target == me) {
    // Our own session ended with the change.
    (void)client::TokenStore(context.state_dir).Remove(context.server);
  }
  return 0;
}

int UserResetLink(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) return Usage(context, "user reset-link ID");
  v1::CreatePasswordResetRequest request;
  request.set_name(AsName("users", args.positional[0]));
  v1::PasswordReset reset;
  grpc::Status status = RegistryStub(context)->CreatePasswordReset(
      context.connection().NewContext().get(), request, &reset);
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, reset);
    return 0;
  }
  *context.out << absl::Substitute(kMessages.reset_issued, reset.user(),
                                   VietnamDateTime(reset.expire_time()), reset.code())
               << "\n"
               << absl::Substitute(kMessages.reset_how, IdOf(reset.user())) << "\n";
  return 0;
}

int Login(CliContext& context, const ParsedArgs& args) {
  std::string user = args.Get("user");
  if (user.empty()) {
    *context.err << kMessages.ask_user << std::flush;
    if (!std::getline(std::cin, user) || absl::StripAsciiWhitespace(user).empty()) {
      return Usage(context, "login [--user=ID]");
    }
    user = std::string(absl::StripAsciiWhitespace(user));
  }
  std::string password;
  if (!ReadSecretOrSay(context, kMessages.ask_password, password)) return 2;
  v1::LoginRequest request;
  request.set_user(user);
  request.set_password(password);
  v1::LoginResponse response;
  // Signing in carries no other identity.
  client::Connection anonymous(context.connection().channel(), "");
  grpc::Status status =
      v1::Auth::NewStub(anonymous.channel())->Login(anonymous.NewContext().get(), request,
                                                    &response);
  if (!status.ok()) return PrintError(*context.err, status);
  client::StoredToken stored;
  stored.token = response.token();
  stored.user = response.user().name();
  stored.expire_time = absl::FromUnixSeconds(response.expire_time().seconds());
  absl::Status saved = client::TokenStore(context.state_dir).Save(context.server, stored);
  if (!saved.ok()) return PrintError(*context.err, saved);
  *context.out << absl::Substitute(kMessages.signed_in, response.user().name(),
                                   response.user().display_name(), IdOf(response.user().agency()),
                                   VietnamDateTime(response.expire_time()))
               << "\n";
  return 0;
}

int Logout(CliContext& context, const ParsedArgs&) {
  client::TokenStore tokens(context.state_dir);
  absl::StatusOr<std::optional<client::StoredToken>> stored = tokens.Load(context.server);
  if (stored.ok() && !stored->has_value()) {
    *context.out << absl::Substitute(kMessages.not_signed_in, context.server) << "\n";
    return 0;
  }
  if (stored.ok()) {
    client::Connection connection(context.connection().channel(), "");
    connection.set_bearer_token((*stored)->token);
    google::protobuf::Empty empty;
    grpc::Status status = v1::Auth::NewStub(connection.channel())
                              ->Logout(connection.NewContext().get(), v1::LogoutRequest(), &empty);
    // Already ended (expired, revoked) is as good as ended now.
    if (!status.ok() && status.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
      return PrintError(*context.err, status);
    }
  }
  absl::Status removed = tokens.Remove(context.server);
  if (!removed.ok()) return PrintError(*context.err, removed);
  *context.out << absl::Substitute(kMessages.signed_out, context.server) << "\n";
  return 0;
}

int WhoAmI(CliContext& context, const ParsedArgs&) {
  v1::WhoAmIResponse me;
  grpc::Status status = AuthStub(context)->WhoAmI(context.connection().NewContext().get(),
                                                  v1::WhoAmIRequest(), &me);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::string> roles;
  for (int role : me.roles()) roles.push_back(RoleLabel(role));
  PrintResult(context, me,
              {kLabels.id, kLabels.name, kLabels.agency, kLabels.roles, kLabels.credential},
              {{me.user().empty() ? "" : IdOf(me.user()), me.display_name(), IdOf(me.agency()),
                absl::StrJoin(roles, ", "), me.credential()}});
  return 0;
}

}  // namespace

void RegisterUserCommands(CommandTable& table) {
  table.Add({"user list", "[--in-agency=ID]", "list the people you may see", UserList})
      .Takes({"in-agency=ID"});
  table.Add({"user get", "ID", "show one person", UserGet});
  table.Add({"user create",
             "ID --name=NAME --in-agency=ID --roles=clerk,reviewer,analyst,admin [--email=E] "
             "[--phone=P]",
             "create a person (then give them a password: user set-password or reset-link)",
             UserCreate})
      .Takes({"name=NAME", "in-agency=ID", "roles=ROLES", "email=E", "phone=P"});
  table.Add({"user update", "ID [--name=] [--in-agency=] [--roles=] [--email=] [--phone=]",
             "change a person's record", UserUpdate})
      .Takes({"name=NAME", "in-agency=ID", "roles=ROLES", "email=E", "phone=P"});
  table.Add({"user disable", "ID", "stop a person from doing anything, at once",
             SetState(v1::USER_STATE_DISABLED)});
  table.Add({"user enable", "ID", "let a disabled person act again",
             SetState(v1::USER_STATE_ACTIVE)});
  table.Add({"user delete", "ID [--etag=E]", "delete a person and their sessions", UserDelete})
      .Takes({"etag=E"});
  table.Add({"user set-password", "[ID] [--reset-code]",
             "set a password, read without echo (your own, another's as an admin, or with a "
             "one-time code)",
             UserSetPassword})
      .Takes({"reset-code"});
  table.Add({"user reset-link", "ID", "issue a one-time code with which a person sets a password",
             UserResetLink});
  table.Add({"login", "[--user=ID]",
             "sign in (password read without echo or from standard input); later commands act "
             "as you",
             Login})
      .Takes({"user=ID"});
  table.Add({"logout", "", "end your session on this server", Logout});
  table.Add({"whoami", "", "show who the server takes you for", WhoAmI});

  table.Describe("user create", R"(Roles: clerk (enters and submits the agency's reports), reviewer
(accepts or returns the reports of the agencies under it), analyst (reads
roll-ups and compiled reports), admin (people and the registry). Only an
administrator creates people; the person then gets a password with
`user reset-link` (a one-time code) or an administrator's `user set-password`.

Examples:
  tonghop user create lan --name="Nguyễn Thị Lan" --in-agency=dong-nai-so-y-te --roles=clerk
  tonghop user reset-link lan)");
  table.Describe("login", R"(Asks for the password without echo (or reads it from standard input when
that is not a terminal) and keeps the session's token in ~/.tonghop, mode
0600. Later commands to the same server act as you, until `tonghop
logout`. Tokens are sent only over TLS or to this machine.

Examples:
  tonghop --server=tonghop.dongnai.gov.vn:443 --tls-ca=ca.pem login --user=lan
  tonghop whoami)");
}

}  // namespace tonghop::cli
