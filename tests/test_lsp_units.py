"""The language server's pure parts: settings, noqa edits, minimal edits, the fix mechanism."""

from __future__ import annotations

from lsprotocol import types as t
from pygls.workspace import PositionCodec

from pitfalls.catalog import ALL_RULES
from pitfalls.source import check_source, split_lines
from pitfalls.noqa_edit import comment_places
from pitfalls_lsp.edits import Edit, noqa_edit, replacement_edit
from pitfalls.output import rule_url
from pitfalls_lsp.actions import code_actions
from pitfalls_lsp.server import Analysis, DiagnosticSupport, PitfallsServer, parse_settings
from pitfalls_lsp.protocol import Document

HIT = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"


def apply(source: str, edit: Edit) -> str:
    lines = source.split("\n")
    start = sum(len(x) + 1 for x in lines[: edit.line]) + edit.character
    end = sum(len(x) + 1 for x in lines[: edit.end_line]) + edit.end_character
    return source[:start] + edit.text + source[end:]


def test_settings_keep_good_values_and_name_bad_ones():
    settings, problems = parse_settings({"pitfalls": {"select": "PIT1, PIT6", "explanationDepth": 60, "docsUrl": ""}})
    assert (settings.select, settings.explanation_depth, settings.docs_url, problems) == (("PIT1", "PIT6"), "60", None, [])
    settings, problems = parse_settings({"ignore": ["XYZ"], "debounceMs": -1, "colour": "red", "explanationDepth": "2"})
    assert settings == parse_settings(None)[0]
    assert len(problems) == 4 and any("unknown setting 'colour'" in p for p in problems)
    assert parse_settings([1, 2])[1] == ["settings must be an object, not list"]


def test_rule_urls():
    assert rule_url(None, "PIT101", "x") is None
    assert rule_url("https://h/docs/rules/", "PIT101", "x") == "https://h/docs/rules/PIT101.md"
    assert rule_url("https://h/{name}.html", "PIT101", "mutable-default-argument") == "https://h/mutable-default-argument.html"


def test_noqa_is_added_or_extended_and_never_breaks_code():
    source = (
        "x = f([])   \n"  # 0: trailing blanks are replaced
        "y = g()  # noqa: E501\n"  # 1: extended
        "z = h()  # noqa\n"  # 2: already silences everything
        "s = '''a\n"  # 3: ends inside a string
        "b'''\n"
        "t = 1 + \\\n"  # 5: continued with a backslash
        "    2\n"
        "u = k('# noqa: E1')  # 7: the reader reads the string's; extending it would change the string\n"
    )
    lines = split_lines(source)
    places = comment_places(source)
    assert apply(source, noqa_edit(lines, 0, "PIT101", places)).split("\n")[0] == "x = f([])  # noqa: PIT101"
    assert apply(source, noqa_edit(lines, 1, "PIT101", places)).split("\n")[1] == "y = g()  # noqa: E501, PIT101"
    # A line that ends inside a string or with a backslash: the comment goes on the code's last line.
    assert apply(source, noqa_edit(lines, 3, "PIT101", places)).split("\n")[4] == "b'''  # noqa: PIT101"
    assert apply(source, noqa_edit(lines, 5, "PIT101", places)).split("\n")[6] == "    2  # noqa: PIT101"
    assert [noqa_edit(lines, n, "PIT101", places) for n in (2, 7, 99, -1)] == [None] * 4


def test_a_replacement_touches_only_what_changed():
    old = "a = 1\r\nb = [[0] * 3] * 2\r\nc = 3\r\n"
    new = "a = 1\r\nb = [[0] * 3 for _ in range(2)]\r\nc = 3\r\n"
    edit = replacement_edit(old, new)
    assert (edit.line, edit.end_line) == (1, 1)
    assert old.split("\r\n")[1][: edit.character] + edit.text + old.split("\r\n")[1][edit.end_character:] == new.split("\r\n")[1]
    assert replacement_edit(old, old) is None


def test_documents_count_lines_as_lsp_does():
    document = Document("file:///x.py", "a = 1\x0c\nb = 2\rc = 3\r\nd\u2028e\n")
    assert document.lines == ("a = 1\x0c\n", "b = 2\r", "c = 3\r\n", "d\u2028e\n")


def _fake_fix(source, finding, **options):
    return source.replace("bucket=[]", "bucket=None", 1)


def _analysis(source: str) -> Analysis:
    report = check_source(source, "/p/shop.py")
    lines = split_lines(source)
    codec = PositionCodec()
    return Analysis(
        "file:///p/shop.py", 7, 0, source, lines, "/p/shop.py", rules=ALL_RULES, findings=report.findings,
        diagnostics=[PitfallsServer.diagnostic(f, lines, codec, "file:///p/shop.py", None, DiagnosticSupport()) for f in report.findings],
    )


class _FixableRule:
    fixer = "test_lsp_units:_fake_fix"
    fix_is_safe = False


def test_quick_fixes_come_from_the_rule_fixer_and_carry_the_version():
    analysis = _analysis(HIT)
    actions = code_actions(analysis, (0, 0), (0, 30), None, True, PositionCodec(), rules={"PIT101": _FixableRule})
    assert [a.title for a in actions] == ["Fix PIT101: mutable default argument (unsafe)", "Ignore PIT101 on this line"]
    fix = actions[0]
    assert not fix.is_preferred  # unsafe fixes are offered, never preferred
    [document_edit] = fix.edit.document_changes
    assert document_edit.text_document.version == 7
    [edit] = document_edit.edits
    assert edit.range == t.Range(t.Position(0, 21), t.Position(0, 23)) and edit.new_text == "None"
    # Nothing on a line without a hit; no rule fixer, no fix action.
    assert code_actions(analysis, (2, 0), (2, 5), None, True, PositionCodec(), rules={"PIT101": _FixableRule}) == []
    class NoFixer:
        fixer = None

    assert [a.title for a in code_actions(analysis, (0, 22), (0, 22), None, False, PositionCodec(),
                                          rules={"PIT101": NoFixer})] == ["Ignore PIT101 on this line"]
    # The real fixer: unsafe, so offered but not preferred.
    real = code_actions(analysis, (0, 22), (0, 22), None, False, PositionCodec())
    assert [a.title for a in real] == ["Fix PIT101: mutable default argument (unsafe)", "Ignore PIT101 on this line"]
    assert "if bucket is None:" in real[0].edit.changes["file:///p/shop.py"][0].new_text


def test_fix_all_only_when_asked_and_only_safe_fixes():
    analysis = _analysis(HIT)

    class Safe(_FixableRule):
        fix_is_safe = True

    [action] = code_actions(analysis, (0, 0), (0, 0), ["source.fixAll"], False, PositionCodec(), rules={"PIT101": Safe})
    assert action.kind == "source.fixAll.pitfalls"
    assert action.edit.changes["file:///p/shop.py"][0].new_text == "None"
    assert code_actions(analysis, (0, 0), (0, 0), ["source.fixAll"], False, PositionCodec(), rules={"PIT101": _FixableRule}) == []


def test_a_rule_that_raises_becomes_a_log_line_and_the_others_still_report(monkeypatch):
    from pygls.workspace import Workspace

    from pitfalls.catalog import BY_CODE
    from pitfalls_lsp.server import Settings

    def broken(self, node):
        raise RuntimeError("boom")

    monkeypatch.setattr(BY_CODE["PIT602"], "visit", broken)
    server = PitfallsServer()
    server.protocol._workspace = Workspace(None)
    analysis = server.analyse("file:///p/shop.py", 1, 0, HIT + "grid = [[0] * 3] * 3\ngrid[0][0] = 1\n", Settings())
    assert [f.code for f in analysis.findings] == ["PIT101"]
    assert analysis.problems == ["internal error in PIT602 on /p/shop.py: RuntimeError: boom"]


def test_the_editors_fix_writes_for_the_projects_oldest_python(tmp_path):
    """The quick fix reads target-version / requires-python as `pitfalls fix` does: a py39
    project gets Optional[...], which 3.9 can evaluate, not `X | None`."""
    from pitfalls.config import ConfigCache

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.9"\n\n'
                                             '[tool.pitfalls]\nignore = ["PIT8"]\n', encoding="utf-8")
    source = "def add(item, bucket: list = []):\n    bucket.append(item)\n    return bucket\n"
    path = str(tmp_path / "shop.py")
    analysis = Analysis("file:///p/shop.py", 7, 0, source, split_lines(source), path)
    analysis.config = ConfigCache().for_file(path)
    analysis.findings = check_source(source, path).findings
    analysis.diagnostics = [None] * len(analysis.findings)
    [fix, _] = code_actions(analysis, (0, 30), (0, 30), None, False, PositionCodec())
    new_text = fix.edit.changes["file:///p/shop.py"][0].new_text
    assert "Optional[list]" in new_text and "| None" not in new_text


def test_an_internal_error_is_answered_without_its_traceback():
    """pygls puts the traceback of a handler's exception in the error's `data`; an editor shows
    it to the user. It goes to the server's log instead."""
    import json
    import sys

    from pygls.exceptions import JsonRpcInternalError

    sent: list[bytes] = []

    class Writer:
        def write(self, data: bytes) -> None:
            sent.append(data)

    protocol = PitfallsServer().protocol
    protocol.set_writer(Writer(), include_headers=False)
    try:
        {}["missing"]
    except KeyError:
        protocol._send_response(7, error=JsonRpcInternalError.of(sys.exc_info()).to_response_error())
    assert json.loads(sent[0]) == {"jsonrpc": "2.0", "id": 7, "error": {"code": -32603, "message": "KeyError: 'missing'"}}


def test_initialize_is_answered_before_the_analysis_stack_is_imported():
    """The rules, configuration and fixing machinery are a fifth of the server's start-up: they
    are imported after `initialize` is answered (`bench/lsp_latency.py --startup`)."""
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "from pitfalls_lsp.server import create_server\n"
        "server = create_server()\n"
        "sent = []\n"
        "class Writer:\n"
        "    def write(self, data):\n"
        "        sent.append(data)\n"
        "server.protocol.set_writer(Writer(), include_headers=False)\n"
        "body = {'jsonrpc': '2.0', 'id': 1, 'method': 'initialize', 'params': {'capabilities': {},\n"
        "        'initializationOptions': {'explanationDepth': '60'}}}\n"
        "server.protocol.handle_message(json.loads(json.dumps(body), object_hook=server.protocol.structure_message))\n"
        "assert json.loads(sent[0])['result']['serverInfo']['name'] == 'pitfalls', sent\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pitfalls.', 'pitfalls_lsp.', 'libcst'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['pitfalls.depths', 'pitfalls.findings', 'pitfalls_lsp.protocol', 'pitfalls_lsp.server']"
