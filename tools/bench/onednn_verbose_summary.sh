#!/bin/bash
# Sums the per-primitive execution times that oneDNN prints with ONEDNN_VERBOSE=1 (read from stdin):
# one line per primitive kind, implementation, propagation kind and shape, with total ms, calls, ms per
# call and share of all primitive time, largest first. Example:
#   ONEDNN_VERBOSE=1 build/tools/bench/train/hyperlab-cnn-bench --train-limit 2560 --threads 1 \
#     | tools/bench/onednn_verbose_summary.sh
grep "^onednn_verbose,exec" | awk -F, '
  { key = $4 "," $5 "," $6 "," $(NF - 1); t[key] += $NF; n[key]++; all += $NF }
  END {
    for (k in t) printf "%9.1f ms %6d calls %8.3f ms/call %5.1f%%  %s\n", t[k], n[k], t[k] / n[k], 100 * t[k] / all, k
    printf "%9.1f ms total\n", all
  }' | sort -rn
