#!/usr/bin/env bash
# Creates overlays/prod/secrets/: random tokens (coordinator token file + one token per role user) and a
# private CA with the coordinator's certificate. Existing files are kept (delete one to regenerate it), so
# running it again is harmless. Usage: ./make-secrets.sh [--namespace NS] [--days N] [--extra-san SAN]...
# Bring your own CA instead: put tls.crt, tls.key and ca.crt in secrets/ before running it.
set -euo pipefail
cd "$(dirname "$0")"
namespace=hyperlab
days=825
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace) namespace=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --extra-san) extra+=("$2"); shift 2 ;;
    *) echo "usage: $0 [--namespace NS] [--days N] [--extra-san DNS:name|IP:addr]..." >&2; exit 2 ;;
  esac
done
umask 077
mkdir -p secrets
cd secrets
token() { openssl rand -hex 32; }
for role in worker probe submit admin; do
  [ -s "$role-token" ] || token > "$role-token"
done
# The coordinator's token file: TOKEN ROLE NAME. The probe token only reads.
if [ ! -s tokens ]; then
  {
    echo "$(cat admin-token) admin operator"
    echo "$(cat submit-token) submit submit-job"
    echo "$(cat worker-token) worker workers"
    echo "$(cat probe-token) read probes"
  } > tokens
fi
# Strip the newline from single-token files: they are read whole into HYPERLAB_TOKEN.
for role in worker probe submit admin; do printf '%s' "$(cat "$role-token")" > "$role-token.tmp" && mv "$role-token.tmp" "$role-token"; done
if [ ! -s ca.crt ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.crt -days "$days" \
    -subj "/CN=hyperlab-ca-$namespace" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
if [ ! -s tls.crt ]; then
  san="DNS:hyperlab-coordinator,DNS:hyperlab-coordinator.$namespace,DNS:hyperlab-coordinator.$namespace.svc"
  san="$san,DNS:hyperlab-coordinator.$namespace.svc.cluster.local,DNS:hyperlab-coordinator-0.hyperlab-coordinator-headless.$namespace.svc.cluster.local"
  san="$san,DNS:localhost,IP:127.0.0.1"
  for s in "${extra[@]}"; do san="$san,$s"; done
  openssl req -newkey rsa:3072 -nodes -keyout tls.key -out tls.csr -subj "/CN=hyperlab-coordinator" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$san" > tls.ext
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days "$days" \
    -extfile tls.ext 2>/dev/null
  rm -f tls.csr tls.ext
fi
echo "make-secrets: $(pwd): tokens, {worker,probe,submit,admin}-token, ca.crt, tls.crt, tls.key (ca.key: keep it offline)"
