"""Which chunks a set of spans touches, in O(log n) per chunk (bisect), not a scan of every span.

A long file can hold hundreds of thousands of redaction markers; scanning them all for each chunk made
chunking quadratic in the file size.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate


class SpanIndex:
    """(start, end) spans, any overlap allowed; an empty span (p, p) is a point (a cut or a dropped span)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ranges = sorted((s, e) for s, e in spans if s < e)
        self._starts = [s for s, _ in ranges]
        # the furthest end among the spans starting at or before each position: overlap needs only that
        self._reach = list(accumulate((e for _, e in ranges), max))
        self._points = sorted(s for s, e in spans if s >= e)

    def overlaps(self, start: int, end: int) -> bool:
        """Some non-empty span overlaps [start, end)."""
        before = bisect_left(self._starts, end)  # spans starting before `end`
        return before > 0 and self._reach[before - 1] > start

    def touches(self, start: int, end: int) -> bool:
        """`overlaps`, or some point lies inside [start, end] (at the end counts)."""
        if self.overlaps(start, end):
            return True
        first = bisect_left(self._points, start)
        return first < len(self._points) and self._points[first] <= end


def last_before(sorted_starts: list[int], position: int) -> int | None:
    """Index of the last value < position in a sorted list, or None."""
    i = bisect_left(sorted_starts, position)
    return i - 1 if i > 0 else None


def first_after(sorted_ends: list[int], position: int) -> int | None:
    """Index of the first value > position in a sorted list, or None."""
    i = bisect_right(sorted_ends, position)
    return i if i < len(sorted_ends) else None
