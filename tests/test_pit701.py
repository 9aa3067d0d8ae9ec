"""PIT701: the tiers, the words of the answer, and the user's own class kept alive for real."""

from __future__ import annotations

import gc
import textwrap
import weakref

from pitfalls.answers import answer_for
from pitfalls.catalog import BY_CODE
from pitfalls.findings import Severity
from pitfalls.source import check_source

RULE = BY_CODE["PIT701"]


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT701"]


def test_an_unbounded_cache_is_a_warning_that_names_the_class_and_a_bounded_one_a_hazard():
    source = """\
        import functools

        class Model:
            @functools.lru_cache(maxsize=None)
            def predict(self, x):
                return x

            @functools.lru_cache(maxsize=64)
            def score(self, x):
                return x
        """
    unbounded, bounded = hits(source)
    assert unbounded.severity is Severity.WARNING
    assert unbounded.message == "'@functools.lru_cache(maxsize=None)' on 'Model.predict' keeps every 'Model' it is called on alive"
    text = " ".join(answer_for(unbounded).answer_30s.split())
    assert "every `Model` that ever calls `predict` stays in that cache" in text
    assert "self.predict = functools.lru_cache(maxsize=None)(self.predict)" in answer_for(unbounded).fix
    assert bounded.severity is Severity.HAZARD
    assert "up to 64 recent `Model` callers of `score`" in " ".join(answer_for(bounded).answer_30s.split())


def test_the_bad_example_keeps_its_instance_and_the_good_example_frees_it():
    assert [f.code for f in check_source(RULE.bad_example, "bad.py").findings] == ["PIT701"]
    for example, kept in ((RULE.bad_example, True), (RULE.good_example, False)):
        namespace: dict = {}
        exec(compile(example, "example.py", "exec"), namespace)  # noqa: S102  (the rule's own example)
        report = namespace["Report"]([{"n": 2}, {"n": 3}])
        assert report.total("n") == 5 and report.total("n") == 5
        alive = weakref.ref(report)
        del report
        gc.collect()
        assert (alive() is not None) is kept


def test_a_managed_cache_is_a_hazard_and_a_demo_instance_is_not_the_modules_one():
    managed = hits("""\
        from functools import cache

        class Index:
            @cache
            def find(self, key):
                return key

        def reset():
            Index.find.cache_clear()
        """)
    assert [f.severity for f in managed] == [Severity.HAZARD]
    once = "from functools import cache\n\nclass Index:\n    @cache\n    def find(self, key):\n        return key\n\n"
    assert hits(once + "index = Index()\n") == []
    assert len(hits(once + "if __name__ == '__main__':\n    index = Index()\n")) == 1


def test_a_property_is_told_to_use_cached_property():
    [finding] = hits("""\
        import functools

        class Shape:
            @property
            @functools.cache
            def area(self):
                return 1
        """)
    assert "@functools.cached_property" in answer_for(finding).fix


def test_the_peers_silencing_comments_are_honoured():
    source = """\
        import functools

        class A:
            @functools.cache  # noqa: B019
            def f(self, x):
                return x

            @functools.lru_cache(maxsize=None)  # pylint: disable=method-cache-max-size-none
            def g(self, x):
                return x
        """
    assert hits(source) == []
