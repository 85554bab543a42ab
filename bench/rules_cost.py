#!/usr/bin/env python3
"""What the rules cost: `dflint check` on the corpus main set, against an older build.

Run after `cargo build --release`:
    python3 bench/rules_cost.py --baseline PATH/TO/OLDER/dflint [--runs 5]

Both binaries check the same files (one command line each, JSON output, default rules,
ShellCheck off for the current build, so that only dflint's own single pass is measured),
alternately, `--runs` times. Reported: the best wall time and the best CPU time (user +
system, which a busy machine disturbs less) of each, and their ratio. The target is a ratio
of at most 2. A separate line times the current build with ShellCheck on (`auto`), when it
is installed, since that cost is ShellCheck's own analysis.
"""

import argparse
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DFLINT = ROOT / "target" / "release" / "dflint"


def main_set():
    excluded = {"template", "no-from", "unknown-instruction"}
    for line in (CORPUS / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if not excluded & set(entry["features"]):
            sha = entry["sha256"]
            yield str(CORPUS / "files" / sha[:2] / f"{sha}.Dockerfile")


def run(args):
    """Wall and CPU seconds of one run of `args`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the older dflint binary")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (CORPUS / "manifest.jsonl").exists():
        print("notice: needs ../shared/corpus; nothing measured")
        return 0
    if not DFLINT.exists():
        print("build first: cargo build --release", file=sys.stderr)
        return 2
    files = list(main_set())
    base_cmd = [args.baseline, "check", "--format", "json", *files]
    new_cmd = [str(DFLINT), "check", "--shellcheck", "never", "--format", "json", *files]
    base, new = [], []
    for _ in range(args.runs):
        base.append(run(base_cmd))
        new.append(run(new_cmd))
    bw, bc = min(w for w, _ in base), min(c for _, c in base)
    nw, nc = min(w for w, _ in new), min(c for _, c in new)
    print(f"{len(files)} files of the corpus main set, best of {args.runs} runs, {os.cpu_count()} cores")
    print(f"baseline: {bw:.2f} s wall, {bc:.2f} s CPU")
    print(f"current:  {nw:.2f} s wall, {nc:.2f} s CPU")
    print(f"ratio:    {nw / bw:.2f}x wall, {nc / bc:.2f}x CPU (target: at most 2x)")
    if shutil.which("shellcheck"):
        w, c = run([str(DFLINT), "check", "--shellcheck", "auto", "--format", "json", *files])
        print(f"current with ShellCheck (auto): {w:.1f} s wall, {c:.1f} s CPU (one run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
