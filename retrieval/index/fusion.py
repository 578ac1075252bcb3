"""Reciprocal rank fusion of the word BM25 run with a character-bigram BM25 run.

Words the speeches never use ("黑烟", "脏水") sink a jieba-token query; their characters still overlap the
text the question means ("排烟", "污水"), which a character-bigram index sees. Fusing the two rankings by
reciprocal rank (Cormack et al., 2009: score = Σ 1 / (rrf_k + rank)) keeps exact-word questions on top and
lets the bigram run pull in paraphrases. Returned scores stay the word-run BM25 scores (0 for chunks only the
bigram run found) so the abstention rule in `answer.py` keeps its meaning.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.errors import ConfigError
from retrieval.index.bm25 import CompanionIndex, Index
from retrieval.index.expansion import Query
from retrieval.index.tokenize import Tokenizer

FUSION_MODES = ("none", "bigram", "auto")


def reciprocal_rank_fusion(runs: Sequence[Sequence[int]], rrf_k: int) -> list[tuple[int, float]]:
    """(item, Σ over runs of 1 / (rrf_k + rank)), best first; equal sums keep ascending item order."""
    fused: dict[int, float] = {}
    for run in runs:
        for rank, item in enumerate(run, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (rrf_k + rank)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


class BigramFusion:
    """A character-bigram index over the same chunks, fused with the word index at query time."""

    def __init__(self, index: Index) -> None:
        self.index = index
        side_settings = index.settings.bigram_companion()
        # Indexes built from a corpus carry their companion; pre-tokenized ones (benchmarks) get one here.
        self.side = index.bigram or CompanionIndex.over(index.documents, index.chunks, side_settings)
        self.side_tokenizer = Tokenizer(side_settings)

    def top_k(self, folded_question: str, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """Up to k (chunk position, word BM25 score), in fused order."""
        return self.rank(Query(folded_question, tuple(terms)), k)

    def rank(self, query: Query, k: int) -> list[tuple[int, float]]:
        """`top_k` for a possibly expanded query: both runs get the expansion terms at their weight."""
        settings = self.index.settings
        depth = max(k, settings.fusion_depth)
        word = self.index.top_k(query.all_terms, depth, query.weights)
        own = self.side_tokenizer.tokenize(query.folded)
        extra = [
            t
            for o in (o for e in query.expansions for o in e.official)
            for t in self.side_tokenizer.tokenize(o)
        ]
        extra = [t for i, t in enumerate(extra) if t not in own and t not in extra[:i]]
        weights = [1.0] * len(own) + [query.expansion_weight] * len(extra) if extra else None
        bigram = self.side.top_k(own + extra, depth, weights)
        fused = reciprocal_rank_fusion([[i for i, _ in word], [i for i, _ in bigram]], settings.rrf_k)
        word_scores = dict(word)
        return [(i, word_scores.get(i, 0.0)) for i, _ in fused[:k]]


def make_fusion(index: Index) -> BigramFusion | None:
    """The fusion `index.settings.fusion` asks for, or None for the plain word run."""
    mode = index.settings.fusion
    if mode not in FUSION_MODES:
        raise ConfigError(f"unknown fusion {mode!r}; choose one of: {', '.join(FUSION_MODES)}")
    return BigramFusion(index) if index.settings.fuses_bigrams(len(index.chunks)) else None
