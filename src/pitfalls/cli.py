"""The `pitfalls` command line: thin, converts findings into text and exit codes."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

import click

from pitfalls import __version__

if TYPE_CHECKING:
    from pitfalls.config import ConfigCache
    from pitfalls.source import FileReport

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_NAMES = ("text", "json", "sarif", "github", "gitlab")  # pitfalls.output.FORMATS, kept light to import


def _fail(message: str) -> "click.exceptions.Exit":
    click.echo(f"pitfalls: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


def _codes(value: Optional[str]) -> Optional[list[str]]:
    return [c for c in value.replace(" ", ",").split(",") if c] if value else None


def _configs(config: Optional[str], isolated: bool) -> "ConfigCache":
    """Where [tool.pitfalls] comes from: the nearest pyproject.toml above each file, the one
    --config names, or (--isolated) nowhere."""
    from pitfalls.config import ConfigCache, ConfigError

    try:
        return ConfigCache(isolated=isolated, watch=False, explicit=config)
    except ConfigError as exc:
        raise _fail(str(exc))


def _python_files(
    paths: Sequence[str], select: Optional[str], ignore: Optional[str], configs: "ConfigCache"
) -> list[str]:
    """The files PATHS name (default: the current directory), after the checks every command that
    reads code makes first: each path exists, --select/--ignore name real codes, and every
    configuration met on the way is valid. What `exclude`/`extend-exclude` leave out is gone."""
    from pitfalls.catalog import SelectionError, select_rules
    from pitfalls.config import ConfigError
    from pitfalls.discovery import find_python_files

    paths = paths or (".",)
    for path in paths:
        if not os.path.exists(path):
            raise _fail(f"{path}: no such file or directory")
    try:
        select_rules(_codes(select), _codes(ignore))
    except SelectionError as exc:
        raise _fail(f"--select/--ignore: {exc}")
    try:
        found = find_python_files(paths, configs.for_file)
        return sorted({path[2:] if path.startswith("./") else path for path in found})
    except ConfigError as exc:
        raise _fail(str(exc))


def _config_options(command: Callable) -> Callable:
    """--select, --ignore, --config, --isolated and --strict: the same for every command that reads code."""
    for option in reversed((
        click.option("--select", metavar="CODES",
                     help="Only these codes or prefixes, comma-separated (PIT1,PIT601); replaces the config's."),
        click.option("--ignore", metavar="CODES", help="Skip these codes or prefixes, comma-separated; replaces the config's."),
        click.option("--config", "config_file", metavar="FILE", type=click.Path(dir_okay=False),
                     help="Read [tool.pitfalls] from FILE for every checked file, instead of the nearest pyproject.toml."),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file; use the defaults and the flags."),
        click.option("--strict", is_flag=True,
                     help="Also hazards: traps set that nothing in the module springs yet, and state kept on purpose."),
    )):
        command = option(command)
    return command


def main() -> None:
    """The console entry point: click's own errors as click shows them, anything else in one line."""
    try:
        code = cli(standalone_mode=False)  # returns the code of a click.exceptions.Exit
    except click.exceptions.Abort:
        click.echo("pitfalls: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:  # `pitfalls check | head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("pitfalls: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: one line, never a traceback
        click.echo(f"pitfalls: internal error: {type(exc).__name__}: {exc} (please report this)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)


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
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check files in N processes (default: the number of CPUs). Output order does not change.")
@click.option("--no-cache", is_flag=True,
              help="Check every file afresh, and leave the results cache (.pitfalls_cache/) alone.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary line, no progress bar.")
@click.option("--color", "color_mode", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text report. auto: on a terminal, unless NO_COLOR is set; "
                                      "FORCE_COLOR turns it on anywhere.")
@click.option("--add-noqa", is_flag=True,
              help="Instead of reporting, add '# noqa: CODES' to the line of every hit (existing comments kept).")
def check(paths: Sequence[str], select: Optional[str], ignore: Optional[str], config_file: Optional[str],
          isolated: bool, strict: bool, fmt: str, output_file: Optional[str], show_source: bool, statistics: bool,
          exit_zero: bool, jobs: Optional[int], no_cache: bool, quiet: bool = False, color_mode: str = "auto",
          add_noqa: bool = False) -> None:
    """Check PATHS (files or directories; default: the current directory).

    Configuration comes from [tool.pitfalls] in the nearest pyproject.toml above each file;
    the flags win over it.

    Exit status: 0 nothing found, 1 pitfalls found or a file could not be checked,
    2 usage, configuration or internal error.
    """
    from pitfalls.config import ConfigError
    from pitfalls.output import FORMATS, Style, render_statistics
    from pitfalls.runner import check_files, default_jobs

    if add_noqa:
        _no_report_options(format=fmt != "text", output_file=output_file, show_source=show_source, statistics=statistics)
    configs = _configs(config_file, isolated)
    files = _python_files(paths, select, ignore, configs)
    if not files:  # ruff says the same: a path that held none, or a config that excluded them all
        click.echo("pitfalls: warning: no Python files found", err=True)
    progress = None if quiet else _Progress.for_terminal(len(files))
    try:  # [tool.pitfalls] of the nearest pyproject.toml for each file; the command line wins
        from pitfalls.cache import project_root

        cache_root = None if no_cache else project_root(".")
        reports = check_files(files, _codes(select), _codes(ignore), jobs or default_jobs(), cache_root,
                              configs, progress, strict)
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
    text = FORMATS[fmt](reports, Style(color=color, show_source=show_source, docs_url=docs_url))
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
        summary = f"{found} pitfall{'s' * (found != 1)} in {len(files)} file{'s' * (len(files) != 1)}"
        if unchecked:
            summary += f" ({unchecked} could not be checked)"
        click.echo(summary, err=True)
    if internal:
        raise click.exceptions.Exit(EXIT_ERROR)
    if exit_zero:
        raise click.exceptions.Exit(EXIT_CLEAN)
    raise click.exceptions.Exit(EXIT_FINDINGS if found or unchecked else EXIT_CLEAN)


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
        click.echo(f"Added {added} noqa directive{'s' * (added != 1)}.", err=True)
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
    once a run has taken half a second (a warm cache never flashes a bar)."""

    MIN_FILES = 50
    DELAY = 0.5

    def __init__(self, total: int, stream: Any):
        import time

        self.total, self.stream, self.done = total, stream, 0
        self.clock = time.monotonic
        self.started = self.drawn = self.clock()
        self.shown = False

    @classmethod
    def for_terminal(cls, total: int) -> "Optional[_Progress]":
        stream = sys.stderr
        if total < cls.MIN_FILES or os.environ.get("CI") or not _terminal(stream):
            return None
        return cls(total, stream)

    def __call__(self, done: int) -> None:
        self.done += done
        now = self.clock()
        if now - self.started < self.DELAY or (now - self.drawn < 0.1 and self.done < self.total):
            return
        self.drawn, self.shown = now, True
        filled = 30 * self.done // max(1, self.total)
        self.stream.write(f"\rChecking [{'#' * filled}{'-' * (30 - filled)}] {self.done}/{self.total} files")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


@cli.command(short_help="Apply the fixes: the safe ones, or all with --unsafe-fixes.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that can change behaviour for some caller.")
@click.option("--diff", is_flag=True, help="Print a unified diff of the fixes and write nothing.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when fixable pitfalls remain; a file that could not be fixed still exits 1.")
@_config_options
def fix(paths: Sequence[str], unsafe_fixes: bool, diff: bool, select: Optional[str], ignore: Optional[str],
        config_file: Optional[str], isolated: bool, strict: bool, exit_zero: bool = False) -> None:
    """Fix the pitfalls in PATHS that have a fix (default: the current directory).

    Safe fixes only, unless --unsafe-fixes. Each file is written atomically, in its own encoding
    and newline style, only if every fix left it parsing and nobody changed it meanwhile.
    Exit status: 0 nothing fixable remains, 1 fixable pitfalls remain (or, with --diff, there is
    something to fix) or a file could not be fixed, 2 usage or internal error.
    """
    import difflib

    from pitfalls.config import ConfigError, target_version
    from pitfalls.fixing import fix_file, write_atomically
    from pitfalls.output import fix_safety

    configs = _configs(config_file, isolated)
    fixed_count = files_changed = left_fixable = problems = 0
    remaining_lines = []
    for path in _python_files(paths, select, ignore, configs):
        try:
            config = configs.for_file(path)
            rules = config.override(_codes(select), _codes(ignore)).rules_for(path)
        except ConfigError as exc:
            raise _fail(str(exc))
        result = fix_file(path, rules, unsafe_fixes, target_version(config, path), strict or config.strict)
        if result.error:
            problems += 1
            click.echo(_error_line(path, result.error), err=True)
            continue
        if result.applied:
            if diff:
                click.echo("".join(difflib.unified_diff(
                    result.original.splitlines(True), result.fixed.splitlines(True),
                    f"a/{os.path.normpath(path)}", f"b/{os.path.normpath(path)}")), nl=False)
            else:
                failure = write_atomically(result)
                if failure:
                    problems += 1
                    click.echo(f"{path}: error: {failure}", err=True)
                    continue
                counts = {code: result.applied.count(code) for code in dict.fromkeys(result.applied)}
                what = ", ".join(f"{code} x{n}" if n > 1 else code for code, n in counts.items())
                click.echo(f"{path}: fixed {len(result.applied)} ({what})", err=True)
            fixed_count += len(result.applied)
            files_changed += 1
        for finding in result.remaining:
            safety = fix_safety(finding)
            left_fixable += safety == "unsafe" and not unsafe_fixes
            note = " (fixable with --unsafe-fixes)" if safety == "unsafe" and not unsafe_fixes else ""
            remaining_lines.append(f"{path}:{finding.line}:{finding.column + 1}: {finding.code} {finding.message}{note}")
    if not diff:
        for line in remaining_lines:
            click.echo(line)
    verb = "would fix" if diff else "fixed"
    summary = f"{verb} {fixed_count} pitfall{'s' * (fixed_count != 1)} in {files_changed} file{'s' * (files_changed != 1)}"
    summary += f"; {len(remaining_lines)} remain"
    if left_fixable:
        summary += f" ({left_fixable} fixable with --unsafe-fixes)"
    if problems:
        summary += f"; {problems} file{'s' * (problems != 1)} could not be fixed"
    click.echo(summary, err=True)
    pending = fixed_count if diff else 0
    if exit_zero:
        raise click.exceptions.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
    raise click.exceptions.Exit(EXIT_FINDINGS if left_fixable or problems or pending else EXIT_CLEAN)


@cli.command(short_help="List the rules: code, name, severity, what each finds.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per rule; json: a list of objects, for tools.")
def rules(fmt: str) -> None:
    """List the rule catalog: code, name, severity, what it finds.

    "error/hazard": the rule's hits are errors, or hazards (reported only with --strict) where
    nothing in the module springs the trap yet.
    """
    import json

    from pitfalls.catalog import ALL_RULES

    if fmt == "json":
        items = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "hazards": r.hazards, "summary": r.summary,
             "fixable": r.fixable}
            for r in ALL_RULES
        ]
        click.echo(json.dumps(items, indent=2))
        return
    width = max(len(r.name) for r in ALL_RULES)
    for r in ALL_RULES:
        severity = r.severity.value + ("/hazard" if r.hazards else "")
        click.echo(f"{r.code}  {r.name:<{width}}  {severity:<14}  {r.summary}")


@cli.command(short_help="Explain a rule, or each pitfall in a file or on one line.")
@click.argument("target")
@click.option("--depth", type=click.Choice(["30", "60", "full"]), default="full", show_default=True,
              help="30: the 30-second answer, its key points and the fix; 60: one layer deeper; full: with follow-ups.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text (coloured on a terminal), markdown, or json with the check fields and the answer.")
@_config_options
def explain(target: str, depth: str, fmt: str, select: Optional[str], ignore: Optional[str],
            config_file: Optional[str], isolated: bool, strict: bool) -> None:
    """Explain a rule (PIT101, mutable-default-argument) or each pitfall in PATH[:LINE].

    A file gets the rules `check` gives it: its [tool.pitfalls] (per-file-ignores included) and
    the flags.

    Exit status: 0 something was explained, 1 the file has no pitfall (on that line),
    2 an unknown rule, a missing path or a file that cannot be checked.
    """
    from pitfalls import answer_output
    from pitfalls.answers import answer_for, rule_answer
    from pitfalls.catalog import BY_CODE, BY_NAME
    from pitfalls.output import finding_dict
    from pitfalls.source import check_file

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
        from pitfalls.config import ConfigError
        from pitfalls.findings import shown

        try:  # the rules and strictness `check` would use for this file
            config = _configs(config_file, isolated).for_file(path).override(_codes(select), _codes(ignore))
            rules = config.rules_for(path)
        except ConfigError as exc:
            raise _fail(str(exc))
        report = check_file(path, rules)
        if report.error:
            raise _fail(f"{path}: {report.error}")
        if line is not None:
            from pitfalls.source import SourceError, read_source

            try:
                text = read_source(path)[1]
            except SourceError as exc:
                raise _fail(f"{path}: {exc}")
            count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
            if not 1 <= line <= count:
                raise _fail(f"{path}:{line}: past the end of the file, which has {count} line{'s' * (count != 1)}")
        findings = [f for f in shown(report.findings, strict or config.strict) if line is None or f.line == line]
        if not findings:
            where = f"{path}:{line}" if line is not None else path
            click.echo(f"pitfalls: nothing to explain in {where}", err=True)
            raise click.exceptions.Exit(EXIT_FINDINGS)
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
        click.echo(answer_output.render_json(items), nl=False)
    elif fmt == "markdown":
        click.echo(answer_output.render_markdown(items, depth), nl=False)
    else:
        color = _color(sys.stdout)
        click.echo(answer_output.render_text(items, depth, color), nl=False, color=color)


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
def drill_session(paths: Sequence[str], select: Optional[str], ignore: Optional[str], config_file: Optional[str],
                  isolated: bool, strict: bool, db: Optional[str], plan_name: str, topic: Optional[str],
                  track: Optional[str], limit: Optional[int], no_timer: bool) -> None:
    """Ask the cards of PATHS (default: the current directory)."""
    from pitfalls.drill import session
    from pitfalls.drill.store import DrillStore, DrillStoreError
    from pitfalls.runner import check_files

    if not (_terminal(sys.stdin) and _terminal(sys.stdout)):
        raise _fail("pitfalls drill needs a terminal: run it in one (or use 'pitfalls drill export --format json')")
    configs = _configs(config_file, isolated)
    files = _python_files(paths, select, ignore, configs)
    reports = check_files(files, _codes(select), _codes(ignore), 1, None, configs, None, strict)
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
def drill_export(paths: Sequence[str], select: Optional[str], ignore: Optional[str], config_file: Optional[str],
                 isolated: bool, strict: bool, anki: Optional[str], fmt: Optional[str]) -> None:
    """Export the cards of PATHS (default: the current directory): your hits, then the catalog's."""
    from pitfalls.drill import session
    from pitfalls.runner import check_files

    if not anki and not fmt:
        raise _fail("drill export: give --anki FILE.apkg or --format json")
    configs = _configs(config_file, isolated)
    files = _python_files(paths, select, ignore, configs)
    cards = session.collect(check_files(files, _codes(select), _codes(ignore), 1, None, configs, None, strict))
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
