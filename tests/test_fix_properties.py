"""Property: fixing generated programs never produces code that fails to parse, loses a comment,
or leaves a hit the rule called fixable."""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pitfalls.fixing import fix_all
from pitfalls.source import check_source

names = st.sampled_from(["_", "x", "key", "items", "rows", "range_", "k", "n", "copy_", "seen"])
fresh = st.sampled_from(["[]", "{}", "set()", "[0] * 3", "[i for i in range(2)]", "dict()", "{'a': [1]}", "[\n    1,\n]"])
annotations = st.sampled_from(["", ": list", ": list[int]", ": Optional[list]", ": dict[str, Any]", ": 'list'"])
comments = st.sampled_from(["", "  # why", "  # noqa: E501"])


@st.composite
def programs(draw) -> str:
    parts = ["from __future__ import annotations\n" if draw(st.booleans()) else "", "import copy\n"]
    for index in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["default", "grid", "fromkeys", "copy", "oneliner", "lambda"]))
        name, value, note = draw(names), draw(fresh), draw(comments)
        if kind == "default":
            doc = '    """Doc."""\n' if draw(st.booleans()) else ""
            parts.append(
                f"def f{index}(a, {name}{draw(annotations)}={value}, *, b={draw(fresh)}):{note}\n{doc}"
                f"    {name}.append(1) if hasattr({name}, 'append') else None\n    return {name}, b\n"
            )
        elif kind == "grid":
            parts.append(f"def g{index}({name}):\n    grid = [{value}] * {name}{note}\n    grid[0].append(1)\n    return grid\n")
        elif kind == "fromkeys":
            parts.append(f"def h{index}({name}):\n    d = dict.fromkeys({name}, {value}){note}\n    return d\n")
        elif kind == "copy":
            parts.append(f"def c{index}({name}: list):\n    new = {name}[:]{note}\n    new[0].append(1)\n    return new\n")
        elif kind == "oneliner":
            parts.append(f"def o{index}({name}={value}): return {name}{note}\n")
        else:
            parts.append(f"l{index} = lambda {name}={value}: {name}{note}\n")
    return "\n\n".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_fixing_generated_programs(source):
    assert check_source(source, "p.py").error is None
    fixed = fix_all(source, lambda text: check_source(text, "p.py").findings, unsafe=True)
    ast.parse(fixed)
    assert fixed.count("#") == source.count("#")
    left = [f for f in check_source(fixed, "p.py").findings if f.fixable]
    assert left == [], (fixed, left)
    assert fix_all(fixed, lambda text: check_source(text, "p.py").findings, unsafe=True) == fixed
