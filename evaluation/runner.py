"""Run the dev set through a `Retriever` and judge every answer against the evidence strings."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from evaluation.devset import DevQuestion
from evaluation.metrics import JudgedQuestion
from evaluation.relevance import fold_for_relevance, is_relevant
from retrieval.ingest import corpus_files
from retrieval.retriever import Retriever

RANK_DEPTH = 10  # deep enough for MRR@10 and nDCG@10, and to say where a missed answer sits


def relevant_chunk_ids(retriever: Retriever, questions: Sequence[DevQuestion]) -> dict[str, frozenset[str]]:
    """For each question, every chunk whose text contains one of its evidence strings."""
    folded_chunks = [(c.chunk_id, fold_for_relevance(c.text)) for c in retriever.chunks]
    result = {}
    for q in questions:
        evidence = [fold_for_relevance(e) for e in q.evidence]
        result[q.qid] = frozenset(cid for cid, text in folded_chunks if any(e in text for e in evidence))
    return result


def judge_devset(
    retriever: Retriever,
    questions: Sequence[DevQuestion],
    *,
    shown_k: int = 3,
    progress: bool = True,
    label: str = "dev",
) -> tuple[JudgedQuestion, ...]:
    """Rank and answer every question; judge rankings and shown excerpts by evidence strings."""
    relevant = relevant_chunk_ids(retriever, questions)
    judged = []
    for q in tqdm(questions, desc=label, unit="q", file=sys.stderr, disable=not progress, leave=False):
        ranked = retriever.rank(q.question, k=RANK_DEPTH)
        answer = retriever.ask(q.question, k=shown_k)
        shown = answer.answered and any(is_relevant(h.excerpt, q.evidence) for h in answer.hits[:shown_k])
        signals = retriever.signals(q.question)
        judged.append(
            JudgedQuestion(
                qid=q.qid,
                kind=q.kind,
                question=q.question,
                ranking=tuple(chunk.chunk_id for chunk, _ in ranked),
                relevant=relevant[q.qid],
                shown=shown,
                abstained=not answer.answered,
                top_score=ranked[0][1] if ranked else 0.0,
                top_citation=answer.hits[0].citation if answer.hits else "",
                confidence=answer.confidence,
                coverage=signals.coverage if signals else 0.0,
                known=signals.known if signals else 0.0,
                cosine=signals.cosine if signals else None,
                missing_figure=signals.missing_figure if signals else False,
            )
        )
    return tuple(judged)


def corpus_hash(corpus_dir: Path) -> str:
    """sha256 over the corpus files' relative paths and bytes (the files the retriever reads)."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(os.fsencode(path.relative_to(corpus_dir)) + b"\0")  # names need not be UTF-8
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
