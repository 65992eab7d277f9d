#!/usr/bin/env python3
"""Read `jixiao check --format json` output on stdin and print it with `/` as the path separator in file
names, one finding a line: the Windows build names `examples\\a.jixiao` what the Linux build names
`examples/a.jixiao`; everything else must be the same byte for byte."""

import json
import sys

findings = json.load(sys.stdin)
for f in findings:
    if isinstance(f.get("file"), str):
        f["file"] = f["file"].replace("\\", "/")
    print(json.dumps(f, ensure_ascii=False, sort_keys=True))
