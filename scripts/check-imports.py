#!/usr/bin/env python3
"""Checks every module's imports against docs/architecture.md and Package.swift.

Run as `make lint` (and so by `make test`). Standard library only.

Three sources must agree, for each module directory under Sources/:

  * docs/architecture.md's module table (`| module | owns | depends on |`): the
    "depends on" column is the list of modules the module may import;
  * the module's target in Package.swift: its `dependencies: [...]`;
  * the `import` lines of the module's Swift files.

The convention for the "depends on" column: comma-separated names, each exactly the
name that follows `import` in Swift (for a product of another package, the product's
module: `Logging` for swift-log, `CoreMetrics` for swift-metrics, `Crypto` for
swift-crypto, `GRDB` and `GRDBSQLite` for GRDB.swift, `ServiceLifecycle` and
`UnixSignals` for swift-service-lifecycle, `Hummingbird` for hummingbird,
`ArgumentParser` for swift-argument-parser, `Prometheus` for swift-prometheus, `Yams`
for Yams). Backticks around a name are allowed; text in parentheses is a remark and is
not read; `nothing` means no dependency. System modules (SYSTEM_MODULES below) are
never listed.

Violations, one line each (exit 1):

  * an import the table does not allow for the module (`file:line: M imports X, which
    docs/architecture.md does not allow`);
  * an import the target does not declare in Package.swift (SwiftPM lets a module import
    an undeclared module that some other dependency built, so this must be checked);
  * a declared dependency that no file of the module imports;
  * a table entry the module neither declares nor imports (the table must stay true);
  * a module in Sources/ missing from the table or from Package.swift, a table row for a
    module that is not in Sources/, and an entry that is not a module name.

System-library targets (CCurl, CZlib: a module map, no Swift) must have a table row;
their imports are not checked. Tests/ is not checked.

`--self-test` runs the checker over small fake packages in a temporary directory and
checks that it reports exactly the violations planted in them.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DOC = "docs/architecture.md"
PACKAGE = "Package.swift"

# Modules that come with the Swift toolchain or the operating system: never listed in the
# table or declared in Package.swift, so never checked.
SYSTEM_MODULES = frozenset({
    # The standard library and its parts.
    "Swift", "_Concurrency", "_StringProcessing", "_Differentiation", "_Backtracing",
    "_RegexParser", "RegexBuilder", "Synchronization", "Observation", "Distributed",
    "SwiftShims", "Cxx", "CxxStdlib",
    # Foundation and Dispatch (swift-corelibs on Linux).
    "Foundation", "FoundationEssentials", "FoundationInternationalization",
    "FoundationNetworking", "FoundationXML", "Dispatch",
    # C libraries of the platform.
    "Glibc", "SwiftGlibc", "Musl", "Bionic", "Android", "WASILibc", "Darwin", "ucrt",
    "WinSDK", "CRT", "os",
    # Test libraries shipped with the toolchain.
    "Testing", "XCTest",
})

# Products whose module name differs from the product name: product -> module.
# Every product Tollgate uses today is named as its module.
PRODUCT_MODULES: dict[str, str] = {}

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RAW_STRING_OPEN = re.compile(r'#+"')
IMPORT = re.compile(
    r"^\s*(?:(?:@\w+(?:\([^)]*\))?|public|package|internal|fileprivate|private|open)\s+)*"
    r"import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)"
)


# ---------------------------------------------------------------- Swift source text


def blank_swift(text: str, keep_strings: bool = False) -> str:
    """Text with comments (and, unless keep_strings, string literals) replaced by spaces.

    Newlines are kept, so line numbers stay. Handles nested block comments, escapes,
    multi-line strings and raw strings (#"..."#).
    """
    out = list(text)
    n = len(text)
    i = 0

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif c == '"' or (c == "#" and RAW_STRING_OPEN.match(text, i)):
            q = text.index('"', i)
            hashes = q - i
            multi = text.startswith('"""', q)
            close = ('"""' if multi else '"') + "#" * hashes
            j = q + (3 if multi else 1)
            while j < n:
                if hashes == 0 and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(close, j):
                    j += len(close)
                    break
                if text[j] == "\n" and not multi:
                    break
                j += 1
            if not keep_strings:
                blank(q + (3 if multi else 1), j - len(close))
            i = j
        else:
            i += 1
    return "".join(out)


def swift_imports(text: str) -> list[tuple[int, str]]:
    """(line number, module) for each import declaration."""
    found = []
    for number, line in enumerate(blank_swift(text).split("\n"), start=1):
        m = IMPORT.match(line)
        if m:
            found.append((number, m.group(1)))
    return found


# ---------------------------------------------------------------- Package.swift


def string_end(text: str, at: int) -> int:
    """Index of the quote closing the string literal that opens at `at` (escapes skipped)."""
    i = at + 1
    while i < len(text) and text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i


def matching(text: str, open_at: int) -> int:
    """Index of the bracket closing the one at open_at; string literals skipped."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = [pairs[text[open_at]]]
    i = open_at + 1
    while i < len(text):
        c = text[i]
        if c == '"':
            i = string_end(text, i)
        elif c in pairs:
            stack.append(pairs[c])
        elif c in ")]}":
            if c != stack.pop():
                raise ValueError(f"unbalanced {c!r} at offset {i}")
            if not stack:
                return i
        i += 1
    raise ValueError(f"unclosed {text[open_at]!r} at offset {open_at}")


def split_top(text: str) -> list[str]:
    """Splits an argument or element list at its top-level commas."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i = string_end(text, i)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def labelled(args: list[str]) -> dict[str, str]:
    out = {}
    for arg in args:
        m = re.match(r"(\w+)\s*:\s*(.*)\Z", arg, re.S)
        if m:
            out.setdefault(m.group(1), m.group(2).strip())
    return out


def string_value(expr: str | None) -> str | None:
    m = re.match(r'"((?:[^"\\]|\\.)*)"\Z', expr.strip()) if expr else None
    return m.group(1) if m else None


@dataclass
class Target:
    name: str
    kind: str  # target, executableTarget, testTarget, systemLibrary, ...
    path: str  # directory, relative to the package root
    dependencies: list[str] = field(default_factory=list)  # module names


def parse_package(text: str) -> dict[str, Target]:
    """The targets of Package.swift's `Package(... targets: [...])`, by name."""
    text = blank_swift(text, keep_strings=True)
    m = re.search(r"\bPackage\s*\(", text)
    if not m:
        raise ValueError("no `Package(` call")
    open_at = m.end() - 1
    args = labelled(split_top(text[open_at + 1:matching(text, open_at)]))
    array = args.get("targets", "")
    if not array.startswith("["):
        raise ValueError("no `targets: [...]` argument in `Package(`")
    targets = {}
    for element in split_top(array[1:matching(array, 0)]):
        em = re.match(r"\.(\w+)\s*\(", element)
        if not em:
            raise ValueError(f"cannot read target `{element[:60]}`")
        kind = em.group(1)
        body = element[em.end() - 1:]
        targs = labelled(split_top(body[1:matching(body, 0)]))
        name = string_value(targs.get("name"))
        if name is None:
            raise ValueError(f"target without a literal name: `{element[:60]}`")
        default = "Tests" if kind == "testTarget" else "Plugins" if kind == "plugin" else "Sources"
        path = string_value(targs.get("path")) or f"{default}/{name}"
        deps = []
        dep_list = targs.get("dependencies", "[]")
        if dep_list.startswith("["):
            for dep in split_top(dep_list[1:matching(dep_list, 0)]):
                if string_value(dep) is not None:
                    deps.append(string_value(dep))
                    continue
                dm = re.match(r"\.(product|target|byName)\s*\(", dep)
                if not dm:
                    raise ValueError(f"cannot read dependency `{dep}` of {name}")
                dbody = dep[dm.end() - 1:]
                dname = string_value(labelled(split_top(dbody[1:matching(dbody, 0)])).get("name"))
                if dname is None:
                    raise ValueError(f"dependency without a literal name: `{dep}` of {name}")
                deps.append(PRODUCT_MODULES.get(dname, dname) if dm.group(1) == "product" else dname)
        targets[name] = Target(name, kind, path.rstrip("/"), deps)
    return targets


# ---------------------------------------------------------------- the module table


@dataclass
class Row:
    line: int
    allowed: list[str]
    bad: list[str]  # entries that are not module names


def parse_table(text: str) -> dict[str, Row]:
    lines = text.split("\n")
    header = re.compile(r"^\|\s*module\s*\|\s*owns\s*\|\s*depends on\s*\|\s*$")
    start = next((i for i, l in enumerate(lines) if header.match(l.strip())), None)
    if start is None:
        raise ValueError("no `| module | owns | depends on |` table")
    rows = {}
    for i in range(start + 1, len(lines)):
        line = lines[i].strip()
        if not line.startswith("|"):
            break
        if re.match(r"^\|[\s:|-]*\|$", line):  # the |---|---| line
            continue
        cells = line.strip("|").split("|")
        module = cells[0].strip().strip("`").strip()
        deps = cells[-1]
        while re.search(r"\([^()]*\)", deps):
            deps = re.sub(r"\([^()]*\)", "", deps)
        allowed, bad = [], []
        for entry in deps.replace("`", "").split(","):
            entry = entry.strip()
            if not entry or entry == "nothing":
                continue
            (allowed if IDENTIFIER.match(entry) else bad).append(entry)
        rows[module] = Row(i + 1, allowed, bad)
    return rows


# ---------------------------------------------------------------- the check


def check(root: Path) -> tuple[list[str], str]:
    """(violations, summary) for the package at root."""
    problems: list[str] = []
    try:
        table = parse_table((root / DOC).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return [f"{DOC}: cannot read the module table: {e}"], ""
    try:
        targets = parse_package((root / PACKAGE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return [f"{PACKAGE}: cannot read the targets: {e}"], ""
    by_path = {t.path: t for t in targets.values()}

    modules = sorted(p.name for p in (root / "Sources").iterdir() if p.is_dir())
    import_count, system_libraries = 0, 0
    for module in modules:
        where = f"Sources/{module}"
        target = by_path.get(where)
        row = table.get(module)
        if row is None:
            problems.append(f"{DOC}: {module} ({where}) is missing from the module table")
        for entry in row.bad if row else []:
            problems.append(
                f"{DOC}:{row.line}: {module}'s \"depends on\" entry '{entry}' is not a module name"
                " (name what follows `import`, e.g. Logging for swift-log)")
        if target is None:
            problems.append(f"{PACKAGE}: {where} is not the directory of any target")
        if target is not None and target.kind == "systemLibrary":
            system_libraries += 1
            continue

        allowed = set(row.allowed) if row else None
        declared = set(target.dependencies) if target else None
        imported: set[str] = set()
        for swift in sorted((root / where).rglob("*.swift")):
            rel = swift.relative_to(root).as_posix()
            for number, name in swift_imports(swift.read_text(encoding="utf-8")):
                if name in SYSTEM_MODULES or name == module:
                    continue
                import_count += 1
                imported.add(name)
                if allowed is not None and name not in allowed:
                    problems.append(f"{rel}:{number}: {module} imports {name}, which {DOC} does not allow")
                if declared is not None and name not in declared:
                    problems.append(
                        f"{rel}:{number}: {module} imports {name}, which {PACKAGE} does not declare for {module}")
        if target is not None:
            for dep in target.dependencies:
                if dep not in imported:
                    problems.append(f"{PACKAGE}: {module} declares {dep} but never imports it")
        if row is not None:
            for entry in row.allowed:
                if entry not in imported and (declared is None or entry not in declared):
                    problems.append(f"{DOC}:{row.line}: {module} lists {entry}, which {module} neither declares nor imports")

    for module, row in table.items():
        if module not in modules:
            problems.append(f"{DOC}:{row.line}: the module table lists {module}, which is not a directory in Sources/")

    summary = (f"check-imports: OK: {len(modules)} modules in Sources/ ({system_libraries} system libraries),"
               f" {import_count} imports, all allowed by {DOC} and declared in {PACKAGE}")
    return problems, summary


# ---------------------------------------------------------------- self-test

SELF_TEST_PACKAGE = """\
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "fake",
    products: [.library(name: "App", targets: ["App"])],  // a targets: [ that is not the list
    dependencies: [.package(url: "https://example.com/swift-log", from: "1.0.0")],
    targets: [
        .systemLibrary(name: "CFake", pkgConfig: "fake"),
        .target(name: "Base", dependencies: ["CFake"]),
        .target(name: "Extra"),
        .target(
            name: "App",
            dependencies: ["Base", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "AppTests", dependencies: ["App"]),
    ]
)
"""

SELF_TEST_DOC = """\
# Architecture

| module | owns | depends on |
|---|---|---|
| `App` | the app | Base, Logging |
| `Base` | the base (over `CFake`) | CFake |
| `Extra` | extras | nothing |
| `CFake` | a C library | nothing (libfake-dev) |
"""

SELF_TEST_FILES = {
    "Sources/CFake/module.modulemap": 'module CFake [system] { header "shim.h" }\n',
    "Sources/Base/Base.swift": "#if canImport(Glibc)\nimport Glibc\n#endif\nimport CFake\n",
    "Sources/Extra/Extra.swift": "public let extra = 1\n",
    "Sources/App/App.swift": (
        "// import Extra: a comment, not an import\n"
        "import Foundation\n"
        "@preconcurrency public import Base\n"
        "internal import Logging\n"
        "/* import Extra\n"
        "   /* nested */ import Extra */\n"
        'let text = """\n'
        "import Extra\n"
        '"""\n'
    ),
    "Tests/AppTests/AppTests.swift": "import Extra\nimport Testing\n",  # Tests/ is not checked
}


def self_test() -> int:
    cases = []

    # 1. The tree as written: allowed imports only.
    cases.append(("clean", {}, None, []))
    # 2. One forbidden import: declared in Package.swift, not allowed by the table.
    cases.append((
        "forbidden import",
        {"Sources/App/Forbidden.swift": "// Extra is not App's\n\npackage import Extra\n"},
        SELF_TEST_PACKAGE.replace('dependencies: ["Base", ', 'dependencies: ["Base", "Extra", '),
        ["Sources/App/Forbidden.swift:3: App imports Extra, which docs/architecture.md does not allow"],
    ))
    # 3. Package.swift and table disagreements.
    cases.append((
        "package and table",
        {
            "Sources/Extra/Extra.swift": "@_exported import Base\n",
            "Sources/Stray/Stray.swift": "import Foundation\n",
        },
        SELF_TEST_PACKAGE.replace('.target(name: "Extra")', '.target(name: "Extra", dependencies: ["CFake"])'),
        [
            "Sources/Extra/Extra.swift:1: Extra imports Base, which docs/architecture.md does not allow",
            "Sources/Extra/Extra.swift:1: Extra imports Base, which Package.swift does not declare for Extra",
            "Package.swift: Extra declares CFake but never imports it",
            "docs/architecture.md: Stray (Sources/Stray) is missing from the module table",
            "Package.swift: Sources/Stray is not the directory of any target",
        ],
    ))

    failed = 0
    for name, extra_files, package, expected in cases:
        with tempfile.TemporaryDirectory(prefix="check-imports.") as tmp:
            root = Path(tmp)
            files = {PACKAGE: package or SELF_TEST_PACKAGE, DOC: SELF_TEST_DOC, **SELF_TEST_FILES, **extra_files}
            for rel, content in files.items():
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(content, encoding="utf-8")
            got, _ = check(root)
        if sorted(got) != sorted(expected):
            failed += 1
            print(f"check-imports --self-test: case '{name}' FAILED", file=sys.stderr)
            for line in sorted(set(expected) - set(got)):
                print(f"  expected, not reported: {line}", file=sys.stderr)
            for line in sorted(set(got) - set(expected)):
                print(f"  reported, not expected: {line}", file=sys.stderr)
            if len(got) != len(set(got)):
                print(f"  reported more than once: {sorted(l for l in set(got) if got.count(l) > 1)}", file=sys.stderr)

    # The parts on their own: every import form, and the table's convention.
    forms = ("import A\npublic import B\npackage import C\n@preconcurrency import D\ninternal import E\n"
             "@_exported import F\n@testable import G\n@_spi(X) public import H\nimport struct I.Thing\n"
             "  import J.Sub\nlet importK = 1\n")
    got_forms = [m for _, m in swift_imports(forms)]
    if got_forms != list("ABCDEFGHIJ"):
        failed += 1
        print(f"check-imports --self-test: import forms read as {got_forms}", file=sys.stderr)
    row = parse_table("| module | owns | depends on |\n|---|---|---|\n"
                      "| `M` | x | `Model`, Crypto (MD5, from swift-crypto), swift-log |\n")["M"]
    if row.allowed != ["Model", "Crypto"] or row.bad != ["swift-log"]:
        failed += 1
        print(f"check-imports --self-test: table row read as {row}", file=sys.stderr)

    if failed:
        return 1
    print(f"check-imports --self-test: OK ({len(cases)} fake packages, import forms, table convention)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="package root (default: the directory above scripts/)")
    parser.add_argument("--self-test", action="store_true", help="check the checker on fake packages")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    problems, summary = check(args.root)
    for line in problems:
        print(line)
    if problems:
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
