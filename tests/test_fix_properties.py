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


_MUTATIONS = {  # default -> a statement that changes it, given the argument `item`
    "[]": "{p}.append(item)", "{}": "{p}[item] = True", "set()": "{p}.add(item)",
    "[0] * 0": "{p}.extend([item])", "dict()": "{p}.update({{item: 1}})", "([],)": "{p}[0].append(item)",
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(_MUTATIONS)), st.sampled_from(["bucket", "acc", "out_"]), st.booleans(),
    st.sampled_from(["", ": list", ": dict", ": Optional[list]"]),
)
def test_a_fixed_default_is_fresh_on_every_call_as_the_answer_says(default, name, docstring, annotation):
    """PIT101 says every call that leaves the parameter out shares one object; after the fix each call
    gets its own, and a caller's own object is still used."""
    change = _MUTATIONS[default].format(p=name)
    doc = '    """Doc."""\n' if docstring else ""
    source = (
        "from typing import Optional\n\n\n"
        f"def add(item, {name}{annotation}={default}):\n{doc}    {change}\n    return {name}\n"
    )
    [finding] = [f for f in check_source(source, "p.py").findings if f.code == "PIT101"]
    assert finding.severity.value == "error" and finding.fixable
    fixed = fix_all(source, lambda text: check_source(text, "p.py").findings, unsafe=True)
    before, after = {}, {}
    exec(compile(source, "before.py", "exec"), before)
    exec(compile(fixed, "after.py", "exec"), after)
    assert before["add"](1) is before["add"](2)  # shared, as the answer says
    first, second = after["add"](1), after["add"](2)
    assert first is not second and first == after["add"](1)  # fresh on every call
    mine = eval(default)
    assert after["add"](3, mine) is mine  # a caller's own object is still the one changed
    assert not [f for f in check_source(fixed, "p.py").findings if f.code == "PIT101"]
