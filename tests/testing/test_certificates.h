#ifndef TONGHOP_TESTS_TESTING_TEST_CERTIFICATES_H_
#define TONGHOP_TESTS_TESTING_TEST_CERTIFICATES_H_

// Throw-away certificate authorities for tests of TLS and of certificate
// identities, made with OpenSSL's C API (ECDSA P-256, SHA-256): a CA, and
// server and client certificates with chosen names, uses and validity.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/tls.h"

namespace tonghop::testing {

// A certificate and its private key, as PEM.
struct CertificateAndKey {
  std::string cert_pem;
  std::string key_pem;
};

// What to put in a certificate.
struct CertificateSpec {
  std::string common_name = "tonghop test";
  // Subject alternative names.
  std::vector<std::string> uris;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  // Extended key usages.
  bool server = false;
  bool client = true;
  // Validity. The defaults cover every clock the tests set (2020 to 2035)
  // and the real time.
  absl::Time not_before = absl::FromCivil(absl::CivilSecond(2020, 1, 1), absl::UTCTimeZone());
  absl::Time not_after = absl::Now() + absl::Hours(24 * 365 * 10);
};

// A certificate authority. Copyable value; thread-compatible.
class TestCa {
 public:
  // A self-signed CA named `name`, valid with the default spec's dates.
  static absl::StatusOr<TestCa> Create(const std::string& name);

  const std::string& cert_pem() const { return ca_.cert_pem; }
  // A certificate signed by this CA.
  absl::StatusOr<CertificateAndKey> Issue(const CertificateSpec& spec) const;
  // A server certificate for localhost and 127.0.0.1 (and `more_ips`).
  absl::StatusOr<CertificateAndKey> IssueServer(std::vector<std::string> more_ips = {}) const;
  // A client certificate naming `spiffe://{trust_domain}/{path}`
  // (path "agencies/bo-tu-phap").
  absl::StatusOr<CertificateAndKey> IssueClient(const std::string& path,
                                                const std::string& trust_domain = "tonghop") const;

 private:
  CertificateAndKey ca_;
};

// The client side of a connection presenting `identity` and trusting `ca`.
ClientTlsOptions ClientTls(const TestCa& ca, const CertificateAndKey& identity);

// Writes `content` to `path` (for flags that take files); aborts on failure.
std::string WriteTextFile(const std::string& path, const std::string& content);

}  // namespace tonghop::testing

#endif  // TONGHOP_TESTS_TESTING_TEST_CERTIFICATES_H_
