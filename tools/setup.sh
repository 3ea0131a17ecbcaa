#!/usr/bin/env bash
# Installs the Debian 12 packages Hyperlab needs to build and test, skipping any already present.
# Idempotent: a second run installs nothing. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libeigen3-dev libdnnl-dev ocl-icd-opencl-dev librocksdb-dev
  libyaml-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev python3 procps zlib1g-dev dataset-fashion-mnist python3-yaml openssl
  chromium  # Renders the HTML report in its test (tests/lab/plot/report_render_test.py).
  clang-14 libclang-rt-14-dev  # clang: fuzzers and the -Wthread-safety check of the coordinator.
  libssl-dev         # OpenSSL: SHA-256 of data and fingerprints, CSPRNG lease ids.
  libcpp-httplib-dev # The metrics endpoint's HTTP server.
  # The Python client (tools/python) and its tests: Debian's grpcio/protobuf for /usr/bin/python3, setuptools
  # for an offline `pip install tools/python`, pandas for trials_dataframe(). (Its benchmark's peers,
  # python3-optuna and python3-sklearn, are not installed here: the benchmark and examples ask for them.)
  python3-grpcio python3-protobuf python3-pytest python3-setuptools python3-pandas
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# kubectl renders the Kubernetes manifests in the deploy tests; any kubectl will do (some machines have one
# from another vendor's package, which Debian's kubernetes-client would conflict with).
if ! command -v kubectl >/dev/null 2>&1; then
  missing+=(kubernetes-client)
fi

# Node and npm build the web dashboard's front end (tools/dashboard, with Vite: Node 20.19 or newer; the
# build skips the front end with a note when it finds an older one). Any node will do: machines with a
# newer one from another vendor keep it; Debian's packages are installed only when none is there.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
