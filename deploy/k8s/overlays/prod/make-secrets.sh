#!/usr/bin/env bash
# Creates overlays/prod/secrets/: random tokens (coordinator token file, one token per worker pool, one per
# other role user) and a private CA with the coordinator's certificate. Existing files are kept (delete one
# to regenerate it), so running it again is harmless; a new --pool adds its line to an existing token file.
# Usage: ./make-secrets.sh [--namespace NS] [--days N] [--extra-san SAN]... [--pool NAME]...
# (default pool: hyperlab-worker, the base's worker Deployment).
# Bring your own CA instead: put tls.crt, tls.key and ca.crt in secrets/ before running it.
set -euo pipefail
cd "$(dirname "$0")"
namespace=hyperlab
days=825
extra=()
pools=()
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace) namespace=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --extra-san) extra+=("$2"); shift 2 ;;
    --pool) pools+=("$2"); shift 2 ;;
    *) echo "usage: $0 [--namespace NS] [--days N] [--extra-san DNS:name|IP:addr]... [--pool NAME]..." >&2; exit 2 ;;
  esac
done
[ ${#pools[@]} -gt 0 ] || pools=(hyperlab-worker)
for pool in "${pools[@]}"; do
  [[ "$pool" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || { echo "make-secrets: --pool $pool: use a DNS label" >&2; exit 2; }
done
umask 077
mkdir -p secrets
cd secrets
token() { openssl rand -hex 32; }
for role in probe submit admin; do
  [ -s "$role-token" ] || token > "$role-token"
done
# The coordinator's token file: TOKEN ROLE NAME. The probe token only reads.
if [ ! -s tokens ]; then
  {
    echo "$(cat admin-token) admin operator"
    echo "$(cat submit-token) submit submit-job"
    echo "$(cat probe-token) read probes"
  } > tokens
fi
# One worker token per pool, named after the pool in the token file (logs and worker ownership say which).
for pool in "${pools[@]}"; do
  file="worker-pool-$pool.token"
  [ -s "$file" ] || token > "$file"
  grep -q " worker pool-$pool\$" tokens || echo "$(cat "$file") worker pool-$pool" >> tokens
done
# Strip the newline from single-token files: they are read whole into HYPERLAB_TOKEN.
for role in probe submit admin; do printf '%s' "$(cat "$role-token")" > "$role-token.tmp" && mv "$role-token.tmp" "$role-token"; done
# Secret files: the coordinator and the clients refuse token files that others may read.
chmod 600 tokens ./*-token ./*.token
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
