"""Uploads are read in a child process with a time limit and a page cap: a file that would stall the
reader is stopped and refused in Chinese, and the corpus, the index and the answers stay as they were."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from bot.upload_parse import ParseLimits, ParseRefused, parse_upload
from tests.bot import hanging_reader, updates
from tests.bot.conftest import BotHarness
from tests.bot.test_uploads import ADMIN, USER, ask, corpus_state, seed_corpus, send_file, upload_bot
from tests.fixtures.formats.build import TITLE, write_speech_pdf
from tests.fixtures.formats.pdf_writer import write_pdf


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return seed_corpus(tmp_path)


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_reader_that_hangs_in_the_child_is_killed_at_the_limit(tmp_path: Path) -> None:
    pdf = write_speech_pdf(tmp_path / "s.pdf")
    with pytest.raises(ParseRefused) as refused:
        parse_upload(pdf, ParseLimits(seconds=8, max_pages=500), hanging_reader.hang)
    assert refused.value.reason == "reading it took longer than 8 s; stopped"
    child = int((tmp_path / "hanging-reader.pid").read_text())
    assert child != os.getpid() and _pid_gone(child) and not multiprocessing.active_children()


def test_a_child_that_dies_is_a_refusal_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ParseRefused, match=r"stopped unexpectedly \(exit 3\)"):
        parse_upload(write_speech_pdf(tmp_path / "s.pdf"), ParseLimits(30, 500), hanging_reader.crash)


def test_a_real_multi_page_pdf_is_read_in_the_child_and_the_page_cap_holds(tmp_path: Path) -> None:
    pdf = write_speech_pdf(tmp_path / "s.pdf", pages=12)
    document = parse_upload(pdf, ParseLimits(seconds=60, max_pages=12))
    assert document.title == TITLE and document.date == "2025-01-10" and "饮用水水源地" in document.text
    with pytest.raises(ParseRefused) as refused:
        parse_upload(pdf, ParseLimits(seconds=60, max_pages=11))
    assert refused.value.reason == "the PDF has 12 pages, more than the 11 an upload may have"


@pytest.fixture
async def limited(corpus: Path, tmp_path: Path) -> Any:
    harness = await upload_bot(corpus, tmp_path, upload_parse_seconds=8, upload_max_pages=5)
    yield harness
    await harness.application.shutdown()


async def test_bot_refuses_a_stalling_upload_in_chinese_and_changes_nothing(
    limited: BotHarness, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.upload_parse.check_file", hanging_reader.hang)
    before = corpus_state(corpus)
    retriever = limited.application.bot_data["qabot_state"].retriever
    reply = await send_file(limited, ADMIN, write_speech_pdf(tmp_path / "s.pdf").read_bytes(), "讲话.pdf")
    assert "未能添加这个文件：读取超过 8 秒，已停止" in reply
    assert corpus_state(corpus) == before and not multiprocessing.active_children()
    assert limited.application.bot_data["qabot_state"].retriever is retriever  # index unchanged
    assert "秸秆" in await ask(limited, USER, "秸秆焚烧怎么管？")


async def test_bot_refuses_a_pdf_over_the_page_cap_and_a_scan_in_the_askers_script(
    limited: BotHarness, corpus: Path, tmp_path: Path
) -> None:
    before = corpus_state(corpus)
    long_pdf = write_speech_pdf(tmp_path / "long.pdf", pages=6).read_bytes()
    assert "PDF 共 6 页，超过了上传文件 5 页的上限" in await send_file(limited, ADMIN, long_pdf, "a.pdf")
    scan = write_pdf(tmp_path / "scan.pdf", [None]).read_bytes()
    limited.api.add_file("SCAN", scan)
    sent = len(limited.sent())
    await limited.send(updates.document(ADMIN, "SCAN", "掃描.pdf", len(scan), language="zh-hant"))
    reply = "\n".join(m["text"] for m in limited.sent()[sent:])
    assert "未能添加這個文件：沒有文字層（可能是掃描件），無法識別圖片中的文字" in reply
    assert "OCR" not in reply and "scanned" not in reply
    assert corpus_state(corpus) == before


async def test_the_bot_process_never_parses_an_upload(
    limited: BotHarness, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.ingest.folder as folder_module

    real = folder_module.read_document
    parsed_here: list[str] = []

    def counting(path: Path, *args: Any) -> Any:
        parsed_here.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(folder_module, "read_document", counting)
    pdf = write_speech_pdf(tmp_path / "s.pdf", pages=4).read_bytes()
    assert f"已添加《{TITLE}》" in await send_file(limited, ADMIN, pdf, "讲话.pdf")
    assert TITLE in await ask(limited, USER, "饮用水水源地保护怎么加强？")
    # read once, in the child; the re-index in this process took the child's Document from the cache
    assert not [name for name in parsed_here if name.startswith("upload-")]
