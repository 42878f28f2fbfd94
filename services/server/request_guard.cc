#include "services/server/request_guard.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "services/common/errors.h"

namespace tonghop {
namespace {

using grpc::experimental::InterceptionHookPoints;

// "tonghop.v1.CreateAgencyRequest" for "/tonghop.v1.Registry/CreateAgency",
// or "" for a method the generated descriptors do not know.
std::string RequestTypeOf(absl::string_view method) {
  if (method.empty() || method[0] != '/') return "";
  std::string dotted(method.substr(1));
  size_t slash = dotted.find('/');
  if (slash == std::string::npos) return "";
  dotted[slash] = '.';
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  return descriptor == nullptr ? "" : descriptor->input_type()->full_name();
}

absl::Status Malformed(absl::string_view method) {
  std::string type = RequestTypeOf(method);
  return WithVietnamese(
      WithErrorInfo(absl::InvalidArgumentError(absl::StrCat(
                        "the request does not parse as ",
                        type.empty() ? std::string("the method's request message") : type,
                        ": its bytes are not a valid serialized message of that type (a "
                        "string field that is not UTF-8, a truncated or corrupted message, "
                        "or a message of another type)")),
                    "MALFORMED_REQUEST", {{"method", std::string(method)}}),
      "Yêu cầu gửi lên không đúng định dạng nên máy chủ không đọc được; hãy kiểm tra "
      "phiên bản chương trình gửi yêu cầu.");
}

// One call's interceptor.
class RequestGuard final : public grpc::experimental::Interceptor {
 public:
  explicit RequestGuard(grpc::experimental::ServerRpcInfo* info) : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      unparsed_ = true;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (unparsed_ && status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        methods->ModifySendStatus(ToGrpcStatus(Malformed(info_->method())));
      } else if (!status.ok()) {
        google::rpc::Status rpc = ToRpcStatus(status);
        if (ErrorTrailerBytes(rpc) > kMaxErrorTrailerBytes) {
          rpc = BoundedRpcStatus(std::move(rpc));
          methods->ModifySendStatus(grpc::Status(status.error_code(), rpc.message(),
                                                 rpc.SerializeAsString()));
        }
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
  bool unparsed_ = false;
};

}  // namespace

grpc::experimental::Interceptor* RequestGuardFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RequestGuard(info);
}

}  // namespace tonghop
