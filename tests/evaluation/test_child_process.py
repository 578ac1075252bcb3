"""The cold-start measurement's parts: one child timed (wall, CPU from its rusage, stdin, a terminal), and the
`-X importtime` report summed per package."""

from __future__ import annotations

import sys

import pytest

from evaluation.child_process import import_profile, run_child

SPIN = "import sys, time\nend = time.process_time() + 0.05\nwhile time.process_time() < end: pass\n"


def test_a_child_is_timed_from_spawn_to_exit_with_its_own_cpu_time() -> None:
    run = run_child([sys.executable, "-c", SPIN + "print('done', file=sys.stderr)"])
    assert run["cpu"] >= 0.05  # the child's CPU, not this process's
    assert run["wall"] >= run["cpu"] * 0.5 and run["exited"] > run["spawned"]
    assert run["stderr"].strip() == "done"


def test_stdin_and_terminal_reach_the_child() -> None:
    code = "import sys\nassert sys.stdout.isatty()\nprint(sys.stdin.read().upper(), file=sys.stderr)"
    assert run_child([sys.executable, "-c", code], "问题\n", tty=True)["stderr"].strip() == "问题"
    piped = run_child([sys.executable, "-c", "import sys\nprint(sys.stdout.isatty(), file=sys.stderr)"])
    assert piped["stderr"].strip() == "False"


def test_a_failing_child_is_an_error_with_its_stderr() -> None:
    with pytest.raises(RuntimeError, match="boom"):
        run_child([sys.executable, "-c", "raise SystemExit('boom')"])


def test_importtime_is_summed_per_package_from_top_level_imports() -> None:
    report = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:       100 |        100 |     numpy._core",
            "import time:       300 |        400 |   numpy",
            "import time:       500 |        500 |     jieba.finalseg",
            "import time:      1000 |       1500 | jieba",
            "import time:       200 |        200 | numpy.linalg",
            "unrelated line",
        ]
    )
    profile = import_profile(report)  # names indented by one space are the top-level imports
    assert profile["by_package_ms"] == {"jieba": 1.5, "numpy": 0.6}  # self times of every module of each
    assert (
        profile["total_ms"] == 1.7
    )  # cumulative times of the top-level imports: jieba 1.5, numpy.linalg 0.2
