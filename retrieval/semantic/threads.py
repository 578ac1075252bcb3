"""How many OpenMP threads the next question embedding gets, for `semantic_threads = 0` ("auto").

Measured on the 2-core development host (docs/evaluation.md, "Optional semantic signal"): a ~15-token question
embeds in ~22 ms of CPU. On an idle host two threads cut the wall time to ~12 ms, the only way to a p95 under
25 ms; on a host busy with other processes the same two threads wait at each of the forward pass's ~150
barriers for a partner the scheduler has preempted, and one-at-a-time embedding becomes 5-50x slower (p50
155 ms, p95 1.5 s at load ~4.7), while one thread degrades gently (p95 ~70 ms). So "auto" gives the second
thread only while the other processes leave a core free: the 1-minute load average minus this process's own
share of it (its CPU time per wall second, averaged over the same minute) must be at most
`usable cores - threads + SPARE_MARGIN`. The load average lags (a burst of other work needs ~40 s to lift
it by 0.5), so the chooser also watches each question embedded with more than one thread: one taking over
BACKOFF_FACTOR times the best time per character seen on this host means the partner thread is being
preempted now, and the next BACKOFF_S seconds use one thread. A bot answering in worker threads embeds one
question at a time (the provider's lock), so its own threads never compete with each other.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable

LOAD_WINDOW_S = 60.0  # the load average's own time constant (Linux's 1-minute figure)
SPARE_MARGIN = 0.5  # others may use half a core on average before the extra thread is dropped
BACKOFF_FACTOR = 3.0  # idle-host jitter stays well under 3x; a preempted partner costs 10-50x
BACKOFF_S = 30.0
FIXED_TOKENS = 6  # "query: " and the start / end tokens: a short question's time is not all per character


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> float:
    """The 1-minute load average; unknown counts as a busy host (one thread is the safe choice)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return math.inf


class ThreadChooser:
    """`choose()`: a thread count in [1, cap], `fixed` when given (> 0), else the module docstring's rule."""

    def __init__(
        self,
        fixed: int,
        cap: int,
        *,
        cores: Callable[[], int] = usable_cores,
        load: Callable[[], float] = load_average,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[], float] = time.process_time,
    ) -> None:
        self.fixed = fixed
        self.cap = max(1, min(cap, cores()))
        self._cores, self._load, self._clock, self._cpu = cores, load, clock, cpu
        self._lock = threading.Lock()
        self._own = 0.0  # this process's average CPU use in cores, over about LOAD_WINDOW_S
        self._last = (clock(), cpu())
        self._best = math.inf  # fastest seconds per character of a multi-thread question embedding
        self._calm_until = -math.inf  # one thread until then (a slow multi-thread embedding was seen)

    def own_share(self) -> float:
        """This process's recent CPU use in cores (an exponential average like the load average's)."""
        with self._lock:
            now, used = self._clock(), self._cpu()
            elapsed = now - self._last[0]
            if elapsed > 0:
                current = max(0.0, (used - self._last[1]) / elapsed)
                keep = math.exp(-elapsed / LOAD_WINDOW_S)
                self._own = keep * self._own + (1.0 - keep) * current
                self._last = (now, used)
            return self._own

    def observe(self, threads: int, seconds: float, characters: int) -> None:
        """Record how long a question of `characters` took with `threads` threads (auto only)."""
        if self.fixed > 0 or threads < 2:
            return
        rate = seconds / (characters + FIXED_TOKENS)
        with self._lock:
            self._best = min(self._best, rate)
            if rate > BACKOFF_FACTOR * self._best:
                self._calm_until = self._clock() + BACKOFF_S

    def choose(self) -> int:
        if self.fixed > 0:
            return self.fixed
        if self._clock() < self._calm_until:
            return 1
        others = self._load() - self.own_share()
        threads = self.cap
        while threads > 1 and others > self._cores() - threads + SPARE_MARGIN:
            threads -= 1
        return threads
