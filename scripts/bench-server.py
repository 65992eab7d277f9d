#!/usr/bin/env python3
"""Drives a language server over stdio like an editor and measures it (docs/PERFORMANCE.md).

For each size (projects) it generates a file with `jixiao-gen` (and, for the peer, the same
projects as TOML with `jixiao-gen --toml`), starts the server, and measures:

  open        didOpen -> the first publishDiagnostics for the document
  keystroke   didChange typing one character in the middle of the file (a new version each
              time) -> the publishDiagnostics for that version; median, p90, max over the edits
  hover       a hover on the middle project's name line -> the response
  completion  at the start of an indicator name in the middle project (names), and right
              after `名称: ` (values) -> the response
  formatting  textDocument/formatting of the whole document -> the response
  peak RSS    VmHWM of the server process from /proc/PID/status, at the end

Servers: `jixiao` (target/release/jixiao lsp) and, with --taplo, the taplo TOML server
(`taplo lsp stdio`) on the TOML rendering. A publishDiagnostics that carries no version (taplo)
is matched to the edit by order: the driver sends one edit, waits for the server's
publication(s) for the document, then sends the next; how many publications one edit causes is
measured first (see --settle) and reported.

Plain Python 3, no dependencies. Example:

    cargo build --release --bin jixiao --example jixiao-gen
    python3 scripts/bench-server.py --sizes 100,2000 --taplo taplo --json bench-server.json
"""

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# Typed in the middle of the file, one character per edit (all in the BMP: one UTF-16 unit).
TYPED = "进一步提升服务质量和工作效率"


class Server:
    """One server process and a reader thread that timestamps every message it sends."""

    def __init__(self, cmd, cwd, log_path):
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log
        )
        self.next_id = 0
        self.responses = {}
        self.resp_cv = threading.Condition()
        self.notes = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.notes.put((time.perf_counter(), None))
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.partition(b":")
                if k.lower() == b"content-length":
                    length = int(v)
            body = out.read(length)
            t = time.perf_counter()
            msg = json.loads(body)
            if "id" in msg and "method" in msg:
                self._answer(msg)
            elif "id" in msg:
                with self.resp_cv:
                    self.responses[msg["id"]] = (t, msg)
                    self.resp_cv.notify_all()
            else:
                self.notes.put((t, msg))

    def _answer(self, req):
        """Requests from the server to the client, answered as a plain editor would."""
        method = req["method"]
        if method == "workspace/configuration":
            result = [None for _ in req["params"]["items"]]
        else:  # client/registerCapability, window/workDoneProgress/create, ...
            result = None
        self._send({"jsonrpc": "2.0", "id": req["id"], "result": result})

    def _send(self, msg):
        """Serialises `msg`, then writes it; returns the time the write began (so that the
        driver's own JSON encoding is not counted)."""
        body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
        frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
        t = time.perf_counter()
        self.proc.stdin.write(frame)
        self.proc.stdin.flush()
        return t

    def notify(self, method, params):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:  # `shutdown`/`exit` have no params (not `null`)
            msg["params"] = params
        return self._send(msg)

    def request(self, method, params, timeout=600):
        """Sends a request and waits for its response: (seconds, response)."""
        self.next_id += 1
        rid = self.next_id
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        t0 = self._send(msg)
        deadline = t0 + timeout
        with self.resp_cv:
            while rid not in self.responses:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(f"{method}: no response in {timeout} s")
                self.resp_cv.wait(left)
            t, msg = self.responses.pop(rid)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return t - t0, msg.get("result")

    def wait_diagnostics(self, uri, version=None, timeout=600, count=1, since=0.0):
        """Waits for `count` publishDiagnostics of `uri` (of `version`, when the server sends
        versions) that arrive after `since`. Returns the arrival times of the first and the
        last, and the last one. (`since`: the workspace scan publishes a file's problems
        before it is opened, without a version.)"""
        deadline = time.perf_counter() + timeout
        got = 0
        first = None
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no publishDiagnostics for version {version} in {timeout} s")
            try:
                t, msg = self.notes.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise RuntimeError("the server closed its output")
            if msg.get("method") != "textDocument/publishDiagnostics" or t < since:
                continue
            p = msg["params"]
            if p["uri"] != uri:
                continue
            v = p.get("version")
            if version is not None and v is not None and v != version:
                continue
            got += 1
            first = first or t
            if got >= count:
                return first, t, p

    def drain(self, uri, quiet):
        """Counts further publishDiagnostics of `uri` until none has come for `quiet` seconds.
        Returns the count and the arrival time of the last one (None if none)."""
        n, last = 0, None
        end = time.perf_counter() + quiet
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                return n, last
            try:
                t, msg = self.notes.get(timeout=left)
            except queue.Empty:
                return n, last
            if msg and msg.get("method") == "textDocument/publishDiagnostics":
                if msg["params"]["uri"] == uri:
                    n += 1
                    last = t
                    end = time.perf_counter() + quiet

    def peak_rss_kib(self):
        return proc_status(self.proc.pid, "VmHWM")

    def rss_kib(self):
        return proc_status(self.proc.pid, "VmRSS")

    def close(self):
        """shutdown, exit; returns the exit code (None if the server had to be killed)."""
        code = None
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            code = self.proc.wait(timeout=120)
        except Exception as e:
            print(f"  shutdown failed ({e}); killing the server", file=sys.stderr)
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        return code


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def pct(xs, p):
    """The p-th percentile (nearest rank) of xs."""
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def locate_jixiao(lines, projects):
    """Positions in the middle project of a .jixiao file: (project line, goal line, goal
    column for typing, an indicator line, the column after its `: `)."""
    target = projects // 2 + 1
    seen = 0
    proj = goal = ind = None
    for i, line in enumerate(lines):
        if line.startswith("项目:"):
            seen += 1
            if seen == target:
                proj = i
            elif seen > target:
                break
        elif proj is not None and goal is None and line.startswith("    > "):
            goal = i
        elif proj is not None and ind is None and line.startswith("      ") and ": " in line:
            ind = i
    body = lines[goal].rstrip("\n")
    col = utf16_len(body[: len(body) // 2])
    ind_line = lines[ind]
    value_col = utf16_len(ind_line[: ind_line.index(": ") + 2])
    return {
        "hover": (proj, utf16_len("项目: ") + 1),
        "type": (goal, col),
        "complete_name": (ind, 6),
        "complete_value": (ind, value_col),
    }


def locate_toml(lines, projects):
    """The same places in the TOML rendering: the middle project's `name = ` line, the middle
    of its goal's first line (inside the multi-line string), an indicator's `name = `."""
    target = projects // 2
    seen = -1
    proj = goal = ind = None
    for i, line in enumerate(lines):
        if line.startswith("[[project]]"):
            seen += 1
            if seen > target:
                break
        if seen != target:
            continue
        if proj is None and line.startswith("name = "):
            proj = i
        elif goal is None and line.startswith('goal = """'):
            goal = i + 1
        elif line.startswith("[[project.indicator]]") and ind is None:
            ind = i + 3  # level1, level2, name
    body = lines[goal].rstrip("\n")
    col = utf16_len(body[: len(body) // 2])
    value_col = utf16_len('name = "')
    return {
        "hover": (proj, 1),
        "type": (goal, col),
        "complete_name": (ind, 0),
        "complete_value": (ind, value_col),
    }


def measure(name, cmd, path, language, places, args):
    workdir = os.path.dirname(path)
    uri = "file://" + path
    with open(path, encoding="utf-8") as f:
        text = f.read()
    log = os.path.join(workdir, f"{name}.stderr.log")
    srv = Server(cmd, workdir, log)
    res = {"server": name, "file": path, "bytes": len(text.encode("utf-8")),
           "lines": text.count("\n")}
    try:
        root = "file://" + workdir
        _, init = srv.request("initialize", {
            "processId": os.getpid(),
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": os.path.basename(workdir)}],
            "capabilities": {
                "textDocument": {
                    "synchronization": {"didSave": True, "dynamicRegistration": False},
                    "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "completion": {"completionItem": {"snippetSupport": True}},
                },
                "workspace": {"workspaceFolders": True, "configuration": False},
                "general": {"positionEncodings": ["utf-16"]},
            },
            "initializationOptions": args.init_options.get(name),
        }, timeout=120)
        sync = init["capabilities"].get("textDocumentSync", 1)
        if isinstance(sync, dict):
            sync = sync.get("change", 1)
        res["sync"] = {1: "full", 2: "incremental"}.get(sync, str(sync))
        srv.notify("initialized", {})
        time.sleep(0.5)  # let a workspace scan start, as it would while the user looks

        t0 = srv.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": 1, "text": text}})
        _, t1, p = srv.wait_diagnostics(uri, 1, timeout=args.timeout, since=t0)
        res["open_ms"] = (t1 - t0) * 1000
        # A server may publish in stages (taplo: syntax, then semantics, then schema).
        extra, last = srv.drain(uri, max(args.settle, 2 * (t1 - t0)))
        res["open_publishes"] = 1 + extra
        res["open_last_publish_ms"] = ((last or t1) - t0) * 1000
        res["diagnostics_after_open"] = len(p["diagnostics"])
        res["rss_after_open_kib"] = srv.rss_kib()
        res["version_in_publish"] = "version" in p and p["version"] is not None

        # How many publications does one edit cause? (One for jixiao; measured for the peer.)
        # A server with full sync (taplo) gets the whole text on every keystroke, as an
        # editor sends it; the BMP characters typed are one UTF-16 unit = one Python index.
        line, col = places["type"]
        version = 1
        offset = sum(len(x) for x in text.splitlines(True)[:line]) + col
        doc = text

        def edit(i):
            nonlocal version, doc
            version += 1
            ch = TYPED[i % len(TYPED)]
            if sync == 2:
                pos = {"line": line, "character": col + i}
                change = {"range": {"start": pos, "end": pos}, "text": ch}
            else:
                doc = doc[: offset + i] + ch + doc[offset + i:]
                change = {"text": doc}
            return srv.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [change],
            })

        typed = 0
        t0 = edit(typed)
        typed += 1
        _, t1, _ = srv.wait_diagnostics(uri, version, timeout=args.timeout)
        extra, _ = srv.drain(uri, max(args.settle, 2 * (t1 - t0)))
        per_edit = 1 + extra
        res["publishes_per_edit"] = per_edit

        lat, lat_first = [], []
        budget_end = time.perf_counter() + args.budget
        while len(lat) < args.edits:
            t0 = edit(typed)
            typed += 1
            tf, t1, p = srv.wait_diagnostics(
                uri, version if res["version_in_publish"] else None,
                timeout=args.timeout, count=per_edit)
            lat.append((t1 - t0) * 1000)
            lat_first.append((tf - t0) * 1000)
            if len(lat) >= args.min_edits and time.perf_counter() > budget_end:
                break
            if args.pause:
                time.sleep(args.pause)
        res["edits"] = len(lat)
        res["keystroke_median_ms"] = statistics.median(lat)
        res["keystroke_p90_ms"] = pct(lat, 90)
        res["keystroke_max_ms"] = max(lat)
        res["keystroke_mean_ms"] = statistics.fmean(lat)
        res["keystroke_first_publish_median_ms"] = statistics.median(lat_first)
        res["keystrokes_ms"] = [round(x, 3) for x in lat]
        res["diagnostics_after_edits"] = len(p["diagnostics"])

        def timed(method, params, n):
            ts = []
            result = None
            for _ in range(n):
                dt, result = srv.request(method, params, timeout=args.timeout)
                ts.append(dt * 1000)
            return statistics.median(ts), result

        td = {"uri": uri}
        hl, hc = places["hover"]
        res["hover_ms"], r = timed("textDocument/hover", {
            "textDocument": td, "position": {"line": hl, "character": hc}}, args.repeat)
        res["hover_nonempty"] = bool(r)
        for key in ("complete_name", "complete_value"):
            cl, cc = places[key]
            res[key + "_ms"], r = timed("textDocument/completion", {
                "textDocument": td, "position": {"line": cl, "character": cc}}, args.repeat)
            items = r.get("items", []) if isinstance(r, dict) else (r or [])
            res[key + "_items"] = len(items)
        res["formatting_ms"], r = timed("textDocument/formatting", {
            "textDocument": td, "options": {"tabSize": 2, "insertSpaces": True}},
            max(1, args.repeat // 4))
        res["formatting_edits"] = len(r or [])
        res["peak_rss_kib"] = srv.peak_rss_kib()
    finally:
        res["exit_code"] = srv.close()
    return res


def generate(gen, projects, seed, workdir, toml):
    ext = "toml" if toml else "jixiao"
    d = os.path.join(workdir, f"{ext}-{projects}")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, f"bench-{projects}.{ext}")
    cmd = [gen, "--projects", str(projects), "--seed", str(seed), "--out", path]
    if toml:
        cmd.append("--toml")
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return path


def fmt_ms(x):
    if x is None:
        return "—"
    return f"{x:.2f}" if x < 10 else f"{x:.0f}" if x >= 100 else f"{x:.1f}"


def table(results):
    cols = [
        ("server", lambda r: r["server"]),
        ("projects", lambda r: str(r["projects"])),
        ("file", lambda r: f"{r['bytes'] / 1e6:.2f} MB / {r['lines']} lines"),
        ("open ms", lambda r: fmt_ms(r.get("open_ms"))),
        ("key med ms", lambda r: fmt_ms(r.get("keystroke_median_ms"))),
        ("key p90 ms", lambda r: fmt_ms(r.get("keystroke_p90_ms"))),
        ("edits", lambda r: str(r.get("edits", "—"))),
        ("hover ms", lambda r: fmt_ms(r.get("hover_ms"))),
        ("compl name ms", lambda r: fmt_ms(r.get("complete_name_ms"))),
        ("compl value ms", lambda r: fmt_ms(r.get("complete_value_ms"))),
        ("format ms", lambda r: fmt_ms(r.get("formatting_ms"))),
        ("peak RSS MB", lambda r: f"{r['peak_rss_kib'] / 1024:.1f}" if r.get("peak_rss_kib") else "—"),
        ("RSS/file", lambda r: f"{r['peak_rss_kib'] * 1024 / r['bytes']:.1f}×" if r.get("peak_rss_kib") else "—"),
    ]
    rows = [[h for h, _ in cols]] + [[f(r) for _, f in cols] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    out = []
    for j, row in enumerate(rows):
        out.append("| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(row)) + " |")
        if j == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jixiao", default=os.path.join(repo, "target", "release", "jixiao"))
    ap.add_argument("--gen", default=os.path.join(repo, "target", "release", "examples", "jixiao-gen"),
                    help="the workload generator (cargo build --release --example jixiao-gen)")
    ap.add_argument("--taplo", help="the taplo binary (with the lsp feature) to measure as the peer")
    ap.add_argument("--sizes", default="100,2000", help="project counts, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--edits", type=int, default=200, help="keystrokes per run (default 200)")
    ap.add_argument("--min-edits", type=int, default=20,
                    help="with --budget: at least this many keystrokes")
    ap.add_argument("--budget", type=float, default=float("inf"),
                    help="seconds of typing per run after which to stop (at >= --min-edits)")
    ap.add_argument("--pause", type=float, default=0.0, help="seconds between keystrokes")
    ap.add_argument("--settle", type=float, default=1.0,
                    help="quiet seconds (at least; twice the first latency if longer) that "
                         "end the count of a server's publications for one change")
    ap.add_argument("--repeat", type=int, default=20, help="repetitions of hover/completion")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--workdir", help="where to write the generated files (default: a temp dir)")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    args.init_options = {}

    workdir = args.workdir or tempfile.mkdtemp(prefix="jixiao-bench-")
    os.makedirs(workdir, exist_ok=True)
    workdir = os.path.abspath(workdir)
    sizes = [int(s) for s in args.sizes.split(",")]
    servers = [("jixiao", [args.jixiao, "lsp"], False)]
    if args.taplo:
        servers.append(("taplo", [args.taplo, "lsp", "stdio"], True))

    results = []
    for n in sizes:
        for name, cmd, toml in servers:
            path = generate(args.gen, n, args.seed, workdir, toml)
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
            places = (locate_toml if toml else locate_jixiao)(lines, n)
            print(f"… {name}, {n} projects ({path})", file=sys.stderr, flush=True)
            r = measure(name, cmd, path, "toml" if toml else "jixiao", places, args)
            r["projects"] = n
            results.append(r)
            print(table([r]).splitlines()[-1], file=sys.stderr, flush=True)

    print(table(results))
    by = {(r["server"], r["projects"]): r for r in results}
    if len(sizes) >= 2:
        lo, hi = min(sizes), max(sizes)
        for name, _, _ in servers:
            a, b = by.get((name, lo)), by.get((name, hi))
            if a and b:
                print(f"{name}: keystroke median {hi}/{lo} projects = "
                      f"{b['keystroke_median_ms'] / a['keystroke_median_ms']:.2f}×")
    for n in sizes:
        a, b = by.get(("jixiao", n)), by.get(("taplo", n))
        if a and b:
            print(f"{n} projects: taplo/jixiao keystroke median = "
                  f"{b['keystroke_median_ms'] / a['keystroke_median_ms']:.0f}×, open = "
                  f"{b['open_ms'] / a['open_ms']:.1f}×")
    if args.json:
        meta = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "loadavg_at_end": os.getloadavg(),
            "args": {k: v for k, v in vars(args).items() if k != "init_options"},
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "results": results}, f, ensure_ascii=False, indent=2,
                      default=str)
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
