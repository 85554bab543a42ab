#!/usr/bin/env python3
"""Language servers under a scripted editing session: diagnostics latency and memory.

    python3 bench/lsp_session.py [--lines 2000] [--edits 500] [--interval MS] [--json]
                                 [--server NAME=COMMAND ...]

Without `--server`, it runs `dflint lsp` (target/release/dflint, else target/debug/dflint,
when that build has the `lsp` command) and `docker-langserver --stdio` (npm
`dockerfile-language-server-nodejs`, when it is on PATH), one after the other, on the same
session. Each server, started over stdio in a fresh process:

1. is initialized (offered UTF-8 and UTF-16 positions; the edits use what it picks);
2. opens a generated Dockerfile of `--lines` lines (multi-stage, ARG/ENV/RUN/COPY/LABEL
   blocks, some findings, some non-ASCII text) and sends its first diagnostics;
3. sits idle for a second: the idle RSS is measured then;
4. receives `--edits` keystrokes as incremental `didChange` notifications: typing new
   instructions character by character at several places in the file, with backspaces
   and newlines. After each keystroke the script waits for the `publishDiagnostics` of
   that version (or of the latest version, when the server does not say which), then
   waits until `--interval` ms have passed since the keystroke (0: send the next at once).

Latency is the time from sending a `didChange` to receiving the diagnostics for it;
reported as p50/p90/p99/max over the edits. Peak RSS is the highest VmHWM of the server's
processes (summed over its process tree) at the end; memory is read from /proc (Linux).
Publications that name a version older than the latest one sent are counted as stale.
Targets for dflint: p99 under 10 ms and under docker-langserver's, idle RSS under 20 MB.
"""

import argparse
import json
import os
import pathlib
import queue
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_P99_MS = 10.0
TARGET_IDLE_RSS_MB = 20.0


# --- The document and the session script ---------------------------------------------------


def generate_dockerfile(n):
    """A deterministic multi-stage Dockerfile of exactly `n` lines."""
    head = [
        "# syntax=docker/dockerfile:1",
        "ARG BASE=debian:bookworm-slim",
        "FROM ${BASE} AS base",
        'LABEL org.opencontainers.image.description="café au lait — grüße"',
        "ENV APP_HOME=/opt/app LANG=C.UTF-8",
        "WORKDIR /opt/app",
        "RUN apt-get update && apt-get install -y curl",
        "MAINTAINER someone <someone@example.com>",
    ]
    tail = [
        "FROM base AS final",
        "COPY --from=build /opt/app /opt/app",
        "EXPOSE 8080/tcp",
        'HEALTHCHECK --interval=30s CMD ["curl", "-f", "http://localhost:8080/"]',
        "USER 1000",
        'ENTRYPOINT ["/opt/app/run"]',
        'CMD ["--serve"]',
    ]
    lines = list(head)
    i = 0
    while len(lines) + 12 <= n - len(tail):
        i += 1
        if i % 20 == 1:
            lines.append(f"FROM base AS build{i}" if i > 1 else "FROM base AS build")
        lines += [
            f"# step {i}: ünïcode in comments too",
            f"ARG V{i}=1.{i}",
            f"ENV VAR_{i}=value_{i} \\",
            f'    OTHER_{i}="x y"',
            f"COPY --chown=1000:1000 src/part{i} /opt/app/part{i}",
            "RUN set -eux; \\",
            f'    echo "building {i} $V{i}" > /opt/app/b{i}; \\',
            f"    cd /opt/app && ls part{i} | wc -l",
            f'LABEL org.example.step{i}="{i}"',
            "",
        ]
    while len(lines) < n - len(tail):
        lines.append("# padding")
    lines += tail
    assert len(lines) == n
    return "\n".join(lines) + "\n"


TYPED = [
    "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20230311",
    'LABEL org.example.note="grüße aus köln"',
    "ENV PATH=/opt/app/bin:$PATH",
    "COPY --from=build /opt/app/part1 /srv/",
    "run echo $UNDEFINED_VARIABLE | tee /tmp/out",
    "WORKDIR relative/dir",
]


def keystrokes(lines, count):
    """`count` keystrokes as (kind, line, column in code points): kind is a character to
    insert or "\\b" for a backspace. Typing happens at several places in the file; each
    typed line is followed by a newline, and every fourth line is partly erased and
    retyped."""
    places = [len(lines) * k // 7 for k in range(1, 7)]
    strokes = []
    step = 0
    while len(strokes) < count:
        text = TYPED[step % len(TYPED)]
        line = places[step % len(places)] + step // len(places)
        # Start on a fresh line: insert a newline at the end of the line above.
        strokes.append(("\n", line - 1, None))
        for column, ch in enumerate(text):
            strokes.append((ch, line, column))
        if step % 4 == 3:
            for k in range(10):
                strokes.append(("\b", line, len(text) - k))
            for column in range(len(text) - 10, len(text)):
                strokes.append((text[column], line, column))
        step += 1
    return strokes[:count]


class Document:
    """The text as lines, edited like an editor would, turned into LSP positions."""

    def __init__(self, text, encoding):
        self.lines = text.split("\n")
        self.encoding = encoding

    def units(self, line, column):
        prefix = self.lines[line][:column]
        if self.encoding == "utf-8":
            return len(prefix.encode("utf-8"))
        if self.encoding == "utf-32":
            return len(prefix)
        return len(prefix.encode("utf-16-le")) // 2

    def apply(self, kind, line, column):
        """Applies one keystroke and returns its LSP content change."""
        if kind == "\n":
            # A newline typed at the end of `line`.
            column = len(self.lines[line])
            position = {"line": line, "character": self.units(line, column)}
            self.lines.insert(line + 1, "")
            return {"range": {"start": position, "end": position}, "text": "\n"}
        if kind == "\b":
            start = {"line": line, "character": self.units(line, column - 1)}
            end = {"line": line, "character": self.units(line, column)}
            text = self.lines[line]
            self.lines[line] = text[: column - 1] + text[column:]
            return {"range": {"start": start, "end": end}, "text": ""}
        position = {"line": line, "character": self.units(line, column)}
        text = self.lines[line]
        self.lines[line] = text[:column] + kind + text[column:]
        return {"range": {"start": position, "end": position}, "text": kind}


# --- JSON-RPC over stdio ---------------------------------------------------------------------


class Server:
    """A language server process; a thread reads its messages into a queue, answering the
    requests it makes of the client."""

    def __init__(self, command, cwd):
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages = queue.Queue()
        self.write_lock = threading.Lock()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def send(self, message):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        with self.write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def request(self, method, params, timeout=30):
        self.next_id += 1
        request_id = self.next_id
        self.send({"id": request_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    def wait(self, predicate, timeout):
        """The first message (with its arrival time) that satisfies `predicate`; others are
        dropped. None on timeout."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            try:
                arrived, message = self.messages.get(timeout=left)
            except queue.Empty:
                return None
            if message is None:
                raise EOFError("the server closed its output")
            if predicate(message):
                return arrived, message

    def _read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put((time.perf_counter(), None))
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            arrived = time.perf_counter()
            if "method" in message and "id" in message:
                self._answer(message)
            self.messages.put((arrived, message))

    def _answer(self, request):
        if request["method"] == "workspace/configuration":
            result = [None for _ in request["params"]["items"]]
        else:
            result = None
        self.send({"id": request["id"], "result": result})

    def memory_kb(self):
        """(VmRSS, VmHWM) summed over the server's process tree."""
        rss = hwm = 0
        for pid in process_tree(self.process.pid):
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            rss += int(line.split()[1])
                        elif line.startswith("VmHWM:"):
                            hwm += int(line.split()[1])
            except OSError:
                pass
        return rss, hwm

    def close(self):
        try:
            if self.request("shutdown", None, timeout=5) is not None:
                self.notify("exit", None)
            self.process.wait(timeout=5)
        except (OSError, EOFError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def process_tree(pid):
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in children.read().split():
                    pids += process_tree(int(child))
    except OSError:
        pass
    return pids


# --- The session -----------------------------------------------------------------------------


def percentile(sorted_values, p):
    """The nearest-rank percentile of sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def run_session(command, text, edits, interval_ms, timeout):
    workdir = tempfile.mkdtemp(prefix="lsp-session-")
    path = pathlib.Path(workdir, "Dockerfile")
    path.write_text(text)
    uri = path.as_uri()
    try:
        started = time.perf_counter()
        server = Server(command, workdir)
        answer = server.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": pathlib.Path(workdir).as_uri(),
                "workspaceFolders": [{"uri": pathlib.Path(workdir).as_uri(), "name": "bench"}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-8", "utf-16"]},
                    "textDocument": {
                        "synchronization": {"didSave": True},
                        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
                    },
                    "workspace": {"configuration": True},
                },
            },
            timeout,
        )
        if answer is None:
            raise TimeoutError("no answer to initialize")
        initialize_ms = (answer[0] - started) * 1000
        capabilities = answer[1].get("result", {}).get("capabilities", {})
        encoding = capabilities.get("positionEncoding", "utf-16")
        sync = capabilities.get("textDocumentSync")
        sync_kind = sync.get("change") if isinstance(sync, dict) else sync
        server.notify("initialized", {})
        time.sleep(0.2)
        initialized_rss, _ = server.memory_kb()

        def is_publish(message):
            return (
                message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri
            )

        opened = time.perf_counter()
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}},
        )
        first = server.wait(is_publish, timeout)
        if first is None:
            raise TimeoutError("no diagnostics after didOpen")
        open_ms = (first[0] - opened) * 1000
        first_count = len(first[1]["params"]["diagnostics"])
        # Let any late work finish, then measure the idle process.
        time.sleep(1.0)
        idle_rss, _ = server.memory_kb()

        document = Document(text, encoding)
        latencies = []
        stale = missed = 0
        for index, stroke in enumerate(keystrokes(text.split("\n"), edits)):
            version = 2 + index
            change = document.apply(*stroke)
            if sync_kind == 1:  # The server asked for full text.
                change = {"text": "\n".join(document.lines)}
            sent = time.perf_counter()
            server.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
            while True:
                got = server.wait(is_publish, timeout)
                if got is None:
                    missed += 1
                    if missed == 3:
                        raise TimeoutError("no diagnostics after 3 edits")
                    break
                published = got[1]["params"].get("version")
                if published is not None and published < version:
                    stale += 1
                    continue
                latencies.append((got[0] - sent) * 1000)
                break
            pause = interval_ms / 1000 - (time.perf_counter() - sent)
            if pause > 0:
                time.sleep(pause)
        rss, hwm = server.memory_kb()
        server.close()
        latencies.sort()
        return {
            "command": " ".join(command),
            "position_encoding": encoding,
            "initialize_ms": round(initialize_ms, 1),
            "open_to_diagnostics_ms": round(open_ms, 1),
            "first_diagnostics": first_count,
            "edits": edits,
            "published": len(latencies),
            "missed": missed,
            "stale": stale,
            "p50_ms": round(percentile(latencies, 50), 2),
            "p90_ms": round(percentile(latencies, 90), 2),
            "p99_ms": round(percentile(latencies, 99), 2),
            "max_ms": round(latencies[-1], 2) if latencies else float("nan"),
            "initialized_rss_mb": round(initialized_rss / 1024, 1),
            "idle_rss_mb": round(idle_rss / 1024, 1),
            "final_rss_mb": round(rss / 1024, 1),
            "peak_rss_mb": round(hwm / 1024, 1),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- Servers and report ----------------------------------------------------------------------


def default_servers():
    servers = []
    for build in ("release", "debug"):
        binary = ROOT / "target" / build / "dflint"
        if binary.exists():
            probe = subprocess.run([str(binary), "lsp", "--help"], capture_output=True)
            if probe.returncode == 0:
                if build == "debug":
                    print("notice: timing a debug build of dflint (cargo build --release)",
                          file=sys.stderr)
                servers.append(("dflint", [str(binary), "lsp"]))
            else:
                print(f"notice: target/{build}/dflint has no `lsp` command; dflint skipped",
                      file=sys.stderr)
            break
    else:
        print("notice: no target/*/dflint (cargo build --release); dflint skipped",
              file=sys.stderr)
    if shutil.which("docker-langserver"):
        servers.append(("docker-langserver", ["docker-langserver", "--stdio"]))
    else:
        print("notice: docker-langserver is not installed "
              "(npm i -g dockerfile-language-server-nodejs); skipped", file=sys.stderr)
    return servers


COLUMNS = [
    ("server", "name"),
    ("init ms", "initialize_ms"),
    ("open ms", "open_to_diagnostics_ms"),
    ("p50 ms", "p50_ms"),
    ("p90 ms", "p90_ms"),
    ("p99 ms", "p99_ms"),
    ("max ms", "max_ms"),
    ("published", "published"),
    ("stale", "stale"),
    ("idle MB", "idle_rss_mb"),
    ("peak MB", "peak_rss_mb"),
]


def print_table(results):
    rows = [[h for h, _ in COLUMNS]] + [[str(r[k]) for _, k in COLUMNS] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for n, row in enumerate(rows):
        print("  ".join(cell.rjust(w) if i else cell.ljust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def targets(results):
    """Lines saying whether dflint meets its targets; empty without a dflint result."""
    dflint = next((r for r in results if r["name"] == "dflint"), None)
    if dflint is None:
        return []
    node = next((r for r in results if r["name"] == "docker-langserver"), None)
    lines = [
        ("p99 latency under %.0f ms" % TARGET_P99_MS, dflint["p99_ms"] < TARGET_P99_MS),
        ("idle RSS under %.0f MB" % TARGET_IDLE_RSS_MB,
         dflint["idle_rss_mb"] < TARGET_IDLE_RSS_MB),
        ("no stale publications", dflint["stale"] == 0),
        ("every edit answered", dflint["missed"] == 0),
    ]
    if node is not None:
        lines.append(("p99 latency under docker-langserver's", dflint["p99_ms"] < node["p99_ms"]))
    return [f"{'PASS' if ok else 'FAIL'}  dflint: {what}" for what, ok in lines]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--interval", type=float, default=0.0,
                        help="milliseconds from one keystroke to the next (default 0)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds to wait for each answer (default 10)")
    parser.add_argument("--server", action="append", metavar="NAME=COMMAND",
                        help="a server to run instead of the defaults (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    if args.server:
        servers = []
        for spec in args.server:
            name, _, command = spec.partition("=")
            servers.append((name, shlex.split(command)))
    else:
        servers = default_servers()
    if not servers:
        print("error: no language server to run", file=sys.stderr)
        return 2

    text = generate_dockerfile(args.lines)
    results = []
    for name, command in servers:
        try:
            result = run_session(command, text, args.edits, args.interval, args.timeout)
        except (OSError, EOFError, TimeoutError) as error:
            print(f"error: {name}: {error}", file=sys.stderr)
            return 1
        results.append({"name": name, **result})

    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{args.lines}-line Dockerfile, {args.edits} keystrokes as incremental didChange, "
              f"{args.interval:g} ms apart\n")
        print_table(results)
    verdicts = targets(results)
    for line in verdicts:
        print(line, file=sys.stderr if args.json else sys.stdout)
    return 1 if any(line.startswith("FAIL") for line in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
