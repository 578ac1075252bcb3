"""Query expansion from the colloquial → official lexicon (`data/colloquial.tsv`), on the query side only.

A citizen asks about 冒黑烟的车 or 罚钱; the speeches say 机动车尾气, 超标排放, 罚款. Each colloquial phrase
found in the folded question adds the tokens of its official equivalents as extra BM25 terms at
`expansion_weight` (below 1: an expansion can pull a passage in but never outweighs the question's own
words). The index is never expanded, so what a passage is indexed under stays exactly its text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

LEXICON_FILE = "colloquial.tsv"


@dataclass(frozen=True)
class Expansion:
    """One lexicon entry that fired: the colloquial phrase in the question and its official equivalents."""

    colloquial: str
    official: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """What is ranked: the question's own terms (weight 1) and expansion terms (weight `expansion_weight`)."""

    folded: str  # the folded question text
    terms: tuple[str, ...]  # the question's own BM25 terms, as today
    expansions: tuple[Expansion, ...] = ()
    expansion_terms: tuple[str, ...] = ()  # tokens of the official equivalents not among `terms`
    expansion_weight: float = 1.0

    @property
    def all_terms(self) -> tuple[str, ...]:
        return self.terms + self.expansion_terms

    @property
    def weights(self) -> tuple[float, ...] | None:
        """Per-term weights for `all_terms`, or None when nothing was expanded (plain BM25, bit for bit)."""
        if not self.expansion_terms:
            return None
        return (1.0,) * len(self.terms) + (self.expansion_weight,) * len(self.expansion_terms)

    def equivalents(self, term: str) -> tuple[str, ...]:
        """Official equivalents standing in for a question term that is part of a colloquial phrase."""
        found: list[str] = []
        for e in self.expansions:
            if term in e.colloquial or e.colloquial in term:
                found.extend(o for o in e.official if o not in found)
        return tuple(found)


@lru_cache(maxsize=1)
def lexicon() -> tuple[Expansion, ...]:
    """The lexicon entries, longest colloquial phrase first (comment lines and blank lines skipped)."""
    text = resources.files("retrieval").joinpath("data", LEXICON_FILE).read_text(encoding="utf-8")
    return parse_lexicon(text.splitlines())


def parse_lexicon(lines: Sequence[str]) -> tuple[Expansion, ...]:
    """Entries from `colloquial<TAB>official1|official2` lines; malformed lines are a packaging bug."""
    entries = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        colloquial, sep, official = line.partition("\t")
        equivalents = tuple(o.strip() for o in official.split("|") if o.strip())
        if not sep or not colloquial.strip() or not equivalents:
            raise ValueError(f"{LEXICON_FILE}:{number}: expected colloquial<TAB>official|official")
        entries.append(Expansion(colloquial.strip(), equivalents))
    return tuple(sorted(entries, key=lambda e: -len(e.colloquial)))


def find_expansions(folded: str, entries: Sequence[Expansion]) -> tuple[Expansion, ...]:
    """Entries whose colloquial phrase occurs in the folded question and is not part of a longer match."""
    fired: list[Expansion] = []
    for entry in entries:  # longest first
        if entry.colloquial in folded and not any(entry.colloquial in f.colloquial for f in fired):
            fired.append(entry)
    return tuple(fired)


def build_query(
    folded: str,
    terms: Sequence[str],
    tokenize: Callable[[str], list[str]],
    weight: float,
    entries: Sequence[Expansion] = (),
) -> Query:
    """The question's terms plus the (deduplicated) tokens of every fired entry's official equivalents."""
    expansions = find_expansions(folded, entries) if weight > 0 else ()
    own = set(terms)
    extra: list[str] = []
    for official in (o for e in expansions for o in e.official):
        extra.extend(t for t in tokenize(official) if t not in own and t not in extra)
    return Query(folded, tuple(terms), expansions, tuple(extra), weight)
