# A throw-away certificate authority for the demo and for trials, made with
# the openssl command: a CA, server certificates for this machine, and
# client certificates that name an agency as a SPIFFE ID
# (spiffe://tonghop/agencies/ID), which is how tonghopd --client-ca knows who
# calls. A real deployment uses its own CA; the file names are the same.
#
# Usage: source deploy/lib/pki.sh, then
#   tonghop_pki_ca DIR              DIR/ca.crt and DIR/ca.key (kept if present)
#   tonghop_pki_server DIR NAME     DIR/NAME.crt and .key for localhost, 127.0.0.1, ::1
#   tonghop_pki_agency DIR ID       DIR/ID.crt and .key for spiffe://tonghop/agencies/ID
#   tonghop_pki_p12 DIR ID PASS     DIR/ID.p12 (certificate and key) for a browser
# Each makes its files only when they are missing, so a second run reuses
# them. Certificates are valid from 1 January 2025, so that a server whose
# clock is set in the past (tonghopd --now) accepts them, until 825 days
# after they are made (the CA: ten years).

TONGHOP_PKI_START="20250101000000Z"
TONGHOP_TRUST_DOMAIN="${TONGHOP_TRUST_DOMAIN:-tonghop}"

# Writes DIR/ca.cnf: the CA's database and the three kinds of certificate.
tonghop_pki_config() {
  local dir="$1"
  cat >"$dir/ca.cnf" <<EOF
[ca]
default_ca = tonghop_ca

[tonghop_ca]
dir = $dir
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none

[any_name]
organizationName = optional
commonName = supplied

[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::TONGHOP_PKI_SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = \$ENV::TONGHOP_PKI_SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

# A P-256 key in $1 (mode 0600) and a request for it in $2 with subject $3.
tonghop_pki_key_and_request() {
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
  openssl req -new -key "$1" -subj "$3" -out "$2" 2>/dev/null
}

tonghop_pki_ca() {
  local dir="$1"
  if [ -s "$dir/ca.crt" ] && [ -s "$dir/ca.key" ]; then return 0; fi
  mkdir -p "$dir/issued"
  chmod 700 "$dir"
  : >"$dir/index.txt"
  echo 1000 >"$dir/serial"
  tonghop_pki_config "$dir"
  tonghop_pki_key_and_request "$dir/ca.key" "$dir/ca.csr" "/O=tonghop/CN=tonghop throw-away CA" &&
    TONGHOP_PKI_SAN="" openssl ca -batch -config "$dir/ca.cnf" -selfsign -keyfile "$dir/ca.key" \
      -in "$dir/ca.csr" -out "$dir/ca.crt" -extensions ca_ext -notext \
      -startdate "$TONGHOP_PKI_START" -days 3650 2>"$dir/openssl.log"
}

# tonghop_pki_issue DIR NAME EXTENSIONS SAN SUBJECT
tonghop_pki_issue() {
  local dir="$1" name="$2"
  if [ -s "$dir/$name.crt" ] && [ -s "$dir/$name.key" ]; then return 0; fi
  tonghop_pki_key_and_request "$dir/$name.key" "$dir/$name.csr" "$5" &&
    TONGHOP_PKI_SAN="$4" openssl ca -batch -config "$dir/ca.cnf" -cert "$dir/ca.crt" \
      -keyfile "$dir/ca.key" -in "$dir/$name.csr" -out "$dir/$name.crt" -extensions "$3" \
      -notext -startdate "$TONGHOP_PKI_START" -days 825 2>>"$dir/openssl.log"
}

tonghop_pki_server() {
  tonghop_pki_issue "$1" "$2" server_ext "DNS:localhost,IP:127.0.0.1,IP:::1" \
    "/O=tonghop/CN=localhost"
}

tonghop_pki_agency() {
  tonghop_pki_issue "$1" "$2" client_ext "URI:spiffe://$TONGHOP_TRUST_DOMAIN/agencies/$2" \
    "/O=tonghop/CN=agencies\/$2"
}

tonghop_pki_p12() {
  local dir="$1" id="$2"
  if [ -s "$dir/$id.p12" ]; then return 0; fi
  (umask 077 && openssl pkcs12 -export -in "$dir/$id.crt" -inkey "$dir/$id.key" \
    -certfile "$dir/ca.crt" -name "$id" -passout "pass:$3" -out "$dir/$id.p12")
}
