"""One dev-set evaluation of one or more retriever configurations."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.confidence_sweep import ConfidencePoint, confidence_sweep
from evaluation.devset import DevQuestion
from evaluation.followup import FollowUpCase, chained_followups, run_followups, summarize_followups
from evaluation.metrics import JudgedQuestion, Summary, summarize
from evaluation.runner import judge_devset
from evaluation.threshold import ThresholdPoint, candidate_thresholds, sweep, without_score_threshold
from qabot.options import EmbeddingProgress
from retrieval.index import default_cache_dir
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings


@dataclass(frozen=True)
class ConfigResult:
    label: str
    overrides: dict[str, str]
    settings: RetrieverSettings
    summary: Summary
    judged: tuple[JudgedQuestion, ...]
    chunks: int
    seconds: float
    sweep: tuple[ThresholdPoint, ...]  # abstention quality for each candidate min_score
    followup: dict[str, Any] = field(default_factory=dict)  # conversation cases (evaluation/followup.py)
    confidence: tuple[ConfidencePoint, ...] = ()  # outcomes for each candidate confidence threshold


def evaluate_config(
    corpus: Path,
    questions: Sequence[DevQuestion],
    base: RetrieverSettings,
    label: str,
    overrides: dict[str, str],
    *,
    shown_k: int = 3,
    progress: bool = True,
    xapian_db: Path | None = None,
    followups: Sequence[FollowUpCase] = (),
) -> ConfigResult:
    """Build a retriever with the overrides applied to `base`, and judge the dev set with it."""
    start = time.perf_counter()
    settings = base.with_overrides(overrides)
    if xapian_db is not None:  # shards built from `corpus`: only query-time settings may vary
        retriever = Retriever.from_xapian(xapian_db, settings)
    else:
        # index built fresh; passage vectors (semantic signal only) reused from the user cache by text hash
        with EmbeddingProgress(f"{label}: embedding passages") as embedding:
            retriever = Retriever.from_corpus(
                corpus,
                settings,
                use_cache=False,
                cache_dir=default_cache_dir(),
                progress=embedding if progress else None,
            )
    judged = judge_devset(retriever, questions, shown_k=shown_k, progress=progress, label=label)
    unthresholded = judge_devset(
        without_score_threshold(retriever), questions, shown_k=shown_k, progress=False, label=label
    )
    points = sweep(unthresholded, candidate_thresholds(unthresholded))
    conversation: dict[str, Any] = {}
    if followups:
        conversation = summarize_followups(run_followups(retriever, followups, shown_k))
        conversation["dev questions read as follow-ups"] = chained_followups(retriever, questions)
    return ConfigResult(
        label,
        dict(overrides),
        settings,
        summarize(judged),
        judged,
        len(retriever.chunks),
        time.perf_counter() - start,
        tuple(points),
        conversation,
        confidence=tuple(confidence_sweep(judged, settings)),
    )
