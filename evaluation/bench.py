"""`qabot bench`: reference rank-bm25 vs the fast backend on synthetic corpora, each run in a subprocess."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evaluation.bench_worker import BenchJob
from evaluation.startup import measure_startup
from evaluation.synthetic import corpus_sentences, make_queries
from retrieval.errors import QabotError

REFERENCE = "rank-bm25"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000,)
E2E_MAX_SIZE = 100_000  # end-to-end `ask` is measured up to this size (the target is stated at 100k)
# rank-bm25 costs ~3.4 ms per 1,000 chunks per query: cap its query count (20 at 1M: about a minute).
REFERENCE_QUERY_BUDGET = 20_000_000


@dataclass(frozen=True)
class BenchOptions:
    sizes: tuple[int, ...]
    backend: str
    corpus_dir: Path
    out_dir: Path
    queries: int = 500
    seed: int = 0


def query_set(corpus_dir: Path, count: int) -> list[str]:
    """The eval dev questions when `corpus/eval/dev.jsonl` exists, else fragments of corpus sentences."""
    dev = corpus_dir / "eval" / "dev.jsonl"
    questions: list[str] = []
    if dev.exists():
        for line in dev.read_text(encoding="utf-8").splitlines():
            if line.strip():
                question = json.loads(line).get("question", "")
                if question:
                    questions.append(str(question))
    if len(questions) < count:
        questions += make_queries(corpus_sentences(corpus_dir), count - len(questions), seed=1)
    return questions[:count]


def reference_query_count(size: int, available: int) -> int:
    return max(1, min(available, REFERENCE_QUERY_BUDGET // size))


def plan_jobs(options: BenchOptions, queries: Sequence[str], scratch: Path) -> list[BenchJob]:
    """Tokenizer throughput, then per size: reference and fast retrieval, then end-to-end `ask`."""

    def job(kind: str, size: int, backend: str, query_count: int) -> BenchJob:
        return BenchJob(
            kind=kind,
            size=size,
            backend=backend,
            queries=tuple(queries[:query_count]),
            corpus_dir=str(options.corpus_dir),
            scratch_dir=str(scratch),
            seed=options.seed,
        )

    jobs = [job("tokenize", min(options.sizes), options.backend, 0)]
    for size in options.sizes:
        jobs.append(job("retrieval", size, REFERENCE, reference_query_count(size, len(queries))))
        if options.backend != REFERENCE:
            jobs.append(job("retrieval", size, options.backend, len(queries)))
        if size <= E2E_MAX_SIZE:
            jobs.append(job("e2e", size, options.backend, len(queries)))
    return jobs


def run_job(job: BenchJob) -> dict[str, Any]:
    """One measurement in a fresh interpreter; its progress bars go to our stderr."""
    payload = json.dumps(asdict(job), ensure_ascii=False)
    done = subprocess.run(
        [sys.executable, "-m", "evaluation.bench_worker", payload],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        what = f"{job.kind} {job.backend} at {job.size:,} chunks"
        raise QabotError(f"bench {what} failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def machine_description() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_gib, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_bench(options: BenchOptions) -> dict[str, Any]:
    """Run every planned job in turn (never two at once: they would disturb each other's timings)."""
    queries = query_set(options.corpus_dir, options.queries)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-", dir=options.out_dir) as scratch:
        jobs = plan_jobs(options, queries, Path(scratch))
        results = [run_job(job) for job in tqdm(jobs, desc="bench", unit="run", file=sys.stderr)]
        startup = measure_startup(options.corpus_dir, Path(scratch))
    return {
        "startup": startup,
        "machine": machine_description(),
        "backend": options.backend,
        "sizes": list(options.sizes),
        "query_count": len(queries),
        "results": results,
    }
