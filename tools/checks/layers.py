#!/usr/bin/env python3
"""The layer graph: which folder's code includes which, checked against the layers the design allows.

Prints every edge (folder -> folder it includes, with the number of includes) and fails on an include the
layers do not allow: an upward edge (storage -> coordinator), a sideways one (worker -> coordinator), a cycle.
With --build-dir it also shows that the build refuses a back-edge: it compiles, with the flags of a real
worker source from compile_commands.json, one file that includes a coordinator header (must fail: the worker
library is not given the coordinator's headers) and one that includes a worker header (must compile).

Usage: layers.py --source-dir . [--build-dir build] [--format json]
"""
import argparse
import collections
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# Each folder and the folders it may include (directly; what they include comes with them). Listed bottom to
# top. A file belongs to the longest folder that is a prefix of its path.
LAYERS = {
    "proto": [],
    "common/base": [],
    "searcher": ["common/base"],
    "storage": ["proto", "common/base"],
    "common/spec": ["proto", "common/base", "searcher"],
    "common/rpc": ["proto", "common/base"],
    "lab": ["common/spec", "proto", "common/base"],
    "lab/plot": ["lab", "common/spec", "searcher", "proto", "common/base"],
    "coordinator": ["storage", "searcher", "common/spec", "common/rpc", "proto", "common/base"],
    "coordinator/dashboard": ["coordinator", "lab", "storage", "searcher", "common/spec", "common/rpc", "proto",
                              "common/base"],
    "worker/train": ["common/spec", "proto", "common/base"],
    "worker": ["worker/train", "common/spec", "common/rpc", "proto", "common/base"],
    # The coordinator program composes the coordinator with its dashboard.
    "coordinator/main.cc": ["coordinator/dashboard", "coordinator", "common/rpc", "common/base"],
    # The CLI, benchmarks and fuzzers sit on top of everything.
    "tools": ["coordinator/dashboard", "coordinator", "worker", "worker/train", "lab/plot", "lab", "storage",
              "searcher", "common/spec", "common/rpc", "proto", "common/base"],
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(path):
    """The layer folder a repository path belongs to, or None for a path outside the layers."""
    best = None
    for folder in LAYERS:
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def edges(source_dir):
    """{(from, to): [(file, included)]} for every include of one layer folder's file into another."""
    found = collections.defaultdict(list)
    for top in sorted({f.split("/")[0] for f in LAYERS}):
        for root, dirs, files in os.walk(os.path.join(source_dir, top)):
            dirs[:] = [d for d in dirs if d not in ("node_modules", "dist")]
            for name in files:
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.relpath(os.path.join(root, name), source_dir)
                src = folder_of(path)
                with open(os.path.join(source_dir, path), encoding="utf-8", errors="replace") as f:
                    for included in INCLUDE.findall(f.read()):
                        dst = folder_of(included)
                        if dst is not None and dst != src:
                            found[(src, dst)].append((path, included))
    return found


def allowed(src, dst):
    return dst in LAYERS[src]


def layer_cycle():
    """A cycle in LAYERS itself, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in LAYERS[node]:
            if state.get(nxt) == "open":
                return trail + [node, nxt]
            if nxt not in state:
                cycle = visit(nxt, trail + [node])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in LAYERS:
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def compiles(build_dir, source_dir, text):
    """Compiles `text` as if it were worker/worker.cc (same flags, -fsyntax-only): (ok, compiler output)."""
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        commands = json.load(f)
    target = os.path.realpath(os.path.join(source_dir, "worker", "worker.cc"))
    entry = next((c for c in commands if os.path.realpath(c["file"]) == target), None)
    if entry is None:
        raise SystemExit("layers: worker/worker.cc is not in compile_commands.json")
    argv = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.cc")
        with open(probe, "w") as f:
            f.write(text)
        out, skip = [], False
        for arg in argv:  # Drop the source, the object file and dependency outputs; keep every flag.
            if skip:
                skip = False
                continue
            if arg in ("-o", "-MF", "-MT", "-MQ"):
                skip = True
                continue
            if arg in ("-c", "-MD", "-MMD") or os.path.realpath(os.path.join(entry["directory"], arg)) == target:
                continue
            out.append(arg)
        result = subprocess.run(out + ["-fsyntax-only", probe], cwd=entry["directory"], capture_output=True,
                                text=True)
        return result.returncode == 0, result.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--build-dir")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args()
    source_dir = os.path.realpath(args.source_dir)

    problems = []
    cycle = layer_cycle()
    if cycle:
        problems.append("the allowed layers have a cycle: " + " -> ".join(cycle))
    found = edges(source_dir)
    rows = []
    for (src, dst), uses in sorted(found.items()):
        ok = allowed(src, dst)
        rows.append({"from": src, "to": dst, "includes": len(uses), "allowed": ok})
        if not ok:
            for path, included in uses:
                problems.append(f"{path}: includes \"{included}\": {src} may not use {dst}")

    probes = []
    if args.build_dir:
        back_ok, back_err = compiles(args.build_dir, source_dir, '#include "coordinator/coordinator.h"\n')
        own_ok, own_err = compiles(args.build_dir, source_dir, '#include "worker/executor.h"\n')
        probes = [{"include": "coordinator/coordinator.h", "from": "worker", "compiles": back_ok},
                  {"include": "worker/executor.h", "from": "worker", "compiles": own_ok}]
        if back_ok:
            problems.append("the build lets worker code include coordinator/coordinator.h (a back-edge compiles)")
        if not own_ok:
            problems.append("the probe cannot compile worker/executor.h with worker flags:\n" + own_err[-2000:])

    if args.format == "json":
        print(json.dumps({"edges": rows, "build_probes": probes, "problems": problems}, indent=2))
    else:
        print("layer graph (folder -> folder it includes: includes)")
        for src in LAYERS:
            out = [r for r in rows if r["from"] == src]
            deps = ", ".join(f"{r['to']}: {r['includes']}" + ("" if r["allowed"] else " NOT ALLOWED") for r in out)
            print(f"  {src:22} -> {deps or '(nothing)'}")
        for p in probes:
            print(f"  build: {p['from']} code including \"{p['include']}\" "
                  f"{'compiles' if p['compiles'] else 'does not compile'}")
        for p in problems:
            print("layers: " + p, file=sys.stderr)
        print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
