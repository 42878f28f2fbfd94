#include "services/server/bootstrap.h"

#include <filesystem>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/clock.h"
#include "services/common/service_module.h"
#include "services/common/status_macros.h"
#include "services/common/terminal.h"
#include "services/registry/passwords.h"
#include "services/registry/people.h"
#include "services/registry/registry.h"
#include "storage/rocksdb_store.h"

namespace tonghop {

absl::StatusOr<BootstrapResult> BootstrapAdmin(const BootstrapOptions& options) {
  std::string registry_dir =
      (std::filesystem::path(options.data_dir) / "registry").string();
  storage::RocksDbOptions store_options;
  store_options.name = std::string(kRegistryService);
  absl::StatusOr<std::unique_ptr<storage::KvStore>> store = storage::OpenRocksDbStoreWithLayout(
      registry_dir, registry::RegistryLayout(), store_options);
  if (!store.ok()) {
    if (store.status().code() == absl::StatusCode::kFailedPrecondition &&
        absl::StrContains(store.status().message(), "lock")) {
      return absl::FailedPreconditionError(absl::StrCat(
          options.data_dir,
          " is in use by a running tonghopd (it holds the lock of ", registry_dir,
          "); stop it, run --bootstrap-admin, then start it again"));
    }
    return store.status();
  }
  AccessPolicy policy(options.operator_agency);
  // The first administrator is recorded in the registry's audit trail like
  // every other change of people.
  AuditLog audit(store->get(), std::string(kRegistryService), RealClock::Get());
  registry::Registry registry(store->get(), &policy, &audit);
  registry::PeopleOptions people_options;
  people_options.log = [](absl::string_view) {};
  registry::People people(store->get(), &registry, &policy, RealClock::Get(),
                          std::move(people_options));
  BootstrapResult result;
  std::string password = options.password;
  if (password.empty()) {
    ASSIGN_OR_RETURN(result.generated_password, registry::GeneratePassword());
    password = result.generated_password;
  }
  ASSIGN_OR_RETURN(result.user,
                   people.BootstrapAdmin(options.user_id,
                                         options.agency.empty() ? options.operator_agency
                                                                : options.agency,
                                         password));
  return result;
}

int RunBootstrapAdmin(BootstrapOptions options, std::ostream& out, std::ostream& err) {
  if (options.password.empty()) {
    absl::StatusOr<std::string> typed = ReadNewSecret(
        "Mật khẩu mới / new password (để trống để tạo tự động / empty to generate): ",
        "Nhập lại / again: ", err);
    if (!typed.ok() && typed.status().code() != absl::StatusCode::kNotFound) {
      err << "tonghopd: " << typed.status().message() << "\n";
      return 2;
    }
    if (typed.ok()) options.password = *typed;
  }
  absl::StatusOr<BootstrapResult> result = BootstrapAdmin(options);
  if (!result.ok()) {
    err << "tonghopd: --bootstrap-admin: " << result.status().message() << "\n";
    return result.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  out << "Quản trị viên / administrator " << result->user.name() << " ("
      << result->user.agency() << ") sẵn sàng / is ready in " << options.data_dir << "\n";
  if (!result->generated_password.empty()) {
    out << "Mật khẩu (chỉ hiện một lần) / password (shown once): "
        << result->generated_password << "\n";
  }
  out << "Đăng nhập / sign in: tonghop login --user=" << options.user_id << "\n";
  return 0;
}

}  // namespace tonghop
