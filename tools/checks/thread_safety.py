#!/usr/bin/env python3
"""Checks the coordinator's locking rules with clang's -Wthread-safety (part of the default test suite).

The coordinator annotates what each mutex guards (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED; see
coordinator/mutex.h). GCC ignores the annotations; this check compiles every source file that includes an
annotated header with clang++ -fsyntax-only -Wthread-safety -Werror, using the flags of the real build
(compile_commands.json), so a field read without its lock fails the suite.

Usage: thread_safety.py --build-dir build --source-dir .
"""
import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

ANNOTATED = re.compile(r'#include "coordinator/(mutex|coordinator|study_shard|journal_committer|worker_registry|'
                       r'dedup_index|task_pool|study_group)\.h"')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--clang", default=shutil.which("clang++-14") or shutil.which("clang++"))
    args = parser.parse_args()
    if not args.clang:
        print("thread_safety: clang++ not found (tools/setup.sh installs clang-14)", file=sys.stderr)
        return 1
    source_dir = os.path.realpath(args.source_dir)
    with open(os.path.join(args.build_dir, "compile_commands.json")) as f:
        entries = json.load(f)
    jobs = []
    for entry in entries:
        path = os.path.realpath(entry["file"])
        if not path.startswith(os.path.join(source_dir, "coordinator") + os.sep):
            continue
        with open(path) as f:
            text = f.read()
        if not ANNOTATED.search(text) and not path.endswith(("mutex.h",)):
            continue
        argv = shlex.split(entry["command"]) if "command" in entry else entry["arguments"]
        flags = []
        skip = False
        for a in argv[1:]:
            if skip:
                skip = False
                continue
            if a in ("-o", "-c", "-MF", "-MT", "-MQ"):
                skip = a != "-c"
                continue
            if a == path or a == entry["file"] or a.startswith("-fno-fat-lto") or a == "-MD":
                continue
            flags.append(a)
        cmd = [args.clang, "-fsyntax-only", "-Wthread-safety", "-Werror=thread-safety",
               "-Wno-unknown-warning-option", "-Wno-unused-command-line-argument"] + flags + [path]
        jobs.append((path, cmd, entry["directory"]))
    if not jobs:
        print("thread_safety: no annotated coordinator sources found in compile_commands.json", file=sys.stderr)
        return 1

    def run(job):
        path, cmd, cwd = job
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        return path, r.returncode, r.stderr

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for path, rc, err in pool.map(run, jobs):
            rel = os.path.relpath(path, source_dir)
            if rc != 0:
                failed += 1
                print(f"FAIL {rel}\n{err}")
            else:
                print(f"ok   {rel}")
    print(f"thread_safety: {len(jobs) - failed}/{len(jobs)} files clean under {os.path.basename(args.clang)} "
          f"-Wthread-safety")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
