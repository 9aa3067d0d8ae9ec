"""PIT802: the answer names the update, the function and the lock to add; the lost update is real."""

from __future__ import annotations

import textwrap
import threading

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT802"]


CRAWLER = """
import threading
from concurrent.futures import ThreadPoolExecutor


class Crawler:
    def __init__(self):
        self.pages = 0
        self.pool = ThreadPoolExecutor(8)

    def fetch(self, url):
        self.pages += 1

    def run(self, urls):
        for url in urls:
            self.pool.submit(self.fetch, url)
"""


def test_an_instance_counter_updated_from_a_pool_is_told_what_to_lock():
    [finding] = hits(CRAWLER)
    answer = answer_for(finding)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("'self.pages += 1' in 'fetch', run on several threads at once, reads and writes the "
                               "instance's 'pages' with no lock held: two threads can read the same value and one "
                               "update is lost")
    text = " ".join(answer.answer_30s.split())
    assert "`fetch` runs on several threads at once (`self.pool.submit(self.fetch, url)`)" in text
    assert "with self._lock: self.pages += 1" in " ".join(answer.fix.split())


def test_one_thread_alone_is_a_hazard_and_a_second_writer_makes_it_a_warning():
    single = """
    import threading
    beats = 0

    def heartbeat():
        global beats
        beats += 1

    threading.Thread(target=heartbeat).start()
    """
    [finding] = hits(single)
    assert finding.severity is Severity.HAZARD and "a second writer would lose updates" in finding.message
    assert "starts `heartbeat` on one thread here" in " ".join(answer_for(finding).answer_30s.split())
    two = textwrap.dedent(single) + "\ndef reset():\n    global beats\n    beats = beats + 1\n\nthreading.Thread(target=reset).start()\n"
    found = hits(two)
    assert [f.severity for f in found] == [Severity.WARNING, Severity.WARNING]
    assert "while 'reset' writes it on another" in found[0].message


def test_the_flagged_code_loses_an_update_when_both_threads_read_first():
    """The rule's own example, run: hold both threads between the read and the store."""
    from pitfalls.rules.pit802_unsynchronized_shared_update import UnsynchronizedSharedUpdate

    namespace: dict = {}
    exec(compile(UnsynchronizedSharedUpdate.bad_example, "bad.py", "exec"), namespace)  # noqa: S102
    both_read = threading.Barrier(2)

    class Slow(int):
        def __add__(self, other):
            both_read.wait()
            return Slow(int(self) + other)

    namespace["hits"] = Slow(0)
    threads = namespace["threads"][:2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert namespace["hits"] == 1  # two calls of record(), one increment


def test_two_classes_with_an_attribute_of_the_same_name_are_not_two_writers_of_one_state():
    """`self.done` of an Uploads and of a Downloads are two objects' attributes: each thread target
    is the one writer of its own, not a second writer of the other's."""
    worker = """
    class {name}:
        def __init__(self):
            self.done = 0

        def start(self):
            threading.Thread(target=self.run).start()

        def run(self):
            self.done += 1
    """
    source = "import threading\n" + "".join(textwrap.dedent(worker.format(name=n)) for n in ("Uploads", "Downloads"))
    found = hits(source)
    assert [f.severity for f in found] == [Severity.HAZARD, Severity.HAZARD]
    assert all("writes it on another" not in f.message for f in found)
    # Two methods of one class started on the same instance are two writers of the one attribute.
    same = source.replace("target=self.run).start()\n", "target=self.run).start()\n"
                          "        threading.Thread(target=self.tick).start()\n\n    def tick(self):\n"
                          "        self.done += 1\n", 1)
    assert [f.severity for f in hits(same)] == [Severity.WARNING, Severity.WARNING, Severity.HAZARD]


def test_two_classes_are_one_state_when_one_class_derives_from_both():
    source = """
    import threading

    class Base:
        def start(self):
            threading.Thread(target=self.run).start()

        def run(self):
            self.done += 1

    class Mixin:
        def begin(self):
            threading.Thread(target=self.tick).start()

        def tick(self):
            self.done += 1
    """
    assert [f.severity for f in hits(source)] == [Severity.HAZARD, Severity.HAZARD]
    found = hits(textwrap.dedent(source) + "\nclass Both(Mixin, Base):\n    pass\n")
    assert [f.severity for f in found] == [Severity.WARNING, Severity.WARNING]
    assert "while 'tick' writes it on another" in found[0].message
