#ifndef TONGHOP_SERVICES_COMMON_ETAG_H_
#define TONGHOP_SERVICES_COMMON_ETAG_H_

// Etags (AIP-154): a checksum of a resource's stored content.

#include <string>

#include "google/protobuf/message.h"

namespace tonghop {

// A stable checksum of `message`'s deterministic serialization, as 16 hex
// digits. The caller clears the etag field first so it does not feed itself.
std::string ComputeEtag(const google::protobuf::Message& message);

// Returns `resource` with its etag field set to the checksum of the rest.
template <typename Resource>
Resource WithEtag(Resource resource) {
  resource.clear_etag();
  std::string etag = ComputeEtag(resource);
  resource.set_etag(std::move(etag));
  return resource;
}

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_ETAG_H_
