"""report.md and report.json for a dev-set run (one or more configurations) or a benchmark run."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation.benchmark import BenchmarkResult
from evaluation.confidence_sweep import confidence_markdown
from evaluation.followup import followup_markdown
from evaluation.metrics import OVERALL
from evaluation.suite import ConfigResult
from evaluation.threshold import best_threshold

COLUMNS = ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10", "shown", "abstained", "high", "low", "none")


def comparison_rows(results: Sequence[ConfigResult]) -> list[dict[str, Any]]:
    """One row per configuration: the numbers a maintainer compares first."""
    rows = []
    for r in results:
        g = r.summary.groups
        rows.append(
            {
                "label": r.label,
                "hit@1": g[OVERALL].scores["hit@1"],
                "hit@3": g[OVERALL].scores["hit@3"],
                "mrr@10": g[OVERALL].scores["mrr@10"],
                "ndcg@10": g[OVERALL].scores["ndcg@10"],
                "shown": g[OVERALL].scores["shown"],
                "direct hit@3": g["direct"].scores["hit@3"] if "direct" in g else float("nan"),
                "paraphrase hit@3": g["paraphrase"].scores["hit@3"] if "paraphrase" in g else float("nan"),
                "abstain P": r.summary.abstention.precision,
                "abstain R": r.summary.abstention.recall,
                "abstain F1": r.summary.abstention.f1,
                "followup hit@3": r.followup.get("followup hit@3", float("nan")),
                "leaked topic": r.followup.get("leaked topic", "–"),
                "chunks": r.chunks,
                "seconds": r.seconds,
            }
        )
    return rows


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """A Markdown table; floats with three decimals."""
    if not rows:
        return ""
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row[h]) for h in headers) + " |")
    return "\n".join(lines)


def dev_markdown(results: Sequence[ConfigResult], meta: dict[str, Any], shown_k: int) -> str:
    """The dev-set report: comparison, per-kind table and misses of the first configuration, threshold."""
    first = results[0]
    parts = [
        f"# Retrieval evaluation — {meta['qa_file']}",
        "",
        f"Corpus `{meta['corpus']}` (sha256 `{meta['corpus_hash'][:16]}…`), "
        f"{meta['questions']} questions, "
        f"shown@{shown_k} = evidence in an excerpt shown among the top {shown_k} answered hits.",
        "",
        "## Configurations",
        "",
        format_table(comparison_rows(results)),
        "",
        f"## Per kind — {first.label}",
        "",
        format_table(kind_rows(first)),
        "",
        f"## Confidence thresholds — {first.label}",
        "",
        confidence_markdown(first.confidence, first.settings, format_table),
        "",
        f"## Abstention threshold (min_score) — {first.label}",
        "",
        _sweep_text(first),
        "",
        *followup_markdown(first.followup, first.label, format_table),
        f"## Misses — {first.label}",
        "",
        "Answerable questions whose evidence is not in the top 3 (rank = where it was found within the "
        "top 10, – if not), and unanswerable questions that were answered.",
        "",
        format_table(
            [
                {
                    "id": m.qid,
                    "kind": m.kind,
                    "question": m.question,
                    "rank": m.rank if m.rank else "–",
                    "abstained": m.abstained,
                    "top hit": m.top_citation,
                }
                for m in first.summary.misses
            ]
        ),
    ]
    return "\n".join(parts) + "\n"


def _sweep_text(result: ConfigResult) -> str:
    """Whole-number thresholds up to twice the larger of configured and best, those two included.

    Every point is in report.json; higher thresholds only trade answers away (see threshold_sweep.png).
    """
    best = best_threshold(result.sweep)
    current = result.settings.min_score
    limit = 2 * max(best.threshold, current, 5.0)
    shown = [
        p
        for p in result.sweep
        if (p.threshold == int(p.threshold) and p.threshold <= limit)
        or p.threshold in (best.threshold, current)
    ]
    return (
        f"Abstain when the other conditions fail or the top-1 score < min_score (positive class: should "
        f"abstain). Configured: {current:g}; best on this dev set (F1 + answered-and-hit@3, ties to the "
        f"higher threshold): {best.threshold:g}.\n\n" + format_table([dataclasses.asdict(p) for p in shown])
    )


def kind_rows(result: ConfigResult) -> list[dict[str, Any]]:
    rows = []
    for kind, group in result.summary.groups.items():
        rows.append({"kind": kind, "n": group.n} | {c: group.scores.get(c, float("nan")) for c in COLUMNS})
    return rows


def dev_json(results: Sequence[ConfigResult], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": meta,
        "configurations": [
            {
                "label": r.label,
                "overrides": r.overrides,
                "settings": dataclasses.asdict(r.settings),
                "chunks": r.chunks,
                "seconds": r.seconds,
                "groups": {k: {"n": g.n, **g.scores} for k, g in r.summary.groups.items()},
                "abstention": dataclasses.asdict(r.summary.abstention),
                "followup": r.followup,
                "threshold_sweep": [dataclasses.asdict(p) for p in r.sweep],
                "confidence_sweep": [dataclasses.asdict(p) for p in r.confidence],
                "misses": [dataclasses.asdict(m) for m in r.summary.misses],
                "questions": [
                    {
                        "id": q.qid,
                        "kind": q.kind,
                        "ranking": list(q.ranking),
                        "relevant": sorted(q.relevant),
                        "first_relevant_rank": q.first_relevant_rank,
                        "shown": q.shown,
                        "abstained": q.abstained,
                        "confidence": q.confidence,
                        "coverage": q.coverage,
                        "known": q.known,
                        "cosine": q.cosine,
                        "top_score": q.top_score,
                    }
                    for q in r.judged
                ],
            }
            for r in results
        ],
    }


def benchmark_markdown(name: str, results: Sequence[BenchmarkResult], meta: dict[str, Any]) -> str:
    rows = [
        {"configuration": r.label, **r.scores, "seconds": r.seconds, "questions": r.questions}
        for r in results
    ]
    return (
        f"# Benchmark {name} — closed-pool passage retrieval\n\n"
        f"{meta['passages']} passages, {meta['questions']} questions, data `{meta['data']}`.\n\n"
        f"{format_table(rows)}\n"
    )


def benchmark_json(results: Sequence[BenchmarkResult], meta: dict[str, Any]) -> dict[str, Any]:
    return {"meta": meta, "results": [dataclasses.asdict(r) for r in results]}


def write_reports(out_dir: Path, markdown: str, payload: dict[str, Any]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text(markdown, encoding="utf-8")
    (out_dir / "report.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.3f}"  # nan: no answerable question in the group
    return str(value).replace("|", "\\|")
