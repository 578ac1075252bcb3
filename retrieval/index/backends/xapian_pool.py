"""Shard jobs over worker processes (spawn), reporting progress through a queue; in-process for one job.

Each shard is written by exactly one process into its own folder, so processes share nothing but the
progress queue. spawn, not fork: forking a process that may hold threads (the bot, jieba's lock) is
unsafe, and a spawned worker imports only what a shard job needs.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from retrieval.index.backends.xapian_shard import Progress, ShardCounts, ShardJob, finish_shard, write_shard

T = TypeVar("T")
POLL_SECONDS = 0.2
LATE_REPORT_POLLS = 10
_progress_queue: Any = None  # a worker's end of the parent's queue (set by `_start_worker`)


def default_jobs(shards: int) -> int:
    return max(1, min(shards, os.cpu_count() or 1))


def _start_worker(progress_queue: Any) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _report(done: int) -> None:
    _progress_queue.put(done)


def _write_in_worker(job: ShardJob) -> ShardCounts:
    return write_shard(job, _report)


def _finish_in_worker(work: tuple[str, dict[str, str]]) -> None:
    finish_shard(*work)


def run_shard_jobs(
    jobs: Sequence[ShardJob],
    workers: int,
    progress: Progress | None,
    finishing: Callable[[list[ShardCounts]], Sequence[tuple[str, dict[str, str]]]],
) -> None:
    """Write every shard (in `workers` processes), then merge their statistics with `finishing`, which
    returns each shard's (path, metadata), and write those in the same processes."""
    if workers <= 1 or len(jobs) <= 1:
        counts = [write_shard(job, progress) for job in jobs]
        for work in finishing(counts):
            finish_shard(*work)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    progress_queue = context.Queue()
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(progress_queue,),
    ) as pool:
        futures = [pool.submit(_write_in_worker, job) for job in jobs]
        total, reported = sum(len(job.chunks) for job in jobs), 0
        while not all(f.done() for f in futures):
            reported += _drain(progress_queue, progress, POLL_SECONDS)
        counts = [f.result() for f in futures]  # re-raises a worker's error here
        # A worker's last reports may still be in its queue's feeder thread when its result arrives.
        for _ in range(LATE_REPORT_POLLS):
            if reported >= total:
                break
            reported += _drain(progress_queue, progress, POLL_SECONDS)
        list(pool.map(_finish_in_worker, finishing(counts)))


def _drain(progress_queue: Any, progress: Progress | None, wait: float) -> int:
    """Pass the workers' reports on to `progress`, waiting up to `wait` seconds for the first; returns
    the number of chunks reported."""
    reported = 0
    try:
        done = progress_queue.get(timeout=wait)
        while True:
            reported += done
            if progress is not None:
                progress(done)
            done = progress_queue.get_nowait()
    except queue.Empty:
        return reported
