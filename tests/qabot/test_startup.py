"""`qabot ask` starts light: only its own subcommand module, no plotting, bot, build-only, rendering or
ingestion libraries, and jieba's dictionary memory-mapped from the cache instead of initialized; run as the
process's entry point it tunes the interpreter (qabot/process.py), called with argv it leaves it alone."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qabot.cli import COMMAND_HELP, build_parser, chosen_command
from tests.qabot.test_cli import run_cli

ROOT = Path(__file__).resolve().parents[2]

# Never imported by `ask` answering from a cached index (docs/performance.md, "Cold start"): front-end and
# plotting libraries, the other subcommands, what only a build needs (reading, normalizing and chunking
# documents, scipy, the reference backend, the process pool), progress bars, and rich (plain output).
NOT_ON_THE_WARM_PATH = (
    "matplotlib",
    "telegram",
    "bot",
    "evaluation",
    "qabot.cmd_serve",
    "qabot.cmd_bench",
    "qabot.cmd_eval",
    "scipy",
    "rank_bm25",
    "pkg_resources",
    "concurrent.futures.process",
    "tqdm",
    "rich",
    "charset_normalizer",
    "docx",
    "pypdf",
    "lxml",
    "retrieval.ingest.folder",
    "retrieval.ingest.attribution",
    "retrieval.ingest.attribution_rules",
    "retrieval.ingest.doccache",
    "retrieval.ingest.text",
    "retrieval.ingest.markdown",
    "retrieval.ingest.encoding",
    "retrieval.ingest.dates",
    "retrieval.ingest.doc",
    "retrieval.ingest.docx",
    "retrieval.ingest.pdf",
    "retrieval.ingest.html",
    "retrieval.normalize.document",
    "retrieval.normalize.mojibake",
    "retrieval.normalize.layout",
    "retrieval.chunk.chunker",
    "retrieval.index.backends.xapian_index",
)

# Runs `qabot ask` the way the console script does (sys.argv, main() without argv) and reports what it loaded.
PROBE = """
import gc, json, os, sys
from pathlib import Path
from qabot.cli import main
corpus, cache, question, *options = sys.argv[1:]
sys.argv = ["qabot", "ask", "--corpus", corpus, "--cache-dir", cache, *options, question]
code = main()
from retrieval.index.tokenize import _jieba, _loaded_frequencies
built = "full" in _loaded_frequencies  # jieba's own 0.6 s dictionary build happened in this process
freq = type(_jieba(True, Path(cache)).FREQ).__name__
loaded = [m for m in json.loads(os.environ["NOT_ON_THE_WARM_PATH"]) if m in sys.modules]
blas = os.environ.get("OPENBLAS_NUM_THREADS")
print(json.dumps({"code": code, "loaded": loaded, "built": built, "freq": freq, "blas": blas,
                  "frozen": gc.get_freeze_count() > 1000, "collecting": gc.isenabled()}))
"""
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
WARM = {"code": 0, "loaded": [], "built": False, "freq": "FrozenDictionary", "blas": "1"}
WARM |= {"frozen": True, "collecting": True}


def probe(
    corpus: Path, cache_dir: Path, question: str = "约谈开发区", *options: str, **env: str
) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_VARIABLES}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(corpus), str(cache_dir), question, *options],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**clean, "NOT_ON_THE_WARM_PATH": json.dumps(NOT_ON_THE_WARM_PATH), **env},
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_ask_with_a_warm_cache_imports_nothing_it_does_not_use(corpus_dir: Path, tmp_path: Path) -> None:
    first = probe(corpus_dir, tmp_path / "cache")  # builds the index and stores the dictionary
    assert first["code"] == 0 and first["built"] is True
    assert "retrieval.chunk.chunker" in first["loaded"]  # the probe sees a build's imports
    for options in ((), ("--json",), ("--json", "--conversation"), ("--k", "5")):
        assert probe(corpus_dir, tmp_path / "cache", "约谈开发区", *options) == WARM, options


def test_a_redacted_figure_question_needs_no_dictionary_build(corpus_dir: Path, tmp_path: Path) -> None:
    # its excerpt holds a dropped number (火点处): the redaction check looks words up in jieba's dictionary
    question = "全市共扑灭生物质燃烧火点多少处"
    assert probe(corpus_dir, tmp_path / "cache", question)["built"] is True  # a cold build makes it
    assert probe(corpus_dir, tmp_path / "cache", question) == WARM


def test_a_blas_thread_count_the_user_chose_is_kept(corpus_dir: Path, tmp_path: Path) -> None:
    assert probe(corpus_dir, tmp_path / "cache", "约谈开发区", OMP_NUM_THREADS="2")["blas"] is None
    assert probe(corpus_dir, tmp_path / "cache", "约谈开发区", OPENBLAS_NUM_THREADS="2")["blas"] == "2"


def test_main_called_with_argv_leaves_the_interpreter_alone(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frozen, blas = gc.get_freeze_count(), os.environ.get("OPENBLAS_NUM_THREADS")
    code, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "--json", "约谈开发区"], capsys)
    assert code == 0 and json.loads(out)["answered"]
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    assert os.environ.get("OPENBLAS_NUM_THREADS") == blas


def test_help_lists_every_subcommand_without_importing_it() -> None:
    eager = build_parser()
    (sub,) = (a for a in eager._actions if a.dest == "command")
    assert {c.dest: c.help for c in sub._choices_actions} == COMMAND_HELP
    lazy = build_parser("ask")
    (lazy_sub,) = (a for a in lazy._actions if a.dest == "command")
    assert [c.dest for c in lazy_sub._choices_actions] == list(COMMAND_HELP)


@pytest.mark.parametrize("argv", [["--help"], [], ["-v"], ["ask", "--help"]])
def test_help_imports_no_other_subcommand_and_nothing_heavy(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from qabot.cli import main\n"
        f"sys.argv = ['qabot', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('qabot.cmd_') or m in ('numpy', 'jieba', 'rich')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    if argv[:1] == ["ask"]:
        assert "--json" in proc.stdout
        expected = ["numpy", "qabot.cmd_ask"]  # its own module (and the library it builds on), no other
    else:
        assert "COMMAND" in proc.stdout and "serve" in proc.stdout  # the help, with every subcommand
        expected = []
    assert proc.stdout.splitlines()[-1] == repr(expected)


def test_the_subcommand_is_the_first_word() -> None:
    assert chosen_command(["-v", "ask", "--corpus", "x", "问题"]) == "ask"
    assert chosen_command(["--help"]) is None
    assert chosen_command(["nonsense"]) is None
