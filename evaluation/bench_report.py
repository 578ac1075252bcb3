"""Bench output: a rich table on the console, JSON and a log-log latency plot in the output folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: the bench may run on a headless server
import matplotlib.pyplot as plt
from rich.console import Console
from rich.table import Table

from evaluation.startup import startup_line

JSON_NAME = "bench.json"
PLOT_NAME = "latency.png"


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def results_table(report: dict[str, Any]) -> Table:
    table = Table(title="qabot bench: retrieval (top-10) and end-to-end ask", show_lines=False)
    for header in (
        "chunks",
        "what",
        "build s",
        "index MB",
        "load s",
        "peak RSS MB",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "QPS",
        "queries",
    ):
        table.add_column(header, justify="left" if header == "what" else "right")
    for row in report["results"]:
        if row["kind"] == "tokenize":
            continue
        what = row["backend"] if row["kind"] == "retrieval" else f"ask ({row['backend']})"
        table.add_row(
            _fmt(row["size"]),
            what,
            _fmt(row.get("build_s")),
            _fmt(row.get("index_mb"), 1),
            _fmt(row.get("load_s"), 3),
            _fmt(row.get("peak_rss_mb"), 0),
            _fmt(row["p50_ms"], 3),
            _fmt(row["p95_ms"], 3),
            _fmt(row["p99_ms"], 3),
            _fmt(row["qps"], 0 if row["qps"] >= 100 else 2),
            _fmt(row["queries"]),
        )
    return table


def tokenization_line(report: dict[str, Any]) -> str:
    for row in report["results"]:
        if row["kind"] == "tokenize":
            return (
                f"tokenizer: {row['chars_per_s']:,.0f} chars/s in one process, "
                f"{row['parallel_chars_per_s']:,.0f} chars/s with {row['parallel_processes']} processes "
                f"({row['chunks']:,} chunks, mean {row['mean_chunk_chars']:.0f} chars)"
            )
    return ""


def write_json(report: dict[str, Any], out_dir: Path) -> Path:
    path = out_dir / JSON_NAME
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_plot(report: dict[str, Any], out_dir: Path) -> Path:
    """p50 and p95 latency against corpus size, one line per backend (and end-to-end ask), log-log."""
    series: dict[str, list[tuple[int, float, float]]] = {}
    for row in report["results"]:
        if row["kind"] == "tokenize":
            continue
        label = row["backend"] if row["kind"] == "retrieval" else f"ask ({row['backend']})"
        series.setdefault(label, []).append((row["size"], row["p50_ms"], row["p95_ms"]))
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for label, points in series.items():
        points.sort()
        sizes = [p[0] for p in points]
        line = ax.plot(sizes, [p[2] for p in points], marker="o", label=f"{label} p95")[0]
        ax.plot(
            sizes,
            [p[1] for p in points],
            marker=".",
            linestyle="--",
            color=line.get_color(),
            label=f"{label} p50",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("corpus size (chunks)")
    ax.set_ylabel("latency per query (ms)")
    ax.set_title("Query latency vs corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out_dir / PLOT_NAME
    fig.savefig(path)
    plt.close(fig)
    return path


def publish(report: dict[str, Any], out_dir: Path, console: Console) -> None:
    console.print(results_table(report))
    line = tokenization_line(report)
    if line:
        console.print(line)
    if "startup" in report:
        console.print(startup_line(report["startup"]))
    console.print(f"wrote {write_json(report, out_dir)} and {write_plot(report, out_dir)}")
