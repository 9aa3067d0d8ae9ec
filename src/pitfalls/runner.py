"""Checking many files: in this process, or spread over worker processes (`--jobs`).

Each file is checked on its own (its own config, its own parse), so files are handed out in
chunks and the reports come back in the order the files went in, whatever the number of jobs.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Optional, Sequence

from pitfalls.config import NO_OVERRIDES, ConfigCache, Overrides
from pitfalls import source
from pitfalls.findings import shown
from pitfalls.source import FileReport

_configs = ConfigCache(watch=False)  # one per process and run: see _new_run
Progress = Callable[[int], None]  # told how many more files are done


def _new_run(isolated: bool = False, explicit: Optional[str] = None, overrides: Overrides = NO_OVERRIDES) -> None:
    """A worker process's start: its own configurations, built as the parent's were. Ctrl-C is
    the parent's to handle (it stops the pool and exits 130), so a worker ignores it rather than
    print a traceback of its own."""
    global _configs
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _configs = ConfigCache(isolated=isolated, watch=False, explicit=explicit, overrides=overrides)


def _rules_for(path: str) -> tuple:
    """The rules its config and the command line give a file (ConfigError propagates)."""
    return _configs.for_file(path).rules_for(path)


def check_one(path: str) -> FileReport:
    return source.check_file(path, _rules_for(path))


def _check_chunk(paths: list[str]) -> list[FileReport]:
    return [check_one(path) for path in paths]


def check_files(
    files: Sequence[str],
    jobs: int,
    cache_root: Optional[str] = None,
    configs: Optional[ConfigCache] = None,
    progress: Optional[Progress] = None,
) -> list[FileReport]:
    """Reports in the order of `files`; with `cache_root`, unchanged files come from the cache.

    `configs` says where configuration comes from (`--config`, `--isolated`, the flags' layer);
    each worker process builds its own alike, this one uses it as it is. `progress` hears of
    files as they are done. Hazards are kept only for a file whose config says `strict`
    (`--strict` included); the cache keeps them either way.
    """
    global _configs
    _configs = configs or ConfigCache(watch=False)
    reports = _checked(files, jobs, cache_root, progress or (lambda done: None))
    for report in reports:
        if report.findings:
            report.findings = shown(report.findings, _configs.for_file(report.path).strict)
    return reports


def _checked(files: Sequence[str], jobs: int, cache_root: Optional[str], progress: Progress) -> list[FileReport]:
    spec = (_configs.isolated, _configs.explicit, _configs.overrides)  # how each worker builds its own
    if cache_root is None:
        return _check(files, jobs, spec, progress)
    from pitfalls.cache import Cache, file_key

    cache = Cache(cache_root)
    keys = {}
    for path in files:
        keys[path] = file_key(path, ",".join(rule.code for rule in _rules_for(path)))
    cached = {path: cache.get(path, keys[path]) for path in files}
    missing = [path for path in files if cached[path] is None]
    progress(len(files) - len(missing))
    for report in _check(missing, jobs, spec, progress):
        cache.put(report, keys[report.path])
        cached[report.path] = report
    cache.save()
    return [cached[path] for path in files]  # type: ignore[misc]


def _check(files: Sequence[str], jobs: int, spec: tuple, progress: Progress) -> list[FileReport]:
    """Fewer than a handful of files per job: one process (a pool would cost more to start than
    it saves)."""
    jobs = max(1, min(jobs, len(files) // 4))
    reports: list[FileReport] = []
    if jobs == 1:
        for path in files:
            reports.append(check_one(path))
            progress(1)
        return reports
    size = max(1, min(16, len(files) // (jobs * 8)))  # small chunks even out big and small files
    chunks = [list(files[i:i + size]) for i in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_new_run, initargs=spec) as pool:
        futures = [pool.submit(_check_chunk, chunk) for chunk in chunks]  # as pool.map, minus its cancelling
        try:
            for future in futures:
                chunk = future.result()
                reports.extend(chunk)
                progress(len(chunk))
        except KeyboardInterrupt:  # stop now: end the workers, whatever they are in the middle of
            workers = list((getattr(pool, "_processes", None) or {}).values())  # shutdown forgets them
            # No future is cancelled: the pool's thread would fail on one (InvalidStateError) when
            # it finds the workers gone and marks what was pending broken, as CPython 3.11 does.
            pool.shutdown(wait=False)
            for process in workers:
                process.terminate()
            raise
    return reports


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
