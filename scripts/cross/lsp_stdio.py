#!/usr/bin/env python3
"""Drive `jixiao lsp` over stdio the way an editor does and print what it published for one document.

    lsp_stdio.py --root-uri URI --doc-uri URI --text FILE [--timeout S] -- COMMAND...

initialize (rootUri), initialized, didOpen of FILE's bytes as they are (CRLF stays CRLF), wait for
textDocument/publishDiagnostics for --doc-uri, shutdown, exit. Prints the diagnostics, one JSON object a line (sorted;
the fields an editor shows), and exits 0 only if every step answered and the server then exited with code 0.
Used by scripts/test-cross.sh to run the Windows build under wine with Windows URIs and compare it with
the native build.
"""

import argparse
import json
import queue
import subprocess
import sys
import threading
import time
import urllib.parse


def send(proc, msg):
    body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def reader(stream, out):
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                out.put(None)
                return
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            out.put({"error": "a message without Content-Length"})
            return
        out.put(json.loads(stream.read(length).decode("utf-8")))


def same_uri(a, b):
    # c%3A and C: are the same drive; clients and servers differ in how they spell it
    return urllib.parse.unquote(a).lower() == urllib.parse.unquote(b).lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root-uri", required=True)
    ap.add_argument("--doc-uri", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()
    text = open(a.text, "rb").read().decode("utf-8")

    proc = subprocess.Popen(a.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    inbox = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, inbox), daemon=True).start()
    deadline = time.monotonic() + a.timeout

    def fail(why):
        print(f"lsp_stdio: {why}", file=sys.stderr)
        proc.kill()
        sys.exit(1)

    latest = {}

    def wait_for(pred, what, settle=None):
        """Next message matching pred; with settle, keep reading that long after it and return the last."""
        found = None
        settle_end = None
        while True:
            now = time.monotonic()
            if settle_end is not None and now >= settle_end:
                return found
            limit = min(deadline, settle_end) if settle_end else deadline
            if now >= limit:
                fail(f"timed out waiting for {what}")
            try:
                msg = inbox.get(timeout=limit - now)
            except queue.Empty:
                continue
            if msg is None:
                if found is not None:
                    return found
                fail(f"the server closed its output before {what}")
            if "error" in msg and "id" not in msg:
                fail(msg["error"])
            if "method" in msg and "id" in msg:
                # a request from the server (workspace/configuration, registerCapability, ...): answer it
                items = msg.get("params", {}).get("items")
                send(proc, {"jsonrpc": "2.0", "id": msg["id"], "result": [None] * len(items) if items else None})
                continue
            if msg.get("method") == "textDocument/publishDiagnostics":
                latest[msg["params"]["uri"]] = msg["params"]
            if pred(msg):
                if settle is None:
                    return msg
                found = msg
                settle_end = time.monotonic() + settle

    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": a.root_uri,
        "workspaceFolders": [{"uri": a.root_uri, "name": "root"}],
        "capabilities": {"textDocument": {"publishDiagnostics": {"relatedInformation": True}},
                         "workspace": {"configuration": True, "workspaceFolders": True}},
        "initializationOptions": {}}})
    init = wait_for(lambda m: m.get("id") == 1 and "method" not in m, "the initialize response")
    if "result" not in init:
        fail(f"initialize failed: {init}")
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": a.doc_uri, "languageId": "jixiao", "version": 1, "text": text}}})
    # the last publication for the document within 1.5 s of the first
    wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
             and same_uri(m["params"]["uri"], a.doc_uri), "publishDiagnostics for " + a.doc_uri, settle=1.5)
    published = next(p for u, p in latest.items() if same_uri(u, a.doc_uri))
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    wait_for(lambda m: m.get("id") == 2 and "method" not in m, "the shutdown response")
    send(proc, {"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.stdin.close()
    try:
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        fail("the server did not exit after `exit`")
    if code != 0:
        fail(f"the server exited with code {code} after shutdown + exit")

    diags = [{"range": d["range"], "severity": d.get("severity"), "code": d.get("code"), "message": d["message"]}
             for d in published["diagnostics"]]
    diags.sort(key=lambda d: (d["range"]["start"]["line"], d["range"]["start"]["character"], str(d["code"])))
    for d in diags:  # one a line, so that a difference shows as a readable diff
        print(json.dumps(d, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
