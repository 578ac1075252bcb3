"""Result order over shards: where chunk i lives, and ties settled as the in-memory index settles them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Xapian sums a document's term weights in its own order (per shard, by its own estimates), so scores
# equal in rank-bm25 may differ in the last bits. Documents within this relative distance are rescored
# exactly as the sparse backend scores them, which restores its tie order (lower chunk position first).
TIE_TOLERANCE = 1e-9
TIE_MARGIN = 8  # documents fetched beyond k, to see whether the k-th is tied with later ones


def tolerance(weight: float) -> float:
    return TIE_TOLERANCE * max(1.0, abs(weight))


def settle_ties(
    items: Sequence[tuple[int, float]], exact: Callable[[int], float], layout: ShardLayout
) -> list[tuple[int, float]]:
    """(chunk position, score) in the in-memory index's order, from Xapian's (docid, weight) ranking:
    runs of weights within `tolerance` of each other, not all bit-equal (a tie across shards, summed in
    different orders), are rescored exactly and ordered by (score desc, position asc)."""
    ranked: list[tuple[int, float]] = []
    group: list[tuple[int, float]] = []

    def flush() -> None:
        if len({weight for _, weight in group}) == 1:  # bit-equal: Xapian's docid order is position order
            ranked.extend((layout.position(docid), weight) for docid, weight in group)
        elif group:
            rescored = [(layout.position(docid), exact(docid)) for docid, _ in group]
            ranked.extend(sorted(rescored, key=lambda pair: (-pair[1], pair[0])))
        group.clear()

    for docid, weight in items:
        if group and group[-1][1] - weight > tolerance(group[-1][1]):
            flush()
        group.append((docid, weight))
    flush()
    return ranked


@dataclass(frozen=True)
class ShardLayout:
    """Where chunk `position` lives: shard position mod N, as that shard's (position div N)-th chunk,
    which holds `runs` consecutive Xapian documents (word run first). Xapian numbers a combined
    database's documents by interleaving its shards."""

    shards: int
    runs: int

    def docid(self, position: int, run: int = 0) -> int:
        local = (position // self.shards) * self.runs + run
        return local * self.shards + position % self.shards + 1

    def position(self, docid: int) -> int:
        shard, local = (docid - 1) % self.shards, (docid - 1) // self.shards
        return (local // self.runs) * self.shards + shard
