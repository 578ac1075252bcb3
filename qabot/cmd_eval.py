"""`qabot eval`: dev-set retrieval quality (or a public benchmark), reports and plots, configuration grids."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evaluation import plots, report
from evaluation.benchmark import (
    BENCHMARK_FILES,
    DEFAULT_DATA_DIR,
    BenchmarkResult,
    load_benchmark,
    project_builder,
    run_benchmark,
)
from evaluation.devset import load_devset
from evaluation.followup import load_followups
from evaluation.grid import parse_grid
from evaluation.runner import corpus_hash
from evaluation.stock import stock_ranker
from evaluation.suite import ConfigResult, evaluate_config
from qabot.options import add_xapian_option, xapian_db
from retrieval.errors import ConfigError
from retrieval.settings import RetrieverSettings, parse_overrides

EPILOG = """\
--compare takes NAME=V1,V2,… axes (their cartesian product) and/or presets, each a list of
one-factor-at-a-time changes from the base: ablations (tokenizer, fusion, user_dict, stopwords,
index_headings, BM25 variant), bm25 (k1 × b grid), chunks (chunk_min/chunk_max), abstention
(min_coverage × min_known_share), lexicon (expansion_weight), semantic (with the optional semantic
signal, with and without the lexicon; needs the extra).
Examples:
  qabot eval --compare k1=1.2,1.5 b=0.5,0.75
  qabot eval --compare ablations
  qabot eval --compare semantic          # the dev set with and without the semantic signal
  qabot eval --benchmark drcd --data ../shared/benchmarks --compare tokenizer=jieba,search
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "eval",
        help="measure retrieval quality on the dev set or a benchmark",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--corpus", type=Path, default=Path("corpus"), help="corpus folder (default: corpus)")
    p.add_argument("--qa", type=Path, help="dev-set JSONL (default: CORPUS/eval/dev.jsonl)")
    p.add_argument(
        "--followups",
        type=Path,
        help="conversation cases JSONL (default: CORPUS/eval/followup.jsonl when it exists)",
    )
    p.add_argument("--k", type=int, default=3, help="hits shown per answer, for shown@k (default 3)")
    p.add_argument("--json", action="store_true", help="print report.json to stdout instead of the table")
    p.add_argument("--out", type=Path, default=Path("eval-out"), help="report folder (default: eval-out)")
    p.add_argument(
        "--config",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=VALUE",
        help="retriever setting overrides for every configuration",
    )
    p.add_argument(
        "--compare",
        nargs="+",
        action="extend",
        default=[],
        metavar="GRID",
        help="extra configurations to measure beside the base one (see below)",
    )
    p.add_argument("--benchmark", choices=sorted(BENCHMARK_FILES), help="run a public benchmark instead")
    p.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"benchmark data folder (default: {DEFAULT_DATA_DIR})",
    )
    p.add_argument("--limit", type=int, help="benchmark: only the first N questions")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--backend", metavar="NAME", help="BM25 backend: sparse (default), rank-bm25, xapian")
    add_xapian_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    overrides = parse_overrides(args.config)
    if args.backend:
        overrides["backend"] = args.backend
    base = RetrieverSettings().with_overrides(overrides)
    configurations = [("base", {}), *parse_grid(args.compare)]
    if args.benchmark:
        if xapian_db(args) is not None:
            raise ConfigError("--xapian-db evaluates the dev set; a benchmark ranks its own passages")
        return _run_benchmark(args, base, configurations)
    return _run_devset(args, base, configurations)


def _run_devset(
    args: argparse.Namespace, base: RetrieverSettings, configurations: list[tuple[str, dict[str, str]]]
) -> int:
    qa_file = args.qa or args.corpus / "eval" / "dev.jsonl"
    questions = load_devset(qa_file)
    followup_file = args.followups or args.corpus / "eval" / "followup.jsonl"
    followups = load_followups(followup_file) if args.followups or followup_file.is_file() else ()
    results = [
        evaluate_config(
            args.corpus,
            questions,
            base,
            label,
            overrides,
            shown_k=args.k,
            progress=not args.no_progress,
            xapian_db=xapian_db(args),
            followups=followups,
        )
        for label, overrides in configurations
    ]
    meta = {
        "corpus": str(args.corpus),
        "corpus_hash": corpus_hash(args.corpus),
        "qa_file": str(qa_file),
        "questions": len(questions),
        "followup_file": str(followup_file) if followups else "",
        "followup_cases": len(followups),
        "shown_k": args.k,
        "base_overrides": parse_overrides(args.config),
    }
    payload = report.dev_json(results, meta)
    report.write_reports(args.out, report.dev_markdown(results, meta, args.k), payload)
    _dev_plots(results, args.out)
    _emit(args, payload, report.comparison_rows(results))
    return 0


def _dev_plots(results: list[ConfigResult], out: Path) -> None:
    plots.plot_configurations(results, out / "configurations.png")
    plots.plot_score_distribution(results[0], out / "score_distribution.png")
    plots.plot_threshold_sweep(results[0], out / "threshold_sweep.png")


def _run_benchmark(
    args: argparse.Namespace, base: RetrieverSettings, configurations: list[tuple[str, dict[str, str]]]
) -> int:
    data = load_benchmark(args.benchmark, args.data, args.limit)
    progress = not args.no_progress
    results: list[BenchmarkResult] = [
        run_benchmark(data, "stock", stock_ranker, progress=progress),
        run_benchmark(data, "stock+t2s", lambda p: stock_ranker(p, t2s=True), progress=progress),
    ]
    for label, overrides in configurations:
        settings = base.with_overrides(overrides)
        name = "project" if label == "base" else f"project {label}"
        results.append(run_benchmark(data, name, project_builder(settings), progress=progress))
    meta: dict[str, Any] = {
        "benchmark": args.benchmark,
        "data": str(args.data),
        "passages": len(data.passages),
        "questions": len(data.questions),
        "base_overrides": parse_overrides(args.config),
    }
    payload = report.benchmark_json(results, meta)
    report.write_reports(args.out, report.benchmark_markdown(args.benchmark, results, meta), payload)
    plots.plot_benchmark(args.benchmark, results, args.out / f"{args.benchmark}.png")
    _emit(args, payload, [{"configuration": r.label, **r.scores, "seconds": r.seconds} for r in results])
    return 0


def _emit(args: argparse.Namespace, payload: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    headers = list(rows[0])
    widths = [max(len(h), *(len(_fmt(r[h])) for r in rows)) for h in headers]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in rows:
        print("  ".join(_fmt(row[h]).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(f"reports written to {args.out}/", file=sys.stderr)


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
