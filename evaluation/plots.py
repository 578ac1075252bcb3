"""PNG plots for the reports (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # the backend must be chosen before pyplot is imported

from evaluation.benchmark import BenchmarkResult
from evaluation.metrics import OVERALL
from evaluation.suite import ConfigResult

BAR_METRICS = ("hit@1", "hit@3", "mrr@10", "ndcg@10", "shown")


def plot_configurations(results: Sequence[ConfigResult], path: Path) -> None:
    """Grouped bars: overall metrics, paraphrase hit@3 and abstention F1 for each configuration."""
    labels = [r.label for r in results]
    series = {m: [r.summary.groups[OVERALL].scores[m] for r in results] for m in BAR_METRICS}
    paraphrase = [r.summary.groups.get("paraphrase", r.summary.groups[OVERALL]) for r in results]
    series["paraphrase hit@3"] = [g.scores["hit@3"] for g in paraphrase]
    series["abstain F1"] = [r.summary.abstention.f1 for r in results]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(labels) + 3), 4.5))
    width = 0.8 / len(series)
    for n, (name, values) in enumerate(series.items()):
        ax.bar([i + n * width for i in range(len(labels))], values, width, label=name)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(labels))], labels, rotation=30, ha="right")
    ax.set_ylim(0, 1.2)  # headroom for the legend above the bars
    ax.set_title("Dev set metrics per configuration")
    ax.legend(fontsize=7, ncol=len(series), loc="upper center")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_score_distribution(result: ConfigResult, path: Path) -> None:
    """Top-1 BM25 scores of answerable vs unanswerable questions, with the min_score threshold marked."""
    answerable = [q.top_score for q in result.judged if q.answerable]
    unanswerable = [q.top_score for q in result.judged if not q.answerable]
    top = max(answerable + unanswerable + [1.0])
    bins = [top * i / 30 for i in range(31)]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(answerable, bins=bins, alpha=0.6, label=f"answerable ({len(answerable)})")
    ax.hist(unanswerable, bins=bins, alpha=0.6, label=f"unanswerable ({len(unanswerable)})")
    ax.axvline(
        result.settings.min_score,
        color="black",
        linestyle="--",
        label=f"min_score = {result.settings.min_score:g}",
    )
    ax.set_xlabel("top-1 BM25 score")
    ax.set_ylabel("questions")
    ax.set_title(f"Top-1 score distribution — {result.label}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_threshold_sweep(result: ConfigResult, path: Path) -> None:
    """Abstention precision/recall and answered-correctly share as min_score varies."""
    xs = [p.threshold for p in result.sweep]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(xs, [p.precision for p in result.sweep], label="abstain precision")
    ax.plot(xs, [p.recall for p in result.sweep], label="abstain recall")
    ax.plot(xs, [p.answerable_hit3 for p in result.sweep], label="answerable: answered, hit@3")
    ax.axvline(result.settings.min_score, color="black", linestyle="--", label="min_score")
    ax.set_xlabel("min_score")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Abstention threshold trade-off — {result.label}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_benchmark(name: str, results: Sequence[BenchmarkResult], path: Path) -> None:
    labels = [r.label for r in results]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(labels) + 3), 4))
    for n, metric in enumerate(("R@1", "R@5", "MRR@10")):
        ax.bar(
            [i + n * 0.27 for i in range(len(labels))],
            [r.scores[metric] for r in results],
            0.27,
            label=metric,
        )
    low = min(r.scores["R@1"] for r in results)
    ax.set_ylim(max(0.0, low - 0.1), 1.0)
    ax.set_xticks([i + 0.27 for i in range(len(labels))], labels, rotation=30, ha="right")
    ax.set_title(f"{name}: closed-pool passage retrieval")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
