#!/usr/bin/env bash
# Installs Hyperlab on a bare-metal host: the three binaries, the systemd units and (only if absent) the
# environment files in /etc/hyperlab; creates the `hyperlab` system user. Idempotent: running it again
# replaces binaries and units and keeps /etc/hyperlab/*.env as edited.
#
#   sudo deploy/systemd/install.sh [--root DIR] [--bin-dir BUILD_DIR] [--prefix /usr/local] [--no-user]
#
# --root DIR   install under DIR (a scratch root or an image being built); the user is then not created
#              and systemd is not reloaded. Default /.
# --bin-dir    the CMake build directory with coordinator/, worker/ and tools/ (default: <repo>/build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
root=/
bin_dir="$repo/build"
prefix=/usr/local
make_user=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=$2; shift 2 ;;
    --bin-dir) bin_dir=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --no-user) make_user=no; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
root=${root%/}
if [ "$make_user" = auto ]; then
  if [ -z "$root" ]; then make_user=yes; else make_user=no; fi
fi
if [ "$(id -u)" -ne 0 ] && [ -z "$root" ]; then
  echo "install.sh: installing into / needs root" >&2; exit 1
fi

changed=0
# put SRC DEST MODE: copies when the content differs, says what it did.
put() {
  local src=$1 dest=$2 mode=$3
  if [ ! -f "$src" ]; then echo "install.sh: missing $src (build first: bash tools/build.sh)" >&2; exit 1; fi
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
    chmod "$mode" "$dest"; echo "  unchanged $dest"; return
  fi
  install -D -m "$mode" "$src" "$dest.hyperlab-new"
  mv -f "$dest.hyperlab-new" "$dest"        # atomic: a running binary keeps its old inode
  echo "  installed $dest"; changed=1
}

echo "install.sh: binaries from $bin_dir into ${root:-/}"
put "$bin_dir/coordinator/hyperlab-coordinator" "$root$prefix/bin/hyperlab-coordinator" 0755
put "$bin_dir/worker/hyperlab-worker" "$root$prefix/bin/hyperlab-worker" 0755
put "$bin_dir/tools/hyperlab" "$root$prefix/bin/hyperlab" 0755

unit_dir="$root/etc/systemd/system"
mkdir -p "$unit_dir"
for unit in hyperlab-coordinator.service hyperlab-worker.service; do
  tmp=$(mktemp)
  sed "s#/usr/local/bin/#$prefix/bin/#g" "$here/$unit" > "$tmp"
  put "$tmp" "$unit_dir/$unit" 0644
  rm -f "$tmp"
done

if [ "$make_user" = yes ]; then
  if getent passwd hyperlab >/dev/null; then
    echo "  user hyperlab exists"
  else
    useradd --system --user-group --home-dir /var/lib/hyperlab --no-create-home --shell /usr/sbin/nologin \
      --comment "Hyperlab services" hyperlab
    echo "  created system user hyperlab"
  fi
fi

install -d -m 0750 "$root/etc/hyperlab"
for env in coordinator.env worker.env; do
  dest="$root/etc/hyperlab/$env"
  if [ -e "$dest" ]; then
    echo "  kept $dest (edit it; the shipped example is $here/$env)"
  else
    install -m 0640 "$here/$env" "$dest"
    echo "  installed $dest"
  fi
done
if [ "$make_user" = yes ]; then
  chown root:hyperlab "$root/etc/hyperlab" "$root/etc/hyperlab/coordinator.env" "$root/etc/hyperlab/worker.env"
fi

if [ -z "$root" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo "  systemd reloaded"
elif [ -z "$root" ]; then
  echo "  systemd is not running here: units installed but not loaded"
fi
echo "install.sh: done ($([ $changed = 1 ] && echo changed || echo nothing changed))."
echo "next: edit ${root}/etc/hyperlab/coordinator.env or worker.env, then"
echo "      systemctl enable --now hyperlab-coordinator   # on the coordinator host"
echo "      systemctl enable --now hyperlab-worker        # on each worker host"
