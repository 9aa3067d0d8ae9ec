"""Language-server latency: didChange -> publishDiagnostics, and hover, on a real 2,000-line file.

    python bench/lsp_latency.py [FILE] [--rounds N] [--markdown]
    python bench/lsp_latency.py --startup N


FILE defaults to django 5.2.19's db/backends/base/schema.py (2,046 lines) from the corpus cache
(../shared/tools/fetch-corpus.sh). Run by hand, never as a test. The server is the real one,
`python -m pitfalls lsp`, driven over stdio by pygls' client, as an editor would:

- change: one keystroke (a character typed into, or deleted from, a comment line), then the time
  until diagnostics for that version arrive; the next keystroke follows 50 ms later, like a fast
  typist, so each edit is measured on its own rather than coalesced with the next;
- hover: over a pitfall (a mutable default added at the end of the file), answer round trip;
- analysis alone: `check_source` on the same text in this process, for the share of the total.

`--startup N` starts the server N times instead and times what an editor waits for when it
opens a project: `initialize` (from starting the process to the answer), the first diagnostics
(from `didOpen` of a small file with fixable pitfalls, sent after `initialized`), the first
`textDocument/codeAction` once they are in, and, for a client that resolves code actions lazily
(VS Code, Neovim), the first `codeAction/resolve`. Each run is a fresh process; the two kinds of
client alternate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

DEFAULT = "~/.cache/pitfalls-corpus/django/django/db/backends/base/schema.py"
HIT = "\n\ndef remember(item, seen=[]):\n    seen.append(item)\n    return seen\n"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(path: str, rounds: int) -> dict[str, list[float]]:
    text = open(path, encoding="utf-8").read() + HIT
    lines = text.split("\n")
    uri = "file://" + os.path.abspath(path)
    client = LanguageClient("pitfalls-bench", "1")
    waiting: dict[int, asyncio.Future] = {}

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(ls, params: t.PublishDiagnosticsParams) -> None:
        future = waiting.pop(params.version, None)
        if future is not None and not future.done():
            future.set_result(params)

    await client.start_io(sys.executable, "-m", "pitfalls", "lsp")
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities()))
    client.initialized(t.InitializedParams())
    loop = asyncio.get_running_loop()
    waiting[1] = loop.create_future()
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "python", 1, text)))
    first = await asyncio.wait_for(waiting[1], 30)
    hit = next(d for d in first.diagnostics if d.code == "PIT101").range.start
    comment = next(n for n, line in enumerate(lines) if line.lstrip().startswith("#"))
    column = len(lines[comment])

    results: dict[str, list[float]] = {"change": [], "hover": []}
    for version in range(2, rounds + 2):
        typed = version % 2 == 0  # type a character, then delete it: the file stays the same size
        start = t.Position(comment, column)
        end = t.Position(comment, column + (0 if typed else 1))
        change = t.TextDocumentContentChangePartial(range=t.Range(start, end), text="x" if typed else "")
        waiting[version] = loop.create_future()
        began = time.perf_counter()
        client.text_document_did_change(
            t.DidChangeTextDocumentParams(t.VersionedTextDocumentIdentifier(version=version, uri=uri), [change])
        )
        await asyncio.wait_for(waiting[version], 30)
        results["change"].append(time.perf_counter() - began)
        await asyncio.sleep(0.05)
    for _ in range(rounds):
        began = time.perf_counter()
        hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), hit))
        results["hover"].append(time.perf_counter() - began)
        assert hover is not None and "PIT101" in hover.contents.value
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    from pitfalls.source import check_source

    results["analysis"] = []
    for _ in range(min(rounds, 50)):
        began = time.perf_counter()
        check_source(text, path)
        results["analysis"].append(time.perf_counter() - began)
    return results


STARTUP_FILE = """import os


def add(item, bucket=[]):
    bucket.append(item)
    return bucket


def late():
    return [lambda: i for i in range(3)]


def board(n):
    grid = [[0] * n] * n
    grid[0][0] = 1
    return grid
"""


def client_capabilities(resolve: bool) -> t.ClientCapabilities:
    code_action = t.CodeActionClientCapabilities(
        code_action_literal_support=t.ClientCodeActionLiteralOptions(t.ClientCodeActionKindOptions(value_set=["quickfix"])),
        data_support=resolve,
        resolve_support=t.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None,
    )
    return t.ClientCapabilities(text_document=t.TextDocumentClientCapabilities(code_action=code_action))


async def startup(resolve: bool, folder: str) -> dict[str, float]:
    """One fresh server: seconds to `initialize`, to the first code action, to its resolve."""
    path = os.path.join(folder, "startup.py")
    uri = "file://" + path
    client = LanguageClient("pitfalls-bench", "1")
    published: asyncio.Future = asyncio.get_running_loop().create_future()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(ls, params: t.PublishDiagnosticsParams) -> None:
        if params.diagnostics and not published.done():
            published.set_result(params)

    times: dict[str, float] = {}
    began = time.perf_counter()
    await client.start_io(sys.executable, "-m", "pitfalls", "lsp")
    await client.initialize_async(t.InitializeParams(capabilities=client_capabilities(resolve), root_uri="file://" + folder))
    times["initialize"] = time.perf_counter() - began
    client.initialized(t.InitializedParams())
    began = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "python", 1, STARTUP_FILE)))
    diagnostics = (await asyncio.wait_for(published, 30)).diagnostics
    times["first diagnostics"] = time.perf_counter() - began
    hit = next(d for d in diagnostics if d.code == "PIT101")
    began = time.perf_counter()
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(t.TextDocumentIdentifier(uri), hit.range, t.CodeActionContext([hit]))
    )
    times["code action"] = time.perf_counter() - began
    fix = actions[0]
    if fix.edit is None:
        began = time.perf_counter()
        fix = await client.code_action_resolve_async(fix)
        times["resolve"] = time.perf_counter() - began
    assert fix.edit is not None and "PIT101" in fix.title, fix
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main_startup(runs: int) -> None:
    import tempfile

    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            for resolve in (False, True):
                kind = "resolving client" if resolve else "inline client"
                for name, value in asyncio.run(startup(resolve, folder)).items():
                    results.setdefault(f"{name} ({kind})", []).append(value * 1000)
    print(f"{runs} fresh servers per client; Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs; median, min and max")
    for label, values in results.items():
        print(f"  {label:<38} median {statistics.median(values):6.0f} ms   min {min(values):6.0f} ms   "
              f"max {max(values):6.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=os.path.expanduser(DEFAULT))
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--markdown", action="store_true", help="print a table for docs/performance.md")
    parser.add_argument("--startup", type=int, metavar="N", help="time initialize and the first code action, N runs")
    args = parser.parse_args()
    if args.startup:
        main_startup(args.startup)
        return
    if not os.path.isfile(args.file):
        sys.exit(f"{args.file}: not found; run ../shared/tools/fetch-corpus.sh first, or name a file")
    lines = sum(1 for _ in open(args.file, "rb"))
    results = asyncio.run(measure(args.file, args.rounds))
    print(f"{args.file}: {lines} lines, {args.rounds} rounds; Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs")
    rows = [("didChange -> publishDiagnostics", "change"), ("hover", "hover"), ("check_source alone (in process)", "analysis")]
    if args.markdown:
        print("\n| measured | p50 | p95 | max |\n|---|---|---|---|")
    for label, key in rows:
        values = [v * 1000 for v in results[key]]
        p50, p95, worst = statistics.median(values), percentile(values, 95), max(values)
        if args.markdown:
            print(f"| {label} | {p50:.1f} ms | {p95:.1f} ms | {worst:.1f} ms |")
        else:
            print(f"  {label:<34} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {worst:6.1f} ms")


if __name__ == "__main__":
    main()
