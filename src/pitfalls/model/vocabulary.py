"""The names the model and the analyses know by heart: what changes a container in place."""

from __future__ import annotations

# Methods that change a list, dict, set, deque or bytearray in place.
MUTATING_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "add", "discard", "update",
        "setdefault", "popitem", "sort", "reverse", "appendleft", "extendleft", "popleft",
        "rotate", "difference_update", "intersection_update", "symmetric_difference_update",
        "__setitem__", "__delitem__", "__iadd__",
    }
)
# Functions that mutate the container passed as their first argument.
MUTATING_FUNCTIONS = frozenset(
    {
        "heapq.heappush", "heapq.heappop", "heapq.heapify", "heapq.heappushpop", "heapq.heapreplace",
        "bisect.insort", "bisect.insort_left", "bisect.insort_right",
    }
)
# Mutations that only take out (as opposed to adding or replacing).
REMOVALS = frozenset(
    {"pop", "remove", "discard", "clear", "popitem", "popleft", "heappop", "__delitem__",
     "difference_update", "intersection_update", "delete"}
)
