#!/usr/bin/env python3
"""Times `dflint plan --format json` over the corpus main set against `dflint check` over
the same files, both as one command line each, and checks every plan is valid JSON.

Run after `cargo build --release`:  python3 bench/plan_vs_check.py
The main set is the manifest entries without the template, no-from or
unknown-instruction tags. The plan of the whole set must take less time than two checks.
"""

import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DFLINT = ROOT / "target" / "release" / "dflint"
RUNS = 5


def main_set():
    excluded = {"template", "no-from", "unknown-instruction"}
    for line in (CORPUS / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if not excluded & set(entry["features"]):
            sha = entry["sha256"]
            yield str(CORPUS / "files" / sha[:2] / f"{sha}.Dockerfile")


def timed(args):
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, check=False)
    return time.perf_counter() - start, result


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    if not (CORPUS / "manifest.jsonl").exists():
        print(f"notice: {CORPUS} not found; nothing to measure")
        return 0
    if not DFLINT.exists():
        print("build first: cargo build --release", file=sys.stderr)
        return 2
    files = list(main_set())
    plan_times, check_times = [], []
    for _ in range(RUNS):
        seconds, plan = timed([str(DFLINT), "plan", "--format", "json", *files])
        plan_times.append(seconds)
        seconds, _ = timed([str(DFLINT), "check", "--format", "json", *files])
        check_times.append(seconds)
    if plan.returncode != 0:
        print(f"plan exited {plan.returncode}: {plan.stderr.decode()[:500]}", file=sys.stderr)
        return 1
    documents = [json.loads(line) for line in plan.stdout.decode().splitlines()]
    assert len(documents) == len(files), (len(documents), len(files))
    problems = sum(len(d["problems"]) for d in documents)
    plan_s, check_s = median(plan_times), median(check_times)
    print(f"files: {len(files)}; every plan is valid JSON; {problems} problems reported in the plans")
    print(f"dflint plan --format json, all files: {plan_s * 1e3:.0f} ms (median of {RUNS})")
    print(f"dflint check, all files:             {check_s * 1e3:.0f} ms (median of {RUNS})")
    print(f"plan / check: {plan_s / check_s:.2f} (target: below 2.00)")
    return 0 if plan_s < 2 * check_s else 1


if __name__ == "__main__":
    sys.exit(main())
