"""`qabot ask` starts light: only its own subcommand module, no plotting, bot or build-only libraries, and
jieba's dictionary memory-mapped from the cache instead of initialized."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qabot.cli import COMMAND_HELP, build_parser, chosen_command

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from qabot.cli import main
code = main(["ask", "--json", "--corpus", sys.argv[1], "--cache-dir", sys.argv[2], sys.argv[3]])
from retrieval.index.tokenize import _jieba, _loaded_frequencies
heavy = ["matplotlib", "telegram", "scipy", "pkg_resources", "qabot.cmd_serve", "qabot.cmd_bench", "rank_bm25"]
loaded = [m for m in heavy if m in sys.modules]
built = "full" in _loaded_frequencies  # jieba's own 0.6 s dictionary build happened in this process
print(json.dumps({"code": code, "loaded": loaded, "built": built, "freq": type(_jieba(True, __import__("pathlib").Path(sys.argv[2])).FREQ).__name__}))
"""


def probe(corpus: Path, cache_dir: Path, question: str = "约谈开发区") -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(corpus), str(cache_dir), question],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_ask_with_a_warm_cache_imports_nothing_it_does_not_use(corpus_dir: Path, tmp_path: Path) -> None:
    first = probe(corpus_dir, tmp_path / "cache")  # builds the index and stores the dictionary
    assert first["code"] == 0
    warm = probe(corpus_dir, tmp_path / "cache")
    assert warm == {"code": 0, "loaded": [], "built": False, "freq": "FrozenDictionary"}


def test_a_redacted_figure_question_needs_no_dictionary_build(corpus_dir: Path, tmp_path: Path) -> None:
    # its excerpt holds a dropped number (火点处): the redaction check looks words up in jieba's dictionary
    question = "全市共扑灭生物质燃烧火点多少处"
    assert probe(corpus_dir, tmp_path / "cache", question)["built"] is True  # a cold build makes it
    warm = probe(corpus_dir, tmp_path / "cache", question)
    assert warm == {"code": 0, "loaded": [], "built": False, "freq": "FrozenDictionary"}


def test_help_lists_every_subcommand_without_importing_it() -> None:
    eager = build_parser()
    (sub,) = (a for a in eager._actions if a.dest == "command")
    assert {c.dest: c.help for c in sub._choices_actions} == COMMAND_HELP
    lazy = build_parser("ask")
    (lazy_sub,) = (a for a in lazy._actions if a.dest == "command")
    assert [c.dest for c in lazy_sub._choices_actions] == list(COMMAND_HELP)


def test_the_subcommand_is_the_first_word() -> None:
    assert chosen_command(["-v", "ask", "--corpus", "x", "问题"]) == "ask"
    assert chosen_command(["--help"]) is None
    assert chosen_command(["nonsense"]) is None
