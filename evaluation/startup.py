"""Start-up figures of the real command on the bundled corpus: cold start and incremental rebuilds.

`python -m evaluation.startup` measures the start of `qabot ask` with a warm cache in detail (see
docs/performance.md, "Cold start"): wall and CPU time of each run, its phases, and the imports.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evaluation.child_process import import_profile, run_child
from retrieval.index import TokenCache
from retrieval.retriever import build_index
from retrieval.settings import RetrieverSettings

QUESTION = "督察指出的个性问题是什么？"
WARM_RUNS = 3


def time_ask(corpus_dir: Path, cache_dir: Path) -> float:
    """Wall time of one `qabot ask` process, interpreter start included."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "qabot.cli",
            "ask",
            "--corpus",
            str(corpus_dir),
            "--cache-dir",
            str(cache_dir),
            QUESTION,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    return time.perf_counter() - started


def added_document(source: Path, target: Path) -> None:
    """A new speech for the rebuild test: an existing one with its paragraphs in reverse order."""
    lines = source.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[:1] + lines[:0:-1]), encoding="utf-8")


def measure_startup(corpus_dir: Path, scratch: Path) -> dict[str, Any]:
    """Cold start (index built), warm start (index loaded from cache), and the cost of adding one speech."""
    cache_dir = scratch / "startup-cache"
    cold = time_ask(corpus_dir, cache_dir)
    warm = statistics.median(time_ask(corpus_dir, cache_dir) for _ in range(WARM_RUNS))

    copy = scratch / "startup-corpus"
    shutil.copytree(corpus_dir, copy, ignore=shutil.ignore_patterns("eval", "README.md"))
    settings = RetrieverSettings()
    tokens = TokenCache(scratch / "startup-tokens.pkl")
    started = time.perf_counter()
    first = build_index(copy, settings, tokens)
    full_build = time.perf_counter() - started
    added_document(sorted(copy.glob("*.txt"))[-1], copy / "zz_added.txt")
    started = time.perf_counter()
    reused = TokenCache(scratch / "startup-tokens.pkl")
    second = build_index(copy, settings, reused)
    rebuild = time.perf_counter() - started
    return {
        "cold_start_s": round(cold, 3),
        "warm_start_s": round(warm, 3),
        "full_build_s": round(full_build, 3),
        "rebuild_after_adding_one_s": round(rebuild, 3),
        "chunks_before": len(first.chunks),
        "chunks_after": len(second.chunks),
        "chunks_added": len(second.chunks) - len(first.chunks),
        # texts the token cache had to tokenize: the word index's (the bigram companion, when fusion is on,
        # makes its bigrams afresh and caches none)
        "texts_retokenized": reused.misses,
        "companion": second.bigram is not None,
    }


def startup_line(startup: dict[str, Any]) -> str:
    companion = "; the bigram companion makes its bigrams afresh" if startup.get("companion") else ""
    return (
        f"qabot ask on the bundled corpus: cold start {startup['cold_start_s']:.2f} s (index built), "
        f"warm start {startup['warm_start_s']:.2f} s (index from cache); adding a speech of "
        f"{startup['chunks_added']} chunks re-tokenized {startup['texts_retokenized']} of "
        f"{startup['chunks_after']} chunk texts ({startup['full_build_s']:.2f} s full build, "
        f"{startup['rebuild_after_adding_one_s']:.2f} s rebuild{companion})"
    )


# The warm-cache start of `qabot ask` in detail (`python -m evaluation.startup`).
ASK_QUESTION = "秸秆禁烧"
# mode: (arguments after the options, stdin text, stdout a terminal); rich draws only the "tty" one
ASK_MODES: dict[str, tuple[tuple[str, ...], str | None, bool]] = {
    "plain": ((ASK_QUESTION,), None, False),
    "json": (("--json", ASK_QUESTION), None, False),
    "stdin": (("--json",), ASK_QUESTION + "\n", False),
    "tty": ((ASK_QUESTION,), None, True),
}
PROJECT = Path(__file__).resolve().parents[1]
# Runs `main()` as the console script does and reports when it started and returned (one clock, monotonic
# across processes on Linux), so interpreter start, the command and interpreter teardown can be told apart.
PHASE_DRIVER = """
import sys, time
started = time.perf_counter()
from qabot.cli import main
sys.argv = ["qabot", *sys.argv[1:]]
code = main()
sys.stdout.flush()
roots = sorted({n.split(".")[0] for n in sys.modules} - set(sys.stdlib_module_names) - {"__main__"})
print("\\nphases", started, time.perf_counter(), code, len(sys.modules), *roots, file=sys.stderr)
"""


PHASES = ("interpreter", "main", "teardown")


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3)}


def measure_cold_start(
    corpus_dir: Path, cache_dir: Path, runs: int = 10, baseline: Path | None = None
) -> dict[str, Any]:
    """Every `ASK_MODES` variant `runs` times, and the phases, of this checkout and (given) of a `baseline`
    checkout run with the same interpreter and packages (PYTHONPATH); all interleaved, so load from other
    jobs hits them alike. Then the imports of this checkout. Bytecode is compiled first, as pip does."""
    trees = {"this": PROJECT, **({"baseline": baseline.resolve()} if baseline else {})}
    envs = {name: {} if root == PROJECT else {"PYTHONPATH": str(root)} for name, root in trees.items()}
    for root in trees.values():
        for package in ("retrieval", "qabot"):
            compileall.compile_dir(root / package, quiet=1)
    options = ["ask", "--corpus", str(corpus_dir), "--cache-dir", str(cache_dir)]
    script = Path(sys.executable).with_name("qabot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "qabot.cli"]
    driver = [sys.executable, "-c", PHASE_DRIVER, *options, "--json", ASK_QUESTION]
    # each tree's processes start in its root, so `python -c` (which puts the working folder first on
    # sys.path, before PYTHONPATH) imports that tree's code; the first run builds the index when needed
    for tree, env in envs.items():
        run_child(driver, env=env, cwd=trees[tree])
    load_before = os.getloadavg()
    times: dict[str, dict[str, dict[str, list[float]]]] = {
        t: {m: {"wall": [], "cpu": []} for m in ASK_MODES} for t in trees
    }
    phases: dict[str, dict[str, list[float]]] = {t: {p: [] for p in PHASES} for t in trees}
    modules: list[str] = []
    for _ in range(runs):
        for tree, env in envs.items():
            for mode, (extra, stdin_text, tty) in ASK_MODES.items():
                run = run_child([*command, *options, *extra], stdin_text, tty, env, trees[tree])
                times[tree][mode]["wall"].append(run["wall"])
                times[tree][mode]["cpu"].append(run["cpu"])
            run = run_child(driver, env=env, cwd=trees[tree])
            started, returned, *loaded = run["stderr"].split("\nphases ")[-1].split()
            modules = loaded if tree == "this" else modules  # what this checkout's `ask` loaded
            phases[tree]["interpreter"].append(float(started) - run["spawned"])
            phases[tree]["main"].append(float(returned) - float(started))
            phases[tree]["teardown"].append(run["exited"] - float(returned))
    imports = run_child([sys.executable, "-X", "importtime", *driver[1:]], cwd=PROJECT)["stderr"]
    return {
        "question": ASK_QUESTION,
        "runs": runs,
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        **{
            tree: {
                "modes": {m: {kind: _summary(v) for kind, v in t.items()} for m, t in times[tree].items()},
                "phases_median_s": {p: round(statistics.median(v), 3) for p, v in phases[tree].items()},
            }
            for tree in trees
        },
        "modules_loaded": int(modules[1]),
        "packages_loaded": modules[2:],  # outside the standard library
        "imports": import_profile(imports),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time the warm-cache start of `qabot ask`")
    parser.add_argument("--corpus", type=Path, default=PROJECT / "corpus")
    parser.add_argument("--cache-dir", type=Path, help="index cache (default: a fresh temporary folder)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--baseline", type=Path, help="another checkout (e.g. `git worktree add /tmp/before main`) to compare"
    )
    args = parser.parse_args(argv)
    if args.cache_dir:
        report = measure_cold_start(args.corpus, args.cache_dir, args.runs, args.baseline)
    else:
        with tempfile.TemporaryDirectory(prefix="qabot-startup-") as scratch:
            report = measure_cold_start(args.corpus, Path(scratch), args.runs, args.baseline)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
