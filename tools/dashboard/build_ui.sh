#!/bin/sh
# Builds the dashboard's front end into $1 (run by CMake from this directory, coordinator/dashboard).
# `npm ci` runs only when node_modules is missing or older than package-lock.json, so once it has run a
# build needs no network; `vite build` then works offline.
set -eu
out="$1"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node node_modules/vite/bin/vite.js build --logLevel warn --outDir "$out" --emptyOutDir
