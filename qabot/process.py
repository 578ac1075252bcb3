"""Interpreter settings for a process that *is* the `qabot` command (console script, `python -m qabot.cli`).

`cli.main` applies them only when called without argv, i.e. as the entry point: tests and programs that call
`main(argv)` in their own interpreter keep its settings. Measured on the warm-cache `qabot ask` (see
docs/performance.md, "Cold start"):

- numpy's OpenBLAS starts one thread per core as numpy is imported and stops them at exit: 30–60 ms of
  wall time on 2 cores, for nothing — the CLI's only dense product is one matrix-vector product of the
  optional semantic signal. `ask` and `repl` use one BLAS thread, unless the environment already chose a
  number (the variable is inherited by child processes; the other subcommands are left as they were).
- the collector runs ~70 times while ~400 modules are imported (~15 ms) and, at exit, walks every object
  still alive (~45 ms). It is paused during the imports, and the long-lived objects (modules, index,
  dictionary) are frozen once loaded (`gc.freeze`), so no later collection walks them; garbage made while
  answering is collected as usual.
"""

from __future__ import annotations

import gc
import os

# Variables OpenBLAS reads for its thread count, in its order; the first one set wins.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")

_owned = False


def take_over(*, one_blas_thread: bool) -> None:
    """At the very start, before numpy is imported: the collector paused, and with `one_blas_thread` (the
    question-answering commands) one BLAS thread unless the environment chose a number."""
    global _owned
    _owned = True
    if one_blas_thread and not any(name in os.environ for name in BLAS_THREAD_VARIABLES):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
    gc.disable()


def settle() -> None:
    """Freeze everything alive now and let the collector run again (after imports, after loading, at the
    end): a no-op unless `take_over` ran in this process."""
    if _owned:
        gc.freeze()
        gc.enable()
