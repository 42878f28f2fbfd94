# Shared by deploy/demo.sh and tests/run.sh: install what is missing from
# Debian's packages, then configure and build.
#
# Usage: source deploy/lib/common.sh; tonghop_ensure_packages; tonghop_build [targets...]

TONGHOP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TONGHOP_BUILD_DIR="${TONGHOP_BUILD_DIR:-$TONGHOP_ROOT/build}"

TONGHOP_PACKAGES=(
  cmake ninja-build g++ pkg-config git
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libgtest-dev libgmock-dev libcli11-dev
  libicu-dev libxlsxwriter-dev libcpp-httplib-dev libssl-dev openssl libsodium-dev
  libzip-dev libpugixml-dev libpoppler-cpp-dev libcurl4-openssl-dev
  # The compiled report as PDF (Pango, Cairo, in Liberation Serif, metric-
  # compatible with Times New Roman); ADX read against its schema (libxml2).
  libcairo2-dev libpango1.0-dev libxml2-dev fonts-liberation2
  python3 python3-openpyxl curl
)

# Packages the demo's checks of the compiled documents need (deploy/demo.sh
# and tests/run.sh install them; the container image does not): the PDF's
# text, the .docx opened in LibreOffice, the ADX export against its schema.
TONGHOP_DEMO_PACKAGES=(poppler-utils libreoffice-writer-nogui libxml2-utils)

# Packages only the tests need (tests/run.sh installs them; the demo does
# not): Debian's Prometheus server scrapes tonghopd in a test, and the
# deployment check reads the Kubernetes manifests with PyYAML, and the notices
# test sends mail to a real SMTP server (aiosmtpd), and the report form's
# workbook is saved by LibreOffice Calc in a test as an official would.
TONGHOP_TEST_PACKAGES=(prometheus python3-yaml python3-aiosmtpd libreoffice-calc-nogui)

tonghop_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages that are not installed yet (needs root or sudo).
tonghop_ensure_packages() {
  local missing=()
  for p in "${TONGHOP_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js and npm build the dashboard; a machine may have them from
  # elsewhere than Debian, which is as good.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  tonghop_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Debian's kubectl (package kubernetes-client), for checking the Kubernetes
# manifests: installed when no other package provides /usr/bin/kubectl, else
# (a machine with another vendor's kubectl) unpacked from Debian's package
# into $TONGHOP_BUILD_DIR/tools/kubernetes-client. Prints its path.
tonghop_debian_kubectl() {
  if dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q "install ok installed"; then
    echo /usr/bin/kubectl
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  if ! dpkg -S /usr/bin/kubectl >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      kubernetes-client >/dev/null && echo /usr/bin/kubectl
    return
  fi
  local tools="$TONGHOP_BUILD_DIR/tools"
  local unpacked="$tools/kubernetes-client/usr/bin/kubectl"
  if [ ! -x "$unpacked" ]; then
    mkdir -p "$tools/deb" &&
      (cd "$tools/deb" && apt-get download kubernetes-client >/dev/null 2>&1) &&
      dpkg-deb -x "$tools"/deb/kubernetes-client_*.deb "$tools/kubernetes-client" || return 1
  fi
  echo "$unpacked"
}

# Configures (once) and builds the given targets (default: everything).
tonghop_build() {
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  if [ ! -f "$TONGHOP_BUILD_DIR/build.ninja" ]; then
    tonghop_log "configuring in $TONGHOP_BUILD_DIR"
    cmake -S "$TONGHOP_ROOT" -B "$TONGHOP_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DTONGHOP_WERROR="${TONGHOP_WERROR:-OFF}" "${launcher[@]}" >/dev/null
  fi
  tonghop_log "building ${*:-everything} (2 parallel jobs)"
  cmake --build "$TONGHOP_BUILD_DIR" -j "${TONGHOP_JOBS:-2}" ${1:+--target "$@"}
}
