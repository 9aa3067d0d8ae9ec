"""The `pitfalls` command line: thin, converts findings into text and exit codes."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, NoReturn, Optional, Sequence

import click

from pitfalls import __version__
from pitfalls.depths import DEPTHS

if TYPE_CHECKING:
    from pitfalls.config import ConfigCache
    from pitfalls.source import FileReport

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_NAMES = ("text", "json", "sarif", "github", "gitlab")  # pitfalls.output.FORMATS, kept light to import


def _fail(message: str) -> "click.exceptions.Exit":
    click.echo(f"pitfalls: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


_FLAGS = "pitfalls.flags"  # where _config_options leave the flags, in the click context's meta


def _configs() -> "ConfigCache":
    """Where [tool.pitfalls] comes from (the nearest pyproject.toml above each file, the one
    --config names, or with --isolated nowhere), with the flags of `_config_options` layered on
    top: every command that reads code asks this, so each file gets the same rules everywhere."""
    from pitfalls.config import ConfigCache, ConfigError, Overrides

    flags = dict(click.get_current_context().meta.get(_FLAGS, {}))
    explicit, isolated, strict = flags.pop("config_file", None), flags.pop("isolated", False), flags.pop("strict", False)
    try:
        overrides = Overrides.from_flags(strict=strict, **flags)
        return ConfigCache(isolated=isolated, watch=False, explicit=explicit, overrides=overrides)
    except ConfigError as exc:
        raise _fail(str(exc))


_NAMED_SHOWN = 5  # excluded paths named one by one; the rest are counted


def _python_files(paths: Sequence[str], configs: "ConfigCache", quiet: bool = False) -> list[str]:
    """The files PATHS name (default: the current directory), after the checks every command that
    reads code makes first: each path exists and every configuration met on the way is valid.
    What `exclude`/`extend-exclude` leave out is gone (a named one says so on stderr unless
    `quiet`, as does a run without files), and a symlink and its target are one file."""
    from pitfalls.config import ConfigError
    from pitfalls.discovery import find_python_files

    paths = paths or (".",)
    for path in paths:
        if not os.path.exists(path):
            raise _fail(f"{path}: no such file or directory")
    left_out: list[str] = []
    try:
        files = _one_per_file(find_python_files(
            paths, configs.for_file, lambda path, reason: left_out.append(f"{path}: {reason}")))
    except ConfigError as exc:
        raise _fail(str(exc))
    for said in [] if quiet else left_out[:_NAMED_SHOWN]:
        click.echo(f"pitfalls: warning: {said}; not checked", err=True)
    if len(left_out) > _NAMED_SHOWN and not quiet:  # pre-commit names every file, migrations included
        click.echo(f"pitfalls: warning: {len(left_out) - _NAMED_SHOWN} more named paths are excluded by the "
                   "configuration; not checked", err=True)
    if not files and not quiet:  # ruff says the same: a path that held none, or a config that excluded them all
        click.echo("pitfalls: warning: no Python files found", err=True)
    return files


def _one_per_file(found: Iterable[str]) -> list[str]:
    """Each file once, sorted: `./a.py` and `a.py` are one; a symlink and its target are one,
    named as the target when the run found it, else as the first link."""
    chosen: dict[str, str] = {}
    for path in found:
        path = path[2:] if path.startswith("./") else path
        real = os.path.realpath(path)
        if real not in chosen or os.path.abspath(path) == real:
            chosen[real] = path
    return sorted(set(chosen.values()))


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_FLAGS, {})[param.name] = value
    return value


def _flag(*names: str, **settings: Any) -> Callable:
    return click.option(*names, expose_value=False, callback=_remember, **settings)


def _config_options(command: Callable) -> Callable:
    """The flags that choose rules and files, the same for every command that reads code. They
    reach the command through `_configs()`, not as parameters."""
    for option in reversed((
        _flag("--select", metavar="CODES",
              help="Only these codes or prefixes, comma-separated (PIT1,PIT601); replaces the config's "
                   "select and ignore."),
        _flag("--extend-select", metavar="CODES", help="Add these codes or prefixes to the selection."),
        _flag("--ignore", metavar="CODES", help="Skip these codes or prefixes, on top of the config's ignore."),
        _flag("--per-file-ignores", metavar="PAIRS",
              help="GLOB:CODES pairs, space-separated ('tests/*:PIT101,PIT6'); replace the config's."),
        _flag("--extend-per-file-ignores", metavar="PAIRS", help="GLOB:CODES pairs added to the config's."),
        _flag("--exclude", metavar="GLOBS",
              help="Leave out these files or folders, comma-separated; replaces the config's exclude "
                   "and the default excludes."),
        _flag("--extend-exclude", metavar="GLOBS", help="Leave out these too, comma-separated."),
        _flag("--config", "config_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Read [tool.pitfalls] from FILE for every checked file, instead of the nearest pyproject.toml."),
        _flag("--isolated", is_flag=True, help="Ignore every configuration file; use the defaults and the flags."),
        _flag("--strict", is_flag=True,
              help="Also hazards: traps set that nothing in the module springs yet, and state kept on purpose."),
    )):
        command = option(command)
    return command


def main() -> None:
    """The console entry point: click's own errors as click shows them, anything else in one line."""
    try:
        code = cli(standalone_mode=False)  # returns the code of a click.exceptions.Exit
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            _interrupted()
        click.echo("pitfalls: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:  # `pitfalls check | head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:  # a bug of ours: one line, never a traceback
        click.echo(f"pitfalls: internal error: {type(exc).__name__}: {exc} (please report this)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)


def _interrupted() -> NoReturn:
    """Ctrl-C: exit 130 at once. Every `finally` has run; what `os._exit` skips is the wait for the
    process pool's thread, which can hang on the half-sent answer of a worker ended mid-write."""
    click.echo("pitfalls: interrupted", err=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: nothing more to say there
            pass
    os._exit(130)


_EPILOG = """\b
Examples:
  pitfalls check                     check the current directory
  pitfalls check --format github src/
  pitfalls explain src/shop.py:12    the answer for the pitfall on line 12
  pitfalls fix --diff src/           what the safe fixes would change

\b
Configuration: [tool.pitfalls] in pyproject.toml (select, ignore,
per-file-ignores, exclude...). Shell completion, for bash:
  eval "$(_PITFALLS_COMPLETE=bash_source pitfalls)"
(zsh_source and fish_source for those shells.)
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, prog_name="pitfalls")
def cli() -> None:
    """Find the Python bugs interviewers ask about, and explain each hit."""


@cli.command(short_help="Find pitfalls in files and directories.")
@click.argument("paths", nargs=-1, type=click.Path())
@_config_options
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="text", show_default=True,
              help="text: path:line:col: CODE message; json; sarif (SARIF 2.1.0, for code scanning); "
                   "github (workflow annotations); gitlab (a Code Quality report).")
@click.option("--output-file", "-o", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to FILE instead of standard output ('-': standard output).")
@click.option("--show-source", is_flag=True, help="Text format: print each hit's line with a caret under it.")
@click.option("--statistics", is_flag=True,
              help="Count the hits per code: after a text report, on standard error with the other formats.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when pitfalls are found.")
@click.option("--fix", "apply_fixes", is_flag=True,
              help="Apply the safe fixes first (as `pitfalls fix`), then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: apply the unsafe fixes too.")
@click.option("--show-fixes", is_flag=True, help="With --fix: list the fixes made, per file, on standard error.")
@click.option("--stdin-filename", metavar="PATH",
              help="With '-' (code on standard input): the file's path, for its configuration and the report.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check files in N processes (default: the number of CPUs). Output order does not change.")
@click.option("--no-cache", is_flag=True,
              help="Check every file afresh, and leave the results cache (.pitfalls_cache/) alone.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary line, no warnings, no progress bar.")
@click.option("--color", "color_mode", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text report. auto: on a terminal, unless NO_COLOR is set; "
                                      "FORCE_COLOR turns it on anywhere.")
@click.option("--add-noqa", is_flag=True,
              help="Instead of reporting, add '# noqa: CODES' to the line of every hit (existing comments kept).")
def check(paths: Sequence[str], fmt: str, output_file: Optional[str], show_source: bool, statistics: bool,
          exit_zero: bool, apply_fixes: bool, unsafe_fixes: bool, show_fixes: bool, stdin_filename: Optional[str],
          jobs: Optional[int], no_cache: bool, quiet: bool, color_mode: str, add_noqa: bool) -> None:
    """Check PATHS (files or directories; default: the current directory; '-': standard input).

    Configuration comes from [tool.pitfalls] in the nearest pyproject.toml above each file;
    the flags are layered on top of it.

    Exit status: 0 nothing found, 1 pitfalls found or a file could not be checked,
    2 usage, configuration or internal error.
    """
    from pitfalls.config import ConfigError
    from pitfalls.output import FORMATS, Style, render_statistics
    from pitfalls.runner import check_files, default_jobs

    if (unsafe_fixes or show_fixes) and not apply_fixes:
        raise _fail("--unsafe-fixes and --show-fixes go with --fix")
    if add_noqa:
        _no_report_options(format=fmt != "text", output_file=output_file, show_source=show_source,
                           statistics=statistics, fix=apply_fixes, stdin_filename=stdin_filename)
    configs = _configs()
    stdin = _stdin_wanted(paths, stdin_filename)
    if stdin and add_noqa:
        raise _fail("--add-noqa writes comments into files; it cannot take standard input")
    if stdin and apply_fixes:  # ruff's shape: the fixed code on stdout, the rest on stderr
        tally = _fix_stdin(configs, stdin_filename, unsafe_fixes, diff=False, quiet=quiet)
        raise click.exceptions.Exit(tally.check_status(exit_zero))
    files = [] if stdin else _python_files(paths, configs, quiet)
    fixed = _fix_files(files, configs, unsafe_fixes, diff=False, show=show_fixes, quiet=True,
                       bar=not quiet).fixed if apply_fixes else 0
    progress = None if quiet else _Progress.for_terminal(len(files))
    sources: dict[str, str] = {}  # standard input's text, for --show-source
    try:  # [tool.pitfalls] of the nearest pyproject.toml for each file; the command line wins
        from pitfalls.cache import project_root

        if stdin:
            report_, code = _stdin_report(configs, stdin_filename)
            reports, sources = [report_], {report_.path: code}
        else:
            cache_root = None if no_cache else project_root(".")
            reports = check_files(files, jobs or default_jobs(), cache_root, configs, progress)
        docs_url = configs.for_file(os.path.join(".", "x.py")).docs_url if fmt == "sarif" else None
    except ConfigError as exc:
        raise _fail(str(exc))
    finally:
        if progress:
            progress.close()
    if add_noqa:
        raise _added_noqa(reports, quiet, exit_zero)

    to_file = output_file not in (None, "-")
    color = fmt == "text" and not to_file and (
        color_mode == "always" or (color_mode == "auto" and _color(sys.stdout, forced=True)))
    text = FORMATS[fmt](reports, Style(color=color, show_source=show_source, docs_url=docs_url, sources=sources))
    counts = render_statistics(reports) if statistics else ""
    if fmt == "text":  # the counts follow the report; a machine format must stay parseable
        text, counts = text + counts, ""
    if to_file:
        try:  # a file name that was not UTF-8 on disk is written back as the same bytes
            with open(output_file, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as handle:
                handle.write(text)
        except OSError as exc:
            raise _fail(f"{output_file}: cannot write: {exc.strerror or exc}")
    else:
        click.echo(text, nl=False, color=color)
    if counts:
        click.echo(counts, nl=False, err=True)
    internal = _problems(reports)
    found = sum(len(r.findings) for r in reports)
    unchecked = sum(1 for r in reports if r.error)
    if (fmt == "text" or to_file) and not quiet:
        summary = f"{_plural(found, 'pitfall')} in {_plural(len(reports), 'file')}"
        if apply_fixes:
            summary += f" ({fixed} fixed)"
        if unchecked:
            summary += f" ({unchecked} could not be checked)"
        click.echo(summary, err=True)
    if internal:
        raise click.exceptions.Exit(EXIT_ERROR)
    if exit_zero:
        raise click.exceptions.Exit(EXIT_CLEAN)
    raise click.exceptions.Exit(EXIT_FINDINGS if found or unchecked else EXIT_CLEAN)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _stdin_wanted(paths: Sequence[str], stdin_filename: Optional[str]) -> bool:
    """Whether the code comes from standard input: the path '-', alone, or no path and a
    --stdin-filename (as ruff reads it, so editor plugins written for ruff work unchanged)."""
    if not paths and stdin_filename:
        return True
    if "-" not in paths:
        if stdin_filename:
            raise _fail("--stdin-filename goes with the path '-' (the code on standard input), or with no path")
        return False
    if len(paths) > 1:
        raise _fail("'-' (standard input) cannot be mixed with other paths")
    return True


def _stdin_source(configs: "ConfigCache", stdin_filename: Optional[str]) -> "tuple[Any, Any, Optional[tuple]]":
    """Standard input as a file to fix (text, encoding and bytes as read), its configuration, and
    its rules: those of `--stdin-filename` (where it would be on disk), else of a file in this
    folder; None when the configuration excludes that name (ruff's --force-exclude), as a run would
    leave the file. The report names it `--stdin-filename`, else `-`."""
    from pitfalls.config import ConfigError
    from pitfalls.fixing import FileFix
    from pitfalls.source import SourceError, decode_with_encoding

    if sys.stdin is None:  # started with file descriptor 0 closed (`<&-`)
        raise _fail("-: standard input is closed")
    try:
        data = sys.stdin.buffer.read()
    except OSError as exc:
        raise _fail(f"-: cannot read standard input: {exc.strerror or exc}")
    source = FileFix(stdin_filename or "-", data=data)
    try:
        source.original, source.encoding = decode_with_encoding(data)
        source.fixed = source.original
    except SourceError as exc:
        source.error = str(exc)
    where = stdin_filename or "stdin.py"
    try:
        config = configs.for_file(where)
        rules = None if stdin_filename and configs.excludes(stdin_filename) else config.rules_for(where)
    except ConfigError as exc:
        raise _fail(str(exc))
    return source, config, rules


def _stdin_report(configs: "ConfigCache", stdin_filename: Optional[str]) -> "tuple[FileReport, str]":
    """`check -`: standard input checked under its file's rules, and its text."""
    from pitfalls.findings import shown
    from pitfalls.source import FileReport, check_source

    source, config, rules = _stdin_source(configs, stdin_filename)
    if source.error:
        return FileReport(source.path, error=source.error), ""
    if rules is None:
        return FileReport(source.path), source.original
    report = check_source(source.original, source.path, rules)
    report.findings = shown(report.findings, config.strict)
    return report, source.original


def _problems(reports: Sequence["FileReport"]) -> bool:
    """Says which files could not be checked; whether a rule failed (an internal error)."""
    internal = False
    for report_ in reports:
        if report_.error:
            click.echo(_error_line(report_.path, report_.error), err=True)
        for failure in report_.rule_errors:
            internal = True
            click.echo(
                f"{report_.path}: internal error in {failure.code}: "
                f"{type(failure.error).__name__}: {failure.error} (please report this)",
                err=True,
            )
    return internal


def _no_report_options(**given: Any) -> None:
    """--add-noqa writes comments and prints no report: an option that shapes one is a mistake."""
    for name, value in given.items():
        if value:
            raise _fail(f"--add-noqa writes comments, not a report; drop --{name.replace('_', '-')}")


def _added_noqa(reports: Sequence["FileReport"], quiet: bool, exit_zero: bool) -> "click.exceptions.Exit":
    """`check --add-noqa`: the comments written, the hits left and why, ruff's summary line."""
    from pitfalls.noqa_edit import add_noqa_to_file

    internal, problems, added, left = _problems(reports), 0, 0, []
    for report_ in reports:
        if not report_.findings:
            continue
        done, failure = add_noqa_to_file(report_.path, report_.findings)
        if failure:
            problems += 1
            click.echo(f"{report_.path}: error: {failure}", err=True)
            continue
        added += done.lines
        left += [f"{report_.path}:{f.line}:{f.column + 1}: {f.code} not silenced: {why}" for f, why in done.skipped]
    for line in left:
        click.echo(line, err=True)
    if not quiet:
        click.echo(f"Added {_plural(added, 'noqa directive')}.", err=True)
        if left:
            click.echo("pitfalls: silence those with per-file-ignores, or '# pitfalls: noqa: CODE' at the top of "
                       "the file (see docs/configuration.md)", err=True)
    if internal:
        return click.exceptions.Exit(EXIT_ERROR)
    unchecked = sum(1 for r in reports if r.error)
    return click.exceptions.Exit(EXIT_FINDINGS if (problems or unchecked) and not exit_zero else EXIT_CLEAN)


def _terminal(stream: Any) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # replaced or closed
        return False


def _color(stream: Any, forced: bool = False) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org); with
    `forced`, FORCE_COLOR (https://force-color.org) turns it on anywhere, NO_COLOR still winning."""
    if os.environ.get("NO_COLOR"):
        return False
    return _terminal(stream) or (forced and bool(os.environ.get("FORCE_COLOR")))


class _Progress:
    """`Checking [#####-----] 1200/3340 files` on standard error, redrawn in place and wiped at
    the end. Only for a person watching: stderr is a terminal, not CI, enough files, and only
    once a run has taken half a second (a warm cache never flashes a bar). With `ticking` (fixes,
    where one big file can take a while) it also names the file at work and for how long, redrawn
    by a clock of its own, and a file or two are enough."""

    MIN_FILES = 50
    DELAY = 0.5

    def __init__(self, total: int, stream: Any, label: str = "Checking", ticking: bool = False):
        import threading
        import time

        self.total, self.stream, self.done, self.label = total, stream, 0, label
        self.clock = time.monotonic
        self.started = self.drawn = self.clock()
        self.shown = False
        self.lock = threading.Lock()
        self.current, self.current_started = "", self.started
        self.stopped = threading.Event()
        if ticking:
            threading.Thread(target=self._tick, daemon=True).start()

    @classmethod
    def for_terminal(cls, total: int, label: str = "Checking", ticking: bool = False) -> "Optional[_Progress]":
        stream = sys.stderr
        if total < (1 if ticking else cls.MIN_FILES) or os.environ.get("CI") or not _terminal(stream):
            return None
        return cls(total, stream, label, ticking)

    def __call__(self, done: int) -> None:
        with self.lock:
            self.done += done
            if self.done < self.total and self.clock() - self.drawn < 0.1:
                return
            self._draw()

    def working_on(self, path: str) -> None:
        with self.lock:
            self.current, self.current_started = path, self.clock()

    def say(self, line: str) -> None:
        """A line of its own on stderr, the bar wiped first and drawn again below it."""
        with self.lock:
            if self.shown:
                self.stream.write("\r\033[K")
            self.stream.write(line + "\n")
            self.stream.flush()
            if self.shown:
                self._draw()

    def _tick(self) -> None:
        while not self.stopped.wait(0.25):
            with self.lock:
                self._draw()

    def _draw(self) -> None:
        now = self.clock()
        if now - self.started < self.DELAY:
            return
        self.drawn, self.shown = now, True
        filled = 30 * self.done // max(1, self.total)
        text = f"\r{self.label} [{'#' * filled}{'-' * (30 - filled)}] {self.done}/{self.total} files"
        if self.current and self.done < self.total:
            text += f": {self.current} ({now - self.current_started:.0f} s)"
        self.stream.write(text + "\033[K")
        self.stream.flush()

    def close(self) -> None:
        self.stopped.set()
        with self.lock:
            if self.shown:
                self.stream.write("\r\033[K")
                self.stream.flush()
            self.shown = False


@cli.command(short_help="Apply the fixes: the safe ones, or all with --unsafe-fixes.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that can change behaviour for some caller.")
@click.option("--diff", is_flag=True, help="Print a unified diff of the fixes and write nothing.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when fixable pitfalls remain; a file that could not be fixed still exits 1.")
@click.option("--stdin-filename", metavar="PATH",
              help="With '-' (code on standard input, fixed code on standard output): the file's path, "
                   "for its configuration and the messages.")
@_config_options
def fix(paths: Sequence[str], unsafe_fixes: bool, diff: bool, exit_zero: bool, stdin_filename: Optional[str]) -> None:
    """Fix the pitfalls in PATHS that have a fix (default: the current directory; '-': standard
    input, the fixed code to standard output).

    Safe fixes only, unless --unsafe-fixes. Each file is written atomically, in its own encoding
    and newline style, only if every fix left it parsing and nobody changed it meanwhile.
    Exit status: 0 nothing fixable remains, 1 fixable pitfalls remain (or, with --diff, there is
    something to fix) or a file could not be fixed, 2 usage or internal error.
    """
    configs = _configs()
    if _stdin_wanted(paths, stdin_filename):
        raise click.exceptions.Exit(_fix_stdin(configs, stdin_filename, unsafe_fixes, diff).status(diff, exit_zero))
    tally = _fix_files(_python_files(paths, configs), configs, unsafe_fixes, diff, show=True, quiet=False)
    raise click.exceptions.Exit(tally.status(diff, exit_zero))


class _Tally:
    """What a fix run did, for its summary and exit status."""

    def __init__(self, unsafe: bool):
        self.unsafe = unsafe
        self.fixed = self.files = self.left_fixable = self.problems = 0
        self.remaining: list[str] = []

    def count(self, result: Any) -> None:
        """One file's fixes: how many were made, and each finding left (with its note)."""
        from pitfalls.output import fix_safety

        if result.applied:
            self.fixed += len(result.applied)
            self.files += 1
        for finding in result.remaining:
            locked = fix_safety(finding) == "unsafe" and not self.unsafe
            self.left_fixable += locked
            self.remaining.append(f"{result.path}:{finding.line}:{finding.column + 1}: {finding.code} "
                                  f"{finding.message}{' (fixable with --unsafe-fixes)' if locked else ''}")

    def summary(self, diff: bool) -> str:
        text = f"{'would fix' if diff else 'fixed'} {_plural(self.fixed, 'pitfall')} in {_plural(self.files, 'file')}"
        text += f"; {len(self.remaining)} remain"
        if self.left_fixable:
            text += f" ({self.left_fixable} fixable with --unsafe-fixes)"
        if self.problems:
            text += f"; {_plural(self.problems, 'file')} could not be fixed"
        return text

    def status(self, diff: bool, exit_zero: bool) -> int:
        if exit_zero:
            return EXIT_FINDINGS if self.problems else EXIT_CLEAN
        pending = self.fixed if diff else 0
        return EXIT_FINDINGS if self.left_fixable or self.problems or pending else EXIT_CLEAN

    def check_status(self, exit_zero: bool) -> int:
        """`check --fix`'s: 1 while any pitfall remains, fixable or not, as after `check`."""
        return EXIT_CLEAN if exit_zero or not (self.remaining or self.problems) else EXIT_FINDINGS


def _fix_files(files: Sequence[str], configs: "ConfigCache", unsafe: bool, diff: bool, show: bool,
               quiet: bool, bar: bool = True) -> _Tally:
    """Fixes each file under its own rules: writes it (or, with `diff`, prints the diff), and
    says on stderr what was fixed (`show`) and, unless `quiet`, what remains and the summary.
    `quiet` is `check --fix`: the check that follows says which files it could not read.
    `bar`: a progress bar on a terminal, for a long run."""
    from pitfalls.config import ConfigError, target_version
    from pitfalls.fixing import fix_file, write_atomically

    tally = _Tally(unsafe)
    progress = _Progress.for_terminal(len(files), "Fixing", ticking=True) if bar else None
    tell = progress.say if progress else lambda line: click.echo(line, err=True)
    try:
        for path in files:
            if progress:
                progress.working_on(path)
            try:
                config = configs.for_file(path)
                result = fix_file(path, config.rules_for(path), unsafe, target_version(config, path), config.strict)
            except ConfigError as exc:
                raise _fail(str(exc))
            if progress:
                progress(1)
            failure = result.error
            if failure is None and result.applied and not diff:
                failure = write_atomically(result)
            if failure:
                tally.problems += 1
                if not (quiet and result.error):
                    tell(_error_line(path, failure))
                continue
            if result.applied and diff:
                click.echo(_diff(result), nl=False)
            elif result.applied and show:
                tell(f"{path}: fixed {len(result.applied)} ({_codes_made(result.applied)})")
            tally.count(result)
    finally:
        if progress:
            progress.close()
    if not quiet:
        if not diff:
            for line in tally.remaining:
                click.echo(line)
        click.echo(tally.summary(diff), err=True)
    return tally


def _fix_stdin(configs: "ConfigCache", stdin_filename: Optional[str], unsafe: bool, diff: bool,
               quiet: bool = False) -> _Tally:
    """`fix -`: standard input fixed under its file's rules, the code written to standard output
    in its own encoding (unchanged when it cannot be fixed: code is never lost), or the diff with
    --diff; what remains and (unless `quiet`) the summary on stderr."""
    from pitfalls.config import target_version
    from pitfalls.fixing import fix_source

    result, config, rules = _stdin_source(configs, stdin_filename)
    tally = _Tally(unsafe)
    if result.error is None and rules is not None:
        fix_source(result, rules, unsafe, target_version(config, stdin_filename or "stdin.py"), config.strict)
    if result.error:
        tally.problems += 1
        click.echo(_error_line(result.path, result.error), err=True)
        result.fixed, result.applied = result.original, []
    if diff:
        if result.applied:
            click.echo(_diff(result), nl=False)
    else:
        # A file that could not be fixed goes back as the bytes that came in.
        sys.stdout.buffer.write(result.data if result.error else result.fixed.encode(result.encoding))
        sys.stdout.buffer.flush()
    tally.count(result)
    for line in tally.remaining:
        click.echo(line, err=True)
    if not quiet:
        click.echo(tally.summary(diff), err=True)
    return tally


def _diff(result: Any) -> str:
    from pitfalls.diffs import unified_diff

    return unified_diff(result.original, result.fixed, os.path.normpath(result.path))


def _codes_made(applied: Sequence[str]) -> str:
    """`PIT101 x2, PIT601`: the codes of the fixes made, in order, counted."""
    counts = {code: applied.count(code) for code in dict.fromkeys(applied)}
    return ", ".join(f"{code} x{n}" if n > 1 else code for code, n in counts.items())


@cli.command(short_help="List the rules: code, name, severity, what each finds.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per rule; json: a list of objects, for tools.")
def rules(fmt: str) -> None:
    """List the rule catalog: code, name, severities, what it finds.

    "warning/info/hazard": the severities the rule's hits can have, its usual one first; hazards
    are reported only with --strict. `--format json` and docs/rules/ say when each applies.
    """
    import json

    from pitfalls.catalog import ALL_RULES
    from pitfalls.findings import Severity

    if fmt == "json":
        items = [
            {"code": r.code, "name": r.name, "severity": r.severity.value,
             "hazards": Severity.HAZARD in r.severities(),
             "severities": [{"severity": s.value, "when": when} for s, when in r.severities().items()],
             "summary": r.summary, "fixable": r.fixable}
            for r in ALL_RULES
        ]
        click.echo(json.dumps(items, indent=2))
        return
    severities = {r.code: "/".join(s.value for s in r.severities()) for r in ALL_RULES}
    width = max(len(r.name) for r in ALL_RULES)
    column = max(map(len, severities.values()))
    for r in ALL_RULES:
        click.echo(f"{r.code}  {r.name:<{width}}  {severities[r.code]:<{column}}  {r.summary}")


@cli.command(short_help="Explain a rule, or each pitfall in a file or on one line.")
@click.argument("target")
@click.option("--depth", type=click.Choice(DEPTHS), default="full", show_default=True,
              help="30: the 30-second answer, its key points and the fix; 60: one layer deeper; full: with follow-ups.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text (coloured on a terminal), markdown, or json with the check fields and the answer.")
@_config_options
def explain(target: str, depth: str, fmt: str) -> None:
    """Explain a rule (PIT101, mutable-default-argument) or each pitfall in PATH[:LINE].

    A file gets what `check` gives it: its [tool.pitfalls] (per-file-ignores and excludes
    included) and the flags. Where nothing is shown, it says what silenced the line.

    Exit status: 0 something was explained, 1 the file has no pitfall (on that line),
    2 an unknown rule, a missing path or a file that cannot be checked.
    """
    from pitfalls import answer_output
    from pitfalls.answers import answer_for, rule_answer
    from pitfalls.catalog import BY_CODE, BY_NAME
    from pitfalls.output import finding_dict

    rule = BY_CODE.get(target.upper()) or BY_NAME.get(target.lower())
    if rule is not None:
        items = [answer_output.Item(f"{rule.code} {rule.name}: {rule.summary}", rule_answer(rule), rule.explanation)]
    else:
        path, line = _path_and_line(target)
        if not os.path.isfile(path):
            if os.path.isdir(path):
                raise _fail(f"{path}: is a directory; name a file, or a rule such as PIT101")
            looks_like_rule = not path.endswith(".py") and os.sep not in path
            raise _fail(f"{target}: no such rule or file" + (" (see 'pitfalls rules')" if looks_like_rule else ""))
        findings = _explained_findings(path, line)
        items = [
            answer_output.Item(
                f"{path}:{f.line}:{f.column + 1}: {f.code} {f.message}",
                answer_for(f),
                BY_CODE[f.code].explanation,
                finding_dict(path, f),
            )
            for f in findings
        ]
    if fmt == "json":
        click.echo(answer_output.render_json(items, depth), nl=False)
    elif fmt == "markdown":
        click.echo(answer_output.render_markdown(items, depth), nl=False)
    else:
        color = _color(sys.stdout, forced=True)  # FORCE_COLOR, as check honours it
        click.echo(answer_output.render_text(items, depth, color), nl=False, color=color)


def _explained_findings(path: str, line: Optional[int]) -> list:
    """What `check` reports for the file (on `line`), under the same configuration; when that is
    nothing, why, on stderr, and exit 1."""
    from pitfalls.config import ConfigError
    from pitfalls.findings import shown
    from pitfalls.source import SourceError, check_source, read_source

    configs = _configs()
    where = f"{path}:{line}" if line is not None else path
    try:
        excluded = configs.exclusion(path)
        config = configs.for_file(path)
        rules = config.rules_for(path)
    except ConfigError as exc:
        raise _fail(str(exc))
    if excluded:
        click.echo(f"pitfalls: nothing to explain in {where}: {excluded}, so check leaves it out", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    try:
        text = read_source(path)[1]
    except SourceError as exc:
        raise _fail(f"{path}: {exc}")
    if line is not None:
        count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        if line < 1:
            raise _fail(f"{path}:{line}: lines are numbered from 1")
        if line > count:
            raise _fail(f"{path}:{line}: past the end of the file, which has {_plural(count, 'line')}")
    report = check_source(text, path, rules)
    if report.error:
        raise _fail(f"{path}: {report.error}")
    findings = [f for f in shown(report.findings, config.strict) if line is None or f.line == line]
    if not findings:
        reasons = _silenced(path, text, line, config)
        click.echo(f"pitfalls: nothing to explain in {where}" + "".join(f"\n  {r}" for r in reasons), err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    return findings


def _silenced(path: str, text: str, line: Optional[int], config: Any) -> list[str]:
    """Why each pitfall (on `line`) that `check` would otherwise report is not shown: the setting
    of the file or flag that leaves it out, a comment, or a hazard outside strict mode."""
    from pitfalls.catalog import ALL_RULES, BY_CODE
    from pitfalls.findings import Severity
    from pitfalls.source import Silencers, check_source, split_lines

    silencers = Silencers(split_lines(text), ALL_RULES)
    reasons = []
    for finding in check_source(text, path, ALL_RULES, silenced=True).findings:
        if line is not None and finding.line != line:
            continue
        setting, comment = config.left_out(path, BY_CODE[finding.code]), silencers.why(finding)
        if setting:
            reasons.append(f"{finding.code} is left out for this file by {setting}")
        elif comment == "file":
            reasons.append(f"{finding.code} is silenced for the whole file by a '# pitfalls: noqa' comment")
        elif comment:
            reasons.append(f"{finding.code} on line {finding.line} is silenced by {comment}" if line is None
                           else f"{finding.code} is silenced by {comment}")
        elif finding.severity is Severity.HAZARD and not config.strict:
            reasons.append(f"{finding.code} is a hazard here, reported only with --strict (or strict = true)")
    return list(dict.fromkeys(reasons))


@cli.command(short_help="Start the language server that editors talk to.")
@click.option("--tcp", is_flag=True, help="Serve on a TCP port instead of stdin/stdout.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --tcp: the address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=2087, show_default=True, help="With --tcp: the port.")
def lsp(tcp: bool, host: str, port: int) -> None:
    """Start the language server (stdio; editors start it for you, see docs/editors.md)."""
    if tcp and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"pitfalls: warning: serving on {host}:{port}: the protocol has no authentication, so anyone "
                   "who can reach the port can drive the server (read files it can read); prefer 127.0.0.1",
                   err=True)
    from pitfalls_lsp.server import run

    raise click.exceptions.Exit(run(tcp=tcp, host=host, port=port))


class _DrillGroup(click.Group):
    """`pitfalls drill [PATHS]` runs a session; `stats` and `export` are its other commands."""

    def parse_args(self, ctx: click.Context, args: list) -> list:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["session", *args]
        return super().parse_args(ctx, args)


_TOPICS = ("mutability", "scope", "classes", "decorators", "iteration", "copies", "memory", "concurrency", "complexity")


def _drill_options(command: Callable) -> Callable:
    return click.option("--db", type=click.Path(dir_okay=False), metavar="PATH",
                        help="The drill's database (default: in your data folder).")(command)


@cli.group(cls=_DrillGroup, short_help="Practise the answers out loud, against the clock, on your own code.")
def drill() -> None:
    """Interview practice on your own code: each pitfall found becomes a card, asked with a 30-second
    clock; you answer out loud, see the answer and its key points, grade yourself, and take the
    follow-up at once. Grades schedule the cards (FSRS): weak ones come back sooner.

    \b
      pitfalls drill src/                the cards due, your own hits first
      pitfalls drill --plan cram src/    the 60-minute plan, in time boxes
      pitfalls drill stats               how it is going, per topic
      pitfalls drill export --anki x.apkg
    """


@drill.command("session", hidden=True)
@click.argument("paths", nargs=-1, type=click.Path())
@_config_options
@_drill_options
@click.option("--plan", "plan_name", type=click.Choice(["due", "cram"]), default="due", show_default=True,
              help="due: what is due, then new cards; cram: the 60-minute plan in time boxes.")
@click.option("--topic", type=click.Choice(_TOPICS), help="Only this topic.")
@click.option("--track", type=click.Choice(["engineer", "data"]), help="Which topics come first.")
@click.option("--limit", type=click.IntRange(1), help="At most this many cards.")
@click.option("--no-timer", is_flag=True, help="No countdown on screen (screen readers); times are still kept.")
def drill_session(paths: Sequence[str], db: Optional[str], plan_name: str, topic: Optional[str],
                  track: Optional[str], limit: Optional[int], no_timer: bool) -> None:
    """Ask the cards of PATHS (default: the current directory)."""
    from pitfalls.drill import session
    from pitfalls.drill.store import DrillStore, DrillStoreError
    from pitfalls.runner import check_files

    if not (_terminal(sys.stdin) and _terminal(sys.stdout)):
        raise _fail("pitfalls drill needs a terminal: run it in one (or use 'pitfalls drill export --format json')")
    configs = _configs()
    reports = check_files(_python_files(paths, configs), 1, None, configs)
    cards = session.collect(reports)
    try:
        store = DrillStore(db)  # None: the default, in the user's data folder
        session.remember(store, cards)
        from pitfalls.drill.ui import DrillApp

        app = DrillApp(session.plan(cards, store, plan_name, topic, track, limit), session.recorder(store),
                       timer=not no_timer)
        graded = app.run() or []
    except DrillStoreError as exc:
        raise _fail(str(exc))
    click.echo(session.summary(graded))


@drill.command("stats", short_help="Per topic: cards seen and due, answer times, follow-ups, streak.")
@_drill_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def drill_stats(db: Optional[str], fmt: str) -> None:
    """How the practice is going: per topic, cards seen and due, the median answer time against the
    30-second target, follow-ups passed; and the streak of days."""
    from pitfalls.drill import session
    from pitfalls.drill.store import DrillStore, DrillStoreError

    try:
        click.echo(session.render_stats(DrillStore(db).stats(), fmt))
    except DrillStoreError as exc:
        raise _fail(str(exc))


@drill.command("export", short_help="The cards as an Anki deck or JSON.")
@click.argument("paths", nargs=-1, type=click.Path())
@_config_options
@click.option("--anki", "anki", type=click.Path(dir_okay=False), metavar="FILE.apkg", help="Write an Anki package.")
@click.option("--format", "fmt", type=click.Choice(["json"]), help="Print the cards as JSON.")
def drill_export(paths: Sequence[str], anki: Optional[str], fmt: Optional[str]) -> None:
    """Export the cards of PATHS (default: the current directory): your hits, then the catalog's."""
    from pitfalls.drill import session
    from pitfalls.runner import check_files

    if not anki and not fmt:
        raise _fail("drill export: give --anki FILE.apkg or --format json")
    configs = _configs()
    cards = session.collect(check_files(_python_files(paths, configs), 1, None, configs))
    if anki:
        count = session.export_anki(cards, anki)
        click.echo(f"wrote {count} notes ({len(cards)} cards) to {anki}", err=True)
    if fmt == "json":
        click.echo(session.export_json(cards))


def _error_line(path: str, error: str) -> str:
    """`path:line:col: error: message` when the error has a place (a syntax error), so that
    editors' and CI's problem matchers pick it up; `path: error: message` otherwise."""
    import re

    found = re.search(r" \(line (\d+), column (\d+)\)$", error)
    if found is None:
        return f"{path}: error: {error}"
    return f"{path}:{found.group(1)}:{found.group(2)}: error: {error[:found.start()]}"


def _path_and_line(target: str) -> tuple[str, Optional[int]]:
    """`file.py:12` -> ("file.py", 12); a path that exists as written wins over the split."""
    head, sep, tail = target.rpartition(":")
    if sep and tail.isdigit() and not os.path.exists(target):
        return head, int(tail)
    return target, None
