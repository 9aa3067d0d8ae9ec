"""Generated programs (hypothesmith): the engine never raises, and the front ends agree.

A CI-sized run; `scripts/fuzz.py` runs the same checks for as long as you like.
"""

from __future__ import annotations

import pytest

hypothesmith = pytest.importorskip("hypothesmith", reason="hypothesmith is in the test extra")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from pitfalls.fuzzing import agree  # noqa: E402

# hypothesmith compiles what it generates; the compiler's warnings about it are not ours.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")


def _server():
    """The language server's analysis, in process (its transport is tested in test_lsp*.py)."""
    from pygls.workspace import Workspace

    from pitfalls_lsp.server import PitfallsServer

    server = PitfallsServer()
    server.protocol._workspace = Workspace(None)
    return server


SERVER = _server()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_generated_programs_from_the_grammar(source):
    agree(source, SERVER)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_node())
def test_generated_programs_from_syntax_trees(source):
    agree(source, SERVER)


def test_agree_notices_a_disagreement(monkeypatch):
    """The property can fail: a flake8 plugin that lost a finding is caught."""
    import pitfalls.flake8_plugin

    monkeypatch.setattr(pitfalls.flake8_plugin.Plugin, "run", lambda self: iter(()))
    with pytest.raises(AssertionError):
        agree("def f(x=[]):\n    x.append(1)\n")
