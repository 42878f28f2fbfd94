#ifndef TONGHOP_SERVICES_REGISTRY_RESOURCE_TABLE_H_
#define TONGHOP_SERVICES_REGISTRY_RESOURCE_TABLE_H_

// The registry's standard methods (Get, Create, Update, Delete; AIP-131 to
// 135), written once for every resource kind. A ResourceTable<Policy> does
// what is common to agencies, dimensions, indicators, plans and tasks; the
// Policy says only what is particular to one kind (see ResourcePolicy).

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/empty.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/common/audit_log.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/identity.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/registry/registry.h"
#include "services/registry/registry_schema.h"
#include "services/registry/validation.h"
#include "storage/kv_store.h"

namespace tonghop::registry {

// What a ResourceTable needs of the registry it belongs to. Implementations
// are thread-safe.
class TableHost {
 public:
  virtual ~TableHost() = default;
  // The bytes stored under `key` in kResourcesColumnFamily, or nullopt.
  virtual absl::StatusOr<std::optional<std::string>> ReadRecord(const std::string& key) const = 0;
  // The registry's one write path (Registry::MutateMessage).
  virtual absl::StatusOr<std::string> MutateMessage(const Caller& caller,
                                                    const google::protobuf::Message& request,
                                                    absl::string_view method, bool validate_only,
                                                    const MessageApply& apply) = 0;
  // MutateMessage with a typed answer.
  template <typename Response>
  absl::StatusOr<Response> Mutate(
      const Caller& caller, const google::protobuf::Message& request, absl::string_view method,
      bool validate_only,
      const std::function<absl::StatusOr<Response>(storage::WriteBatch&)>& apply) {
    return internal::TypedMutation<Response>(
        [&](const MessageApply& untyped) {
          return MutateMessage(caller, request, method, validate_only, untyped);
        },
        apply);
  }
  // FAILED_PRECONDITION (RESOURCE_IN_USE) while anything refers to `name`.
  virtual absl::Status RefuseIfReferenced(absl::string_view name) const = 0;
  // Where refusals are recorded.
  virtual AuditLog& audit() const = 0;
};

// `bytes` parsed as a T; DATA_LOSS when they do not parse.
template <typename T>
absl::StatusOr<std::optional<T>> ParseRecord(absl::StatusOr<std::optional<std::string>> bytes) {
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<T>();
  T value;
  if (!value.ParseFromString(**bytes)) {
    return absl::DataLossError(
        absl::StrCat("corrupt registry record for ", T::descriptor()->name()));
  }
  return std::optional<T>(std::move(value));
}

// A kind of resource named `collection`/id and kept under ResourceKey(tag,
// id) (registry_schema.h).
struct SimpleKind {
  absl::string_view collection;
  uint8_t tag;
};

// The field of `Request` that holds a `Resource`: Create and Update
// requests carry the resource in the field named after it (AIP-133, 134:
// CreateAgencyRequest.agency). nullptr when there is none.
template <typename Request, typename Resource>
const google::protobuf::FieldDescriptor* ResourceFieldOf() {
  const google::protobuf::Descriptor* request = Request::descriptor();
  for (int i = 0; i < request->field_count(); ++i) {
    if (request->field(i)->message_type() == Resource::descriptor()) return request->field(i);
  }
  return nullptr;
}

// What one resource kind tells its table, with the answers most kinds
// give. A policy derives from ResourcePolicy<itself, its v1 resource and
// requests> and declares
//
//   // Whether `caller` may write `after` over `before` (nullopt: created);
//   // may also refuse with NOT_FOUND when the resource's root is missing.
//   absl::Status AuthorizeWrite(const Caller& caller,
//                               const std::optional<Resource>& before,
//                               const Resource& after) const;
//   // Whether `caller` may delete `name` (`existing` nullopt when it does
//   // not exist: permission is decided before existence, AIP-193).
//   absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
//                                const std::optional<Resource>& existing) const;
//   // Adds every violation of `resource` (field paths under Field()); non-OK
//   // only when the store failed.
//   absl::Status Validate(const Resource& resource, ViolationList& violations) const;
//
// and, for a kind named collection/id, where it is kept:
//
//   static constexpr SimpleKind kKind = {"agencies", kTagAgency};
//
// It hides whichever of the defaults below differ for it (a kind named
// otherwise hides KeyOf and Named). Policies are copyable views of the
// registry; they own nothing.
template <typename Derived, typename ResourceT, typename CreateRequestT, typename UpdateRequestT,
          typename DeleteRequestT>
struct ResourcePolicy {
  using Resource = ResourceT;
  using CreateRequest = CreateRequestT;
  using UpdateRequest = UpdateRequestT;
  using DeleteRequest = DeleteRequestT;

  // The resource's field in requests and the root of its field paths in
  // errors ("agency").
  static const std::string& Field() { return ResourceFieldOf<UpdateRequest, Resource>()->name(); }
  // The resource in an update request.
  static const Resource& Body(const UpdateRequest& request) {
    return static_cast<const Resource&>(
        request.GetReflection()->GetMessage(request, ResourceFieldOf<UpdateRequest, Resource>()));
  }
  // The stored key of the resource named `name`; INVALID_ARGUMENT on
  // `field` when `name` is not one.
  static absl::StatusOr<std::string> KeyOf(absl::string_view name, absl::string_view field) {
    ASSIGN_OR_RETURN(std::string id, ParseSimpleName(name, Derived::kKind.collection, field));
    return ResourceKey(Derived::kKind.tag, id);
  }
  // The resource a create request makes, named from its `<field>_id`;
  // INVALID_ARGUMENT when that is not a valid id.
  static absl::StatusOr<Resource> Named(const CreateRequest& request) {
    const google::protobuf::Reflection& reflection = *request.GetReflection();
    const google::protobuf::FieldDescriptor* body = ResourceFieldOf<CreateRequest, Resource>();
    std::string id_field = absl::StrCat(body->name(), "_id");
    std::string id =
        reflection.GetString(request, CreateRequest::descriptor()->FindFieldByName(id_field));
    if (!IsValidSlugId(id)) {
      return InvalidField(id_field, absl::StrCat(QuoteInput(id),
                                                 " is not a valid id: use 1-63 lowercase "
                                                 "letters, digits and hyphens"));
    }
    Resource resource = static_cast<const Resource&>(reflection.GetMessage(request, body));
    resource.set_name(MakeName(Derived::kKind.collection, id));
    return resource;
  }

  // Whether deleting the resource is refused while something refers to it.
  static constexpr bool kRefusedWhileReferenced = true;
  // The resource names `resource` refers to, kept in the reference index.
  static std::set<std::string> References(const Resource&) { return {}; }
  // Sets the fields its name determines (an update may not change them).
  static void FollowName(Resource&) {}
  // Fills in what the store decides after validation (a task's sequence).
  absl::Status Complete(Resource&, const std::optional<Resource>& /*before*/) const {
    return absl::OkStatus();
  }
  // Index keys kept beside the record: `after` is nullptr on delete.
  static void PutIndexKeys(storage::WriteBatch&, const std::optional<Resource>& /*before*/,
                           const Resource* /*after*/) {}
  // Refuses a delete before references are checked (children, say).
  absl::Status RefuseDelete(const DeleteRequest&, const Resource&) const {
    return absl::OkStatus();
  }
  // Deletes (or refuses to delete) what depends on the resource and goes
  // with it, after references were checked.
  absl::Status DeleteDependents(storage::WriteBatch&, const DeleteRequest&, const Resource&) const {
    return absl::OkStatus();
  }
};

// The standard methods of one resource kind, over the registry's store.
// Every mutation runs on the host's one write path (validated completely,
// authorized, written in one batch with its index keys, references, audit
// and idempotency records, or refused changing nothing); refusals are
// recorded in the audit log. Thread-safe as the host is. Does not own the
// host, which must outlive it.
template <typename Policy>
class ResourceTable {
 public:
  using Resource = typename Policy::Resource;
  using CreateRequest = typename Policy::CreateRequest;
  using UpdateRequest = typename Policy::UpdateRequest;
  using DeleteRequest = typename Policy::DeleteRequest;

  ResourceTable(TableHost* host, Policy policy) : host_(host), policy_(std::move(policy)) {}

  // The stored resource named `name`, or nullopt.
  absl::StatusOr<std::optional<Resource>> Find(absl::string_view name) const {
    ASSIGN_OR_RETURN(std::string key, Policy::KeyOf(name, "name"));
    return ParseRecord<Resource>(host_->ReadRecord(key));
  }

  absl::StatusOr<Resource> Get(absl::string_view name) const {
    ASSIGN_OR_RETURN(std::optional<Resource> found, Find(name));
    if (!found) return NotFound(name);
    return *std::move(found);
  }

  absl::StatusOr<Resource> Create(const Caller& caller, const CreateRequest& request) {
    return Audited(caller, "Create", request,
                   host_->template Mutate<Resource>(
                       caller, request, Method("Create"), request.validate_only(),
                       [&](storage::WriteBatch& batch) -> absl::StatusOr<Resource> {
                         ASSIGN_OR_RETURN(Resource resource, Policy::Named(request));
                         resource.clear_etag();
                         ASSIGN_OR_RETURN(std::optional<Resource> existing, Find(resource.name()));
                         if (existing) return AlreadyExists(resource.name());
                         return Write(batch, caller, std::move(resource), std::nullopt);
                       }));
  }

  // Replaces the fields `request.update_mask()` names (all when empty);
  // creates the resource when it is missing and allow_missing is set.
  absl::StatusOr<Resource> Update(const Caller& caller, const UpdateRequest& request) {
    return Audited(
        caller, "Update", request,
        host_->template Mutate<Resource>(
            caller, request, Method("Update"), request.validate_only(),
            [&](storage::WriteBatch& batch) -> absl::StatusOr<Resource> {
              const Resource& body = Policy::Body(request);
              ASSIGN_OR_RETURN(std::string key,
                               Policy::KeyOf(body.name(), absl::StrCat(Policy::Field(), ".name")));
              ASSIGN_OR_RETURN(std::optional<Resource> existing,
                               ParseRecord<Resource>(host_->ReadRecord(key)));
              Resource update = body;
              update.clear_etag();
              Policy::FollowName(update);
              if (!existing) {
                if (!request.allow_missing()) return NotFound(body.name());
                return Write(batch, caller, std::move(update), std::nullopt);
              }
              RETURN_IF_ERROR(CheckEtag(body.etag(), existing->etag(), existing->name()));
              Resource stored = *existing;
              stored.clear_etag();
              ASSIGN_OR_RETURN(Resource merged, Merge(stored, update, request.update_mask()));
              Policy::FollowName(merged);
              return Write(batch, caller, std::move(merged), existing);
            }));
  }

  absl::Status Delete(const Caller& caller, const DeleteRequest& request) {
    return Audited(
        caller, "Delete", request,
        host_
            ->template Mutate<google::protobuf::Empty>(
                caller, request, Method("Delete"), /*validate_only=*/false,
                [&](storage::WriteBatch& batch) -> absl::StatusOr<google::protobuf::Empty> {
                  ASSIGN_OR_RETURN(std::optional<Resource> existing, Find(request.name()));
                  RETURN_IF_ERROR(policy_.AuthorizeDelete(caller, request.name(), existing));
                  if (!existing) return NotFound(request.name());
                  RETURN_IF_ERROR(CheckEtag(request.etag(), existing->etag(), request.name()));
                  RETURN_IF_ERROR(policy_.RefuseDelete(request, *existing));
                  if constexpr (Policy::kRefusedWhileReferenced) {
                    RETURN_IF_ERROR(host_->RefuseIfReferenced(request.name()));
                  }
                  RETURN_IF_ERROR(policy_.DeleteDependents(batch, request, *existing));
                  RETURN_IF_ERROR(Remove(batch, *existing));
                  return google::protobuf::Empty();
                })
            .status());
  }

  // Adds to `batch` the record of `after` (which replaces `before`, nullopt
  // when new), its index keys and references; validates nothing.
  static absl::Status Put(storage::WriteBatch& batch, const std::optional<Resource>& before,
                          const Resource& after) {
    ASSIGN_OR_RETURN(std::string key, Policy::KeyOf(after.name(), "name"));
    batch.Put(kResourcesColumnFamily, key, after.SerializeAsString());
    Policy::PutIndexKeys(batch, before, &after);
    PutReferences(batch, before, &after);
    return absl::OkStatus();
  }

  // Adds to `batch` the removal of `existing`, its index keys and
  // references; checks nothing.
  static absl::Status Remove(storage::WriteBatch& batch, const Resource& existing) {
    ASSIGN_OR_RETURN(std::string key, Policy::KeyOf(existing.name(), "name"));
    batch.Delete(kResourcesColumnFamily, key);
    Policy::PutIndexKeys(batch, existing, nullptr);
    PutReferences(batch, existing, nullptr);
    return absl::OkStatus();
  }

  // `update` merged onto `stored` along `mask` (empty: `update` whole).
  // INVALID_ARGUMENT when the mask names the name, the etag, or no field.
  static absl::StatusOr<Resource> Merge(const Resource& stored, const Resource& update,
                                        const google::protobuf::FieldMask& mask) {
    if (mask.paths_size() == 0) return update;
    for (const std::string& path : mask.paths()) {
      if (path == "name" || path == "etag") {
        return InvalidField("update_mask", absl::StrCat(QuoteInput(path), " cannot be updated"));
      }
      if (!google::protobuf::util::FieldMaskUtil::GetFieldDescriptors(Resource::descriptor(), path,
                                                                      nullptr)) {
        return InvalidField("update_mask", absl::StrCat(QuoteInput(path), " is not a field of ",
                                                        Resource::descriptor()->name()));
      }
    }
    Resource merged = stored;
    google::protobuf::util::FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    options.set_replace_repeated_fields(true);
    google::protobuf::util::FieldMaskUtil::MergeMessageTo(update, mask, options, &merged);
    return merged;
  }

 private:
  // "CreateAgency" and the like.
  static std::string Method(absl::string_view verb) {
    return absl::StrCat(verb, Resource::descriptor()->name());
  }

  // `result`, after recording it in the audit log when it is a refusal.
  template <typename Result>
  Result Audited(const Caller& caller, absl::string_view verb,
                 const google::protobuf::Message& request, Result result) {
    return AuditRefusal(host_->audit(), caller, Method(verb), request, std::move(result));
  }

  // Normalizes, authorizes, validates and completes `resource`, then adds
  // it to `batch` over `before`.
  absl::StatusOr<Resource> Write(storage::WriteBatch& batch, const Caller& caller,
                                 Resource resource, const std::optional<Resource>& before) {
    ViolationList violations;
    NormalizeStrings(resource, Policy::Field(), violations);
    RETURN_IF_ERROR(violations.ToStatus());
    RETURN_IF_ERROR(policy_.AuthorizeWrite(caller, before, resource));
    RETURN_IF_ERROR(policy_.Validate(resource, violations));
    RETURN_IF_ERROR(violations.ToStatus());
    RETURN_IF_ERROR(policy_.Complete(resource, before));
    resource = WithEtag(std::move(resource));
    RETURN_IF_ERROR(Put(batch, before, resource));
    return resource;
  }

  static absl::Status CheckEtag(absl::string_view given, absl::string_view stored,
                                absl::string_view name) {
    if (!given.empty() && given != stored) return EtagMismatch(name);
    return absl::OkStatus();
  }

  // Adds the reference index entries of `after` that `before` lacked and
  // removes those it no longer has (either may be absent, not both).
  static void PutReferences(storage::WriteBatch& batch, const std::optional<Resource>& before,
                            const Resource* after) {
    std::set<std::string> old_refs, new_refs;
    std::string referrer = before ? before->name() : after->name();
    if (before) old_refs = Policy::References(*before);
    if (after) new_refs = Policy::References(*after);
    for (const std::string& target : old_refs) {
      if (!new_refs.count(target)) batch.Delete(kIndexColumnFamily, ReferenceKey(target, referrer));
    }
    for (const std::string& target : new_refs) {
      if (!old_refs.count(target))
        batch.Put(kIndexColumnFamily, ReferenceKey(target, referrer), "");
    }
  }

  TableHost* host_;
  Policy policy_;
};

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_RESOURCE_TABLE_H_
