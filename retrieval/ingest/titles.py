"""What a speech's title already tells a reader, so a citation does not repeat it.

Apart from `attribution`, which finds speaker and occasion with the regex tables of `attribution_rules`:
every answer's citations ask this, and answering from a cached index should not compile those tables.
"""

from __future__ import annotations

from retrieval.normalize import fold_for_matching


def beyond_title(title: str, *values: str) -> tuple[str, ...]:
    """The values a reader would not already see in the title (副市长 in 《副市长在……上的讲话》 is not)."""
    folded = fold_for_matching(title)
    return tuple(v for v in values if v and fold_for_matching(v) not in folded)
