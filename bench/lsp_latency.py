"""Language-server latency: didChange -> publishDiagnostics, and hover, on a real 2,000-line file.

    python bench/lsp_latency.py [FILE] [--rounds N] [--markdown]

FILE defaults to django 5.2.19's db/backends/base/schema.py (2,046 lines) from the corpus cache
(../shared/tools/fetch-corpus.sh). Run by hand, never as a test. The server is the real one,
`python -m pitfalls lsp`, driven over stdio by pygls' client, as an editor would:

- change: one keystroke (a character typed into, or deleted from, a comment line), then the time
  until diagnostics for that version arrive; the next keystroke follows 50 ms later, like a fast
  typist, so each edit is measured on its own rather than coalesced with the next;
- hover: over a pitfall (a mutable default added at the end of the file), answer round trip;
- analysis alone: `check_source` on the same text in this process, for the share of the total.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=os.path.expanduser(DEFAULT))
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--markdown", action="store_true", help="print a table for docs/performance.md")
    args = parser.parse_args()
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
