#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target (`make fuzz`), at run time, from files that
are already there: the project's tests, rules and examples, the shared test data and
corpus (read in place, never copied into the project), and a few inputs built here
(remote-write bodies, head-log records, gzip members) that no text file holds.

Usage: fuzz-seeds.py OUT_DIR [SHARED_DIR]
Writes OUT_DIR/<target>/seed-<sha1>; each target's seeds are capped (libFuzzer keeps
only those that add coverage). Prints one line per target with its seed count.
"""

import gzip
import hashlib
import os
import re
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAP = 1500  # seeds per target at most
MAX_SEED = 64 * 1024  # bytes per seed at most (libFuzzer's -max_len is set apart)


def swift_literals(text):
    """The string literals of a Swift file, escapes resolved roughly (interpolations kept as written)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "#" or c == '"':
            j = i
            while j < n and text[j] == "#":
                j += 1
            hashes = j - i
            if j >= n or text[j] != '"':
                i = j if j > i else i + 1
                continue
            raw = hashes > 0
            if text.startswith('"""', j):
                end = text.find('"""' + "#" * hashes, j + 3)
                if end < 0:
                    break
                body = text[j + 3 : end]
                lines = body.split("\n")[1:]
                indent = len(lines[-1]) if lines and lines[-1].strip() == "" else 0
                body = "\n".join(l[indent:] for l in lines[:-1])
                out.append(body if raw else unescape(body))
                i = end + 3 + hashes
                continue
            k = j + 1
            close = '"' + "#" * hashes
            while k < n and text[k] != "\n":
                if not raw and text[k] == "\\":
                    k += 2
                    continue
                if text.startswith(close, k):
                    break
                k += 1
            if k < n and text[k] != "\n":
                body = text[j + 1 : k]
                out.append(body if raw else unescape(body))
                i = k + len(close)
            else:
                i = k
            continue
        i += 1
    return out


def unescape(s):
    table = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "0": "\0"}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), "\\" + m.group(1)), s)


def yaml_like(s):
    return "\n" in s and re.search(r"^\s*-?\s*[A-Za-z_][\w.-]*:(\s|$)", s, re.M) is not None


def exposition_like(s):
    return bool(re.search(r"^(# (TYPE|HELP|UNIT|EOF)|[A-Za-z_:][\w:]*(\{[^\n]*\})?\s+\S)", s, re.M)) and "\n" in s


def uvarint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def zigzag(v):
    return uvarint(((v << 1) ^ (v >> 63)) & 0xFFFFFFFFFFFFFFFF)


def pb_bytes(field, payload):
    return uvarint(field << 3 | 2) + uvarint(len(payload)) + payload


def write_request(series):
    """A prompb WriteRequest: [(labels, [(value, ms)])]."""
    body = b""
    for labels, samples in series:
        ts = b""
        for name, value in labels:
            ts += pb_bytes(1, pb_bytes(1, name.encode()) + pb_bytes(2, value.encode()))
        for value, ms in samples:
            ts += pb_bytes(2, uvarint(1 << 3 | 1) + struct.pack("<d", value) + uvarint(2 << 3) + uvarint(ms & 0xFFFFFFFFFFFFFFFF))
        body += pb_bytes(1, ts)
    return body


def snappy_literal(data):
    """A snappy block holding `data` as literals only (valid for any reader)."""
    out = bytearray(uvarint(len(data)))
    for start in range(0, len(data), 60):
        chunk = data[start : start + 60]
        out.append((len(chunk) - 1) << 2)
        out += chunk
    return bytes(out)


def log_record(series, samples):
    body = bytearray([1]) + zigzag(len(series))
    for sid, labels in series:
        body += zigzag(sid) + zigzag(len(labels)) + labels
    body += zigzag(len(samples))
    pid, pt = 0, 0
    for sid, t, v in samples:
        body += zigzag(sid - pid) + zigzag(t - pt) + struct.pack(">d", v)
        pid, pt = sid, t
    return struct.pack(">I", zlib.crc32(bytes(body))) + bytes(body)


def main():
    out = Path(sys.argv[1])
    shared = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT.parent / "shared"
    seeds = {}

    def add(target, data):
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        if not data or len(data) > MAX_SEED:
            return
        seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()] = data

    # The project's tests: every string literal, sorted by what it looks like.
    literals = []
    for path in sorted((ROOT / "Tests").rglob("*.swift")):
        module = path.relative_to(ROOT / "Tests").parts[0]
        for s in swift_literals(path.read_text(errors="replace")):
            literals.append((module, s))
    yaml_texts = []
    for module, s in literals:
        stripped = s.strip()
        if exposition_like(s):
            add("exposition-text", s)
            add("exposition-openmetrics", s if s.rstrip().endswith("# EOF") else s.rstrip("\n") + "\n# EOF\n")
        if yaml_like(s):
            yaml_texts.append(s)
        if "{{" in s:
            add("go-template", s)
        if stripped.startswith("<") and "</" in s:
            add("cloudwatch-xml", s)
        if stripped.startswith("[") and "labels" in s:
            add("api-am-alerts", s)
        if stripped.startswith("{") and ("matchers" in s or "createdBy" in s):
            add("api-am-silence", s)
        if stripped.startswith("{") and ("service" in s or "outcome" in s or "phase" in s):
            add("api-rollout", s)
        if stripped.startswith("[") and "targets" in s:
            add("config-file-sd", s)
        if module in ("PromQLTests", "PromQLEngineTests", "RulesTests", "GuardsTests", "HTTPAPITests") and 0 < len(s) < 400:
            add("promql", s)
        if module in ("ModelTests", "NotifyTests", "NotifierTests", "TollgateCLITests") and ("=" in s or "~" in s) and len(s) < 300:
            add("am-matchers", s)
        if module in ("PromQLTests", "RuleTestingTests", "TollgateConfigTests") and len(s) < 300 and ("{" in s or re.search(r"\d", s)):
            add("series-description", s)

    # Files of the project: rules, their tests, guard files, examples, scenarios, oracles.
    for pattern in ("rules/*.yml", "rules/guards/*.yml", "examples/*.yml", "Tests/*/Scenarios/*.yml"):
        for path in sorted(ROOT.glob(pattern)):
            yaml_texts.append(path.read_text(errors="replace"))
    for path in sorted(ROOT.glob("Tests/ExpositionTests/Oracle/text-cases/*")):
        add("exposition-text", path.read_bytes())
    for text in yaml_texts:
        for target in ("config-tollgate", "config-rules", "config-rule-tests", "config-alertmanager", "config-guards", "config-probe-modules"):
            add(target, text)
        add("config-file-sd", text)
        for m in re.finditer(r"^\s*(?:expr|compare):\s*(.+)$", text, re.M):
            add("promql", m.group(1).strip().strip("'\""))
        for m in re.finditer(r"^\s*(?:summary|description|[a-z_]+):\s*[\"']?(.*\{\{.*)$", text, re.M):
            add("go-template", m.group(1).rstrip("'\""))
        for m in re.finditer(r"^\s*-?\s*series:\s*'?(.+?)'?\s*$", text, re.M):
            add("series-description", m.group(1).strip("'\""))
        for m in re.finditer(r"^\s*values:\s*'?(.+?)'?\s*$", text, re.M):
            add("series-description", m.group(1).strip("'\""))
        for m in re.finditer(r"^\s*-\s*'?([^'\n]*(?:=~|!~|!=|=)[^'\n]*)'?\s*$", text, re.M):
            add("am-matchers", m.group(1))

    # The shared test data, read where it is.
    parsers = shared / "testdata/exposition/openmetrics/parsers"
    for case in sorted(parsers.glob("*/metrics")) if parsers.is_dir() else []:
        add("exposition-openmetrics", case.read_bytes())
        add("exposition-text", case.read_bytes())
    for test in sorted((shared / "testdata/promqltest").glob("*.test")):
        in_load = False
        for line in test.read_text(errors="replace").splitlines():
            m = re.match(r"^eval(?:_fail|_warn|_ordered|_info)?\s+(?:instant|range)\s+(?:at\s+\S+|from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$", line)
            if m:
                add("promql", m.group(1))
            if line.startswith("load"):
                in_load = True
                continue
            if in_load and line[:1] in (" ", "\t") and line.strip():
                add("series-description", line.strip())
            elif not line.strip() or not line[:1].isspace():
                in_load = False
    corpus = shared / "corpus/node_exporter_1s_600.openmetrics.gz"
    if corpus.is_file():
        packed = corpus.read_bytes()
        text = gzip.decompress(packed)
        for start in range(0, min(len(text), 2_000_000), 250_000):
            piece = text[start : start + 4096]
            piece = piece[piece.find(b"\n") + 1 : piece.rfind(b"\n") + 1]
            add("exposition-openmetrics", piece + b"# EOF\n")
            add("exposition-text", piece)
        add("gzip", packed[:4096])
        add("gzip", gzip.compress(text[:8192]))

    # Inputs built here.
    sample = b'# HELP up 1 if up\n# TYPE up gauge\nup{job="node",instance="a:9100"} 1 1700000000000\n'
    add("gzip", gzip.compress(sample))
    add("gzip", zlib.compress(sample)[2:-4])  # raw deflate
    add("gzip", gzip.compress(b""))
    request = write_request([
        ([("__name__", "up"), ("instance", "a:9100"), ("job", "node")], [(1.0, 1_700_000_000_000), (0.0, 1_700_000_015_000)]),
        ([("__name__", "http_requests_total"), ("code", "200")], [(float("nan"), -1), (1e300, 0)]),
    ])
    for body in (request, write_request([]), write_request([([], [(1.0, 1)])])):
        add("remote-write", body)
        add("remote-write", snappy_literal(body))
    add("tsdb-log-record", log_record([(1, b'\x00up\x00job\x00node')], [(1, 1_700_000_000_000, 1.0), (1, 1_700_000_015_000, 2.5)]))
    add("tsdb-log-record", log_record([], [(7, -5, float("inf"))]))
    add("tsdb-log-record", log_record([(3, b"")], []))
    for body in (
        '{"service":"checkout","version":"v2","guard":"api","plan":"canary","commit_time":1700000000.5}',
        '{"outcome":"rolled_back","reason":"latency"}',
        '{"name":"podinfo","namespace":"test","phase":"Progressing","metadata":{"guard":"api","version":"v2"}}',
    ):
        add("api-rollout", body)
    add("api-am-silence", '{"matchers":[{"name":"job","value":"node.*","isRegex":true,"isEqual":true}],'
        '"startsAt":"2023-11-14T22:13:20Z","endsAt":"2023-11-15T22:13:20Z","createdBy":"me","comment":"c"}')
    add("api-am-alerts", '[{"labels":{"alertname":"Up","job":"node"},"annotations":{"summary":"s"},'
        '"startsAt":"2023-11-14T22:13:20.123Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://x/graph"}]')
    add("am-matchers", '{alertname="Watchdog", severity=~"warn|crit", team!="", "föö"!~"x.*"}')
    add("config-file-sd", '[{"targets":["a:9100","b:9100"],"labels":{"env":"prod"}}]')
    add("config-file-sd", "- targets: ['a:9100']\n  labels:\n    env: prod\n")

    for target, entries in sorted(seeds.items()):
        folder = out / target
        folder.mkdir(parents=True, exist_ok=True)
        for digest, data in sorted(entries.items())[:CAP]:
            (folder / f"seed-{digest}").write_bytes(data)
        print(f"{target}: {min(len(entries), CAP)} seeds")


if __name__ == "__main__":
    main()
