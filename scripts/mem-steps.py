#!/usr/bin/env python3
"""The server's memory step by step (docs/PERFORMANCE.md, "Where the memory goes").

Starts `jixiao lsp` like an editor and prints, after each step, VmRSS and VmHWM from
/proc/PID/status, with the resident pages split as the kernel counts them (RssFile: the binary and libraries
mapped from files; RssAnon: the heap and the stacks) and the threads by name:

  idle          initialize + initialized (+ the workspace scan with --folder), then a pause
  open          didOpen of FILE -> its first publishDiagnostics, then a pause
  keystrokes    --edits didChange typing one character in the middle -> each one's diagnostics
  format        textDocument/formatting of the whole document

With --transport-only the didOpen is sent before `initialize`, which the server ignores once the
transport has read it: the reading shows what the message itself costs on the way in, without
the document (the text, taken out of a large message for the document, stays held).

Plain Python 3, Linux only. Example (FILE from `jixiao-gen --projects 2000 --out FILE`):

    cargo build --release --bin jixiao --example jixiao-gen
    python3 scripts/mem-steps.py FILE            # no workspace folder
    python3 scripts/mem-steps.py FILE --folder   # FILE's folder as the workspace folder
"""

import argparse
import importlib.util
import os
import tempfile
import time


def load_bench():
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("bench_server", os.path.join(here, "bench-server.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def threads(pid):
    names = []
    for t in sorted(os.listdir(f"/proc/{pid}/task")):
        with open(f"/proc/{pid}/task/{t}/comm") as f:
            names.append(f.read().strip())
    return ",".join(names)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", help="the .jixiao file to open")
    ap.add_argument("--jixiao", default=os.path.join(repo, "target", "release", "jixiao"))
    ap.add_argument("--folder", action="store_true", help="open FILE's folder as the workspace folder")
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--transport-only", action="store_true", help="send the didOpen before initialize")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds to wait before each reading")
    args = ap.parse_args()
    args.jixiao = os.path.abspath(args.jixiao)
    bs = load_bench()
    path = os.path.abspath(args.file)
    workdir = os.path.dirname(path)
    log = tempfile.NamedTemporaryFile(prefix="jixiao-mem-steps-", suffix=".log", delete=False)
    srv = bs.Server([args.jixiao, "lsp"], workdir, log.name)
    pid = srv.proc.pid

    def step(tag):
        time.sleep(args.pause)
        file_kib, anon_kib = bs.proc_status(pid, "RssFile"), bs.proc_status(pid, "RssAnon")
        print(
            f"{tag:12} RSS {srv.rss_kib() / 1024:6.1f} MiB  HWM {srv.peak_rss_kib() / 1024:6.1f} MiB"
            f"  (file {file_kib / 1024:5.1f}, anon {anon_kib / 1024:5.1f})  threads {threads(pid)}",
            flush=True,
        )

    root = "file://" + workdir
    init = {
        "processId": os.getpid(),
        "capabilities": {
            "textDocument": {"publishDiagnostics": {"versionSupport": True}},
            "general": {"positionEncodings": ["utf-16"]},
        },
    }
    if args.folder:
        init["rootUri"] = root
        init["workspaceFolders"] = [{"uri": root, "name": os.path.basename(workdir)}]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    uri = "file://" + path
    opening = {"textDocument": {"uri": uri, "languageId": "jixiao", "version": 1, "text": text}}
    if args.transport_only:
        step("idle")
        srv.notify("textDocument/didOpen", opening)
        srv.request("initialize", init, timeout=60)
        step("read")
        srv.close()
        os.unlink(log.name)
        return
    srv.request("initialize", init, timeout=60)
    srv.notify("initialized", {})
    step("idle")
    srv.notify("textDocument/didOpen", opening)
    srv.wait_diagnostics(uri, 1, timeout=120)
    step("open")
    mid = len(text.split("\n")) // 2
    for i in range(args.edits):
        v = i + 2
        at = {"line": mid, "character": 0}
        srv.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": v},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": bs.TYPED[i % len(bs.TYPED)]}],
            },
        )
        srv.wait_diagnostics(uri, v, timeout=120)
    step("keystrokes")
    srv.request(
        "textDocument/formatting",
        {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}},
        timeout=120,
    )
    step("format")
    srv.close()
    os.unlink(log.name)


if __name__ == "__main__":
    main()
