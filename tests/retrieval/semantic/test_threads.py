"""`semantic_threads = 0` (auto): a second OpenMP thread only while other processes leave a core free."""

from __future__ import annotations

import math
import os

import pytest

from retrieval.semantic import threads
from retrieval.semantic.threads import ThreadChooser


class Host:
    """A scripted host: load average, this process's CPU seconds, a clock."""

    def __init__(self, cores: int = 2) -> None:
        self.cores, self.load, self.now, self.used = cores, 0.0, 0.0, 0.0

    def chooser(self, fixed: int = 0, cap: int = 2) -> ThreadChooser:
        return ThreadChooser(
            fixed,
            cap,
            cores=lambda: self.cores,
            load=lambda: self.load,
            clock=lambda: self.now,
            cpu=lambda: self.used,
        )

    def run(self, seconds: float, own_cores: float, load: float) -> None:
        self.now += seconds
        self.used += seconds * own_cores
        self.load = load


def test_a_fixed_count_is_used_whatever_the_load() -> None:
    host = Host()
    host.load = 9.0
    assert host.chooser(fixed=2).choose() == 2 and host.chooser(fixed=1).choose() == 1


def test_an_idle_host_gets_two_threads_a_busy_one_one() -> None:
    host = Host()
    chooser = host.chooser()
    host.run(10, own_cores=0.0, load=0.1)
    assert chooser.choose() == 2
    host.run(10, own_cores=0.0, load=0.6)  # others hold more than half a core on average: no spare core
    assert chooser.choose() == 1
    host.run(10, own_cores=0.0, load=4.7)
    assert chooser.choose() == 1


def test_this_process_own_load_does_not_count_against_it() -> None:
    host = Host()
    chooser = host.chooser()
    for _ in range(60):  # a minute of asking questions back to back on two threads
        host.run(5, own_cores=1.6, load=1.7)
        chooser.choose()
    assert chooser.own_share() == pytest.approx(1.6, abs=0.05)
    assert chooser.choose() == 2
    for _ in range(60):  # the same minute with another process busy on a core
        host.run(5, own_cores=1.6, load=2.7)
    assert chooser.choose() == 1


def test_one_core_or_a_cap_of_one_means_one_thread() -> None:
    assert Host(cores=1).chooser().choose() == 1
    assert Host(cores=8).chooser(cap=1).choose() == 1
    assert Host(cores=8).chooser(cap=2).choose() == 2


def test_an_unknown_load_average_counts_as_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> tuple[float, float, float]:
        raise OSError("no load average here")

    monkeypatch.setattr(os, "getloadavg", unavailable)
    assert threads.load_average() == math.inf
    assert ThreadChooser(0, 2, cores=lambda: 2).choose() == 1


def test_a_slow_two_thread_question_means_one_thread_for_a_while() -> None:
    host = Host()
    chooser = host.chooser()
    host.run(10, own_cores=0.0, load=0.1)
    chooser.observe(2, 0.012, 14)  # the host's normal speed
    chooser.observe(2, 0.020, 30)  # a longer question, as fast per character
    assert chooser.choose() == 2
    chooser.observe(2, 0.300, 14)  # the partner thread was preempted: the load average has not noticed yet
    assert chooser.choose() == 1
    host.run(threads.BACKOFF_S - 1, own_cores=0.0, load=0.1)
    assert chooser.choose() == 1
    host.run(2, own_cores=0.0, load=0.1)
    assert chooser.choose() == 2


def test_only_automatic_multi_thread_timings_count() -> None:
    host = Host()
    automatic, fixed = host.chooser(), host.chooser(fixed=2)
    automatic.observe(2, 0.012, 14)
    automatic.observe(1, 0.300, 14)  # one thread is not the partner problem
    fixed.observe(2, 0.012, 14)
    fixed.observe(2, 0.300, 14)  # a fixed count is the operator's choice
    assert automatic.choose() == 2 and fixed.choose() == 2
