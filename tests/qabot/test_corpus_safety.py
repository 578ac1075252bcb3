"""Black-box, through the CLI: only regular files inside the corpus folder are read; every other entry
(links out, dangling links, loops, FIFOs, unlistable or linked folders, unreadable files, undecodable names)
is skipped with a reason `qabot check` reports — and never crashes `ask`."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qabot.cli import main
from tests.qabot.test_cli import run_cli

FAKE_TOKEN = "987654321:AAEsecretTokenThatMustNeverBeIndexed42"


@pytest.fixture
def corpus(tmp_path: Path, corpus_dir: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in sorted(p.name for p in corpus_dir.glob("*.txt"))[:2]:
        shutil.copy(corpus_dir / name, folder / name)
    return folder


def check_report(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run_cli(["check", "--corpus", str(corpus)], capsys)
    assert code == 0, err
    return " ".join(out.split())  # rich wraps long lines at 80 columns


def ask_json(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], question: str
) -> dict[str, object]:
    argv = ["ask", "--corpus", str(corpus), "--cache-dir", str(tmp_path / "cache"), "--json", question]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    record: dict[str, object] = json.loads(out)
    return record


def test_symlink_out_of_the_corpus_is_not_indexed_and_is_reported(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "environ"  # stands in for /proc/self/environ
    secret.write_text(f"TELEGRAM_BOT_TOKEN={FAKE_TOKEN}\n大气污染防治督察整改 秸秆焚烧\n", encoding="utf-8")
    (corpus / "notes.txt").symlink_to(secret)
    (corpus / "environ.txt").symlink_to("/proc/self/environ")  # the real thing: the reader's own env
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "more.txt").write_text(f"秸秆焚烧 {FAKE_TOKEN}", encoding="utf-8")
    (corpus / "linked").symlink_to(outside, target_is_directory=True)

    record = ask_json(corpus, tmp_path, capsys, "TELEGRAM_BOT_TOKEN 秸秆焚烧")
    assert FAKE_TOKEN not in json.dumps(record, ensure_ascii=False)
    assert FAKE_TOKEN.split(":")[1].encode() not in b"".join(
        p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file()
    )
    report = check_report(corpus, tmp_path, capsys)
    assert "3 files skipped" in report
    assert "environ.txt: symbolic link to a file outside the corpus folder; not followed" in report
    assert "notes.txt: symbolic link to a file outside the corpus folder; not followed" in report
    assert "linked: symbolic link to a folder; not followed" in report
    assert str(tmp_path) not in report


def test_a_link_to_a_file_inside_the_corpus_is_read_once(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = sorted(corpus.iterdir())[0]
    (corpus / "alias.txt").symlink_to(first.name)
    report = check_report(corpus, tmp_path, capsys)
    assert re.search(r"alias: same text as \S+", report)


def test_dangling_links_loops_fifos_and_unlistable_folders_are_reported(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (corpus / "loop.txt").symlink_to("loop.txt")
    os.mkfifo(corpus / "pipe.txt")  # opening it would block the whole build
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("秸秆焚烧", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: object) -> object:  # root may list any folder; a non-root user may not
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    assert ask_json(corpus, tmp_path, capsys, "秸秆焚烧怎么管？")["hits"]
    report = check_report(corpus, tmp_path, capsys)
    assert "4 files skipped" in report
    assert "gone.txt: dangling symbolic link" in report
    assert "loop.txt: symbolic link loop" in report
    assert "pipe.txt: not a regular file (FIFO)" in report
    assert "locked: cannot list folder: Permission denied" in report
    assert str(tmp_path) not in report


def test_unreadable_file_is_skipped_not_a_crash(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = corpus / "locked.txt"
    locked.write_text("秸秆焚烧", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # what chmod 000 does to a user without root's capabilities
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert ask_json(corpus, tmp_path, capsys, "秸秆焚烧怎么管？")["hits"]
    report = check_report(corpus, tmp_path, capsys)
    assert "1 file skipped: locked.txt: cannot read: Permission denied" in report
    assert str(tmp_path) not in report


def test_file_names_that_are_not_utf8_are_read_and_printable(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gbk_name = os.fsdecode("讲话稿".encode("gb18030") + b".txt")  # from a Windows zip
    junk_name = os.fsdecode(b"\xff\xfe\x80.txt")  # valid in no encoding
    first, second = sorted(corpus.iterdir())
    first.rename(corpus / gbk_name)
    second.rename(corpus / junk_name)
    assert ask_json(corpus, tmp_path, capsys, "秸秆焚烧怎么管？")["hits"]
    code, out, err = run_cli(["chunks", "--corpus", str(corpus), "--json"], capsys)
    assert code == 0, err
    doc_ids = {json.loads(line)["doc_id"] for line in out.splitlines()}
    assert len(doc_ids) == 2 and "讲话稿" in doc_ids
    report = check_report(corpus, tmp_path, capsys)
    assert "讲话稿.txt · utf-8" in report and "\ufffd\ufffd\ufffd.txt · utf-8" in report


def test_same_looking_names_get_unique_stable_ids_and_separate_counts(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for child in corpus.iterdir():
        child.unlink()
    speech = "在全市生态环境保护工作推进会议上的讲话\n同志们：{}要加强秸秆禁烧管控，推动空气质量持续改善。"
    for n, name in enumerate(("my speech.txt", "my_speech.txt", "my_speech.md"), start=1):
        (corpus / name).write_text(speech.format("今年" * n), encoding="utf-8")

    def ids() -> list[str]:
        code, out, err = run_cli(["chunks", "--corpus", str(corpus), "--json"], capsys)
        assert code == 0, err
        return [json.loads(line)["doc_id"] for line in out.splitlines()]

    first = ids()
    assert len(first) == len(set(first)) == 3
    assert "my_speech_md" in first
    assert ids() == first  # stable from run to run
    report = check_report(corpus, tmp_path, capsys)
    assert report.count("· 1 chunk ") == 3
    assert main(["check", "--corpus", str(corpus)]) == 0


def test_a_large_first_build_shows_progress_on_stderr(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qabot import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    seen: list[tuple[int, int, str]] = []
    monkeypatch.setattr(progress, "MIN_FILES", 1)  # the two speeches stand in for a large corpus
    real_call = progress.BuildProgress.__call__
    monkeypatch.setattr(
        progress.BuildProgress,
        "__call__",
        lambda self, d, t, f: (seen.append((d, t, f)), real_call(self, d, t, f)),
    )
    argv = ["ask", "--corpus", str(corpus), "--cache-dir", str(tmp_path / "c"), "秸秆"]
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(argv) == 0
    assert [(d, t) for d, t, _ in seen] == [(1, 2), (2, 2)]
    assert "reading corpus" in terminal.getvalue()
    seen.clear()
    assert main(argv) == 0
    assert not seen  # the cached index is loaded, nothing is read


def without_root_privileges() -> list[str]:
    """A command prefix under which `chmod 000` really denies reading, also when tests run as root
    (dropping the capabilities that let root ignore file modes)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: chmod 000 cannot deny anything")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_chmod_000_file_and_folder_are_skipped_by_the_real_cli(corpus: Path, tmp_path: Path) -> None:
    (corpus / "locked.txt").write_text("秸秆焚烧", encoding="utf-8")
    (corpus / "closed").mkdir()
    (corpus / "closed" / "inside.txt").write_text("秸秆焚烧", encoding="utf-8")
    (corpus / "locked.txt").chmod(0)
    (corpus / "closed").chmod(0)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    qabot = [*without_root_privileges(), sys.executable, "-m", "qabot.cli"]
    try:
        asked = subprocess.run(
            [*qabot, "ask", "--json", "--corpus", str(corpus), "秸秆焚烧怎么管？"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        checked = subprocess.run(
            [*qabot, "check", "--corpus", str(corpus)], capture_output=True, text=True, env=env, timeout=120
        )
    finally:
        (corpus / "closed").chmod(0o755)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert json.loads(asked.stdout)["hits"]
    report = " ".join(checked.stdout.split())
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "closed: cannot list folder: Permission denied" in report
    assert "locked.txt: cannot read: Permission denied" in report
