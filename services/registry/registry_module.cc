#include "services/registry/registry_module.h"

#include "services/common/call_dispatcher.h"
#include "services/common/status_macros.h"
#include "services/registry/auth_service.h"
#include "services/registry/people.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"
#include "storage/rocksdb_store.h"

#ifdef TONGHOP_HAVE_PLAN_IMPORT
#include "services/registry/plan_import/plan_importer.h"
#endif

namespace tonghop::registry {
namespace {

// The registry's threads: its writes are serialized (one mutex), its reads
// and password checks run side by side.
constexpr int kRegistryThreads = 4;

class RegistryModule final : public ServiceModule {
 public:
  RegistryModule(std::unique_ptr<storage::KvStore> store, const ServiceEnvironment& env)
      : store_(std::move(store)),
        audit_(store_.get(), std::string(kRegistryService), env.clock),
        registry_(store_.get(), env.policy, &audit_, Parser(), CsvWriter()),
        people_(store_.get(), &registry_, env.policy, env.clock, PeopleOptionsFor(env)),
        dispatcher_(env.identity, &audit_, {kRegistryThreads, nullptr, env.unidentified_writes}),
        service_(&registry_, &people_, &dispatcher_, env.policy),
        auth_service_(&people_, &dispatcher_) {}

  std::vector<grpc::Service*> services() override { return {&service_, &auth_service_}; }
  std::vector<const AuditLog*> audit_logs() const override { return {&audit_}; }
  std::vector<NamedStore> stores() override {
    return {{std::string(kRegistryService), store_.get()}};
  }
  const PersonDirectory* people() override { return &people_; }

 private:
  static PlanDocumentParser Parser() {
#ifdef TONGHOP_HAVE_PLAN_IMPORT
    return plan_import::ParseImportRequest;
#else
    return nullptr;
#endif
  }
  static PlanCsvWriter CsvWriter() {
#ifdef TONGHOP_HAVE_PLAN_IMPORT
    return [](const v1::PlanBundle& bundle, const std::vector<v1::Agency>& agencies) {
      return plan_import::ExportPlanCsv(bundle, agencies);
    };
#else
    return nullptr;
#endif
  }

  static PeopleOptions PeopleOptionsFor(const ServiceEnvironment& env) {
    PeopleOptions options;
    options.session_lifetime = env.session_lifetime;
    return options;
  }

  std::unique_ptr<storage::KvStore> store_;
  AuditLog audit_;
  Registry registry_;
  People people_;
  // Declared after what the calls use, so that it finishes them first.
  CallDispatcher dispatcher_;
  RegistryService service_;
  AuthService auth_service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> CreateRegistryModule(
    const ServiceEnvironment& env) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store,
                   storage::OpenRocksDbStoreWithLayout(env.data_dir, RegistryLayout(),
                                                       StoreOptions(env, kRegistryService)));
  return std::unique_ptr<ServiceModule>(new RegistryModule(std::move(store), env));
}

}  // namespace tonghop::registry
