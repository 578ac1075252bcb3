"""Admins add documents by sending them to the bot: against the fake Bot API (getFile + file route)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.upload_store import list_uploads
from bot.uploads import MAX_UPLOAD_BYTES
from retrieval.retriever import Retriever, documents_cache
from tests.bot import updates
from tests.bot.conftest import BotHarness, make_settings
from tests.bot.fake_api import FakeTelegram
from tests.bot.recording import RecordingRequest
from tests.fixtures.formats.build import TITLE, write_attributed_docx, write_docx, write_speech_pdf
from tests.fixtures.formats.pdf_writer import write_pdf

ADMIN, USER = 4242, 5151
QUESTION = "饮用水水源地保护怎么加强？"
SEEDS = Path(__file__).resolve().parents[2] / "corpus"


def seed_corpus(tmp_path: Path) -> Path:
    """A corpus folder of seeds 000 and 001 (seed 004, which the fixtures are made of, is not in it yet)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in ("000", "001"):
        shutil.copy(next(SEEDS.glob(f"{seed}_*.txt")), folder)
    return folder


async def upload_bot(corpus: Path, tmp_path: Path, **settings: Any) -> BotHarness:
    """A fresh bot process, as far as uploads care: a new retriever from the folder, a new fake API."""

    def load() -> Retriever:
        return Retriever.from_corpus(corpus, cache_dir=tmp_path / "cache")

    application = build_application(
        make_settings(corpus_dir=corpus, admin_user_ids=frozenset({ADMIN}), **settings),
        load(),
        load=load,
        documents=lambda: documents_cache(tmp_path / "cache"),
        request=RecordingRequest(api := FakeTelegram()),
    )
    await application.initialize()
    return BotHarness(application, api)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return seed_corpus(tmp_path)


@pytest.fixture
async def start(corpus: Path, tmp_path: Path) -> AsyncIterator[Any]:
    started: list[BotHarness] = []

    async def make() -> BotHarness:
        started.append(await upload_bot(corpus, tmp_path))
        return started[-1]

    yield make
    for harness in started:
        await harness.application.shutdown()


async def send_file(
    harness: BotHarness, user_id: int, data: bytes, name: str, size: int | None = None
) -> str:
    file_id = f"F{len(harness.api.files)}"
    harness.api.add_file(file_id, data)
    before = len(harness.sent())
    await harness.send(updates.document(user_id, file_id, name, len(data) if size is None else size))
    return "\n".join(m["text"] for m in harness.sent()[before:])


async def ask(harness: BotHarness, user_id: int, question: str) -> str:
    before = len(harness.sent())
    await harness.send(updates.message(user_id, question))
    return "\n".join(m["text"] for m in harness.sent()[before:])


def corpus_state(corpus: Path) -> list[tuple[str, bytes]]:
    return sorted((str(p.relative_to(corpus)), p.read_bytes()) for p in corpus.rglob("*") if p.is_file())


async def test_admin_upload_is_saved_indexed_answered_and_survives_a_restart(
    start: Any, corpus: Path, tmp_path: Path
) -> None:
    harness = await start()
    assert TITLE not in await ask(harness, ADMIN, QUESTION)
    data = write_docx(tmp_path / "x.docx").read_bytes()
    reply = await send_file(harness, ADMIN, data, "../../etc/passwd 讲话稿.docx")
    assert f"已添加《{TITLE}》（2025-01-10）" in reply and "个段落" in reply
    [upload] = list_uploads(corpus)
    assert upload.name.startswith("upload-") and upload.name.endswith(".docx")
    assert upload.original_name == "../../etc/passwd 讲话稿.docx" and upload.uploaded_by == ADMIN
    assert (corpus / upload.name).read_bytes() == data and not (corpus / ".uploads-staging").exists()
    assert harness.api.downloads  # fetched through the file route
    answer = await ask(harness, USER, QUESTION)
    assert "饮用水水源地" in answer and TITLE in answer and "2025-01-10" in answer
    restarted = await start()
    assert TITLE in await ask(restarted, USER, QUESTION)


async def test_admin_lists_and_removes_added_documents(start: Any, corpus: Path, tmp_path: Path) -> None:
    harness = await start()
    await send_file(harness, ADMIN, write_speech_pdf(tmp_path / "s.pdf").read_bytes(), "讲话.pdf")
    sources = await ask(harness, ADMIN, "/sources")
    assert "/remove" in sources and f"1. 《{TITLE}》" in sources
    assert "/remove" not in await ask(harness, USER, "/sources")  # only admins see the numbers
    assert "只有管理员" in await ask(harness, USER, "/remove 1")
    assert "/remove 1" in await ask(harness, ADMIN, "/remove 7")  # no such number: usage
    assert f"已删除《{TITLE}》" in await ask(harness, ADMIN, "/remove 1")
    assert list_uploads(corpus) == [] and not list(corpus.glob("upload-*"))
    assert TITLE not in await ask(harness, USER, QUESTION)


async def test_non_admin_upload_is_refused_and_nothing_stored(
    start: Any, corpus: Path, tmp_path: Path
) -> None:
    harness = await start()
    before = corpus_state(corpus)
    reply = await send_file(harness, USER, write_docx(tmp_path / "x.docx").read_bytes(), "a.docx")
    assert reply == "抱歉，只有管理员可以添加文档。"
    assert corpus_state(corpus) == before and not harness.api.successful("getFile")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\n1 0 obj <<>> garbage", "未能添加这个文件：.pdf 文件已损坏（"),
        (b"PK\x03\x04 not really a zip", "未能添加这个文件：不支持这种文件类型"),
        (bytes(range(256)) * 8, "它既不是文档，也不是能识别编码的中文文本"),
    ],
    ids=["corrupt-pdf", "fake-zip", "binary"],
)
async def test_corrupt_or_unsupported_upload_changes_nothing(
    start: Any, corpus: Path, data: bytes, reason: str
) -> None:
    harness = await start()
    before = corpus_state(corpus)
    documents = len(harness.application.bot_data["qabot_state"].retriever.documents)
    reply = await send_file(harness, ADMIN, data, "speech.pdf")
    assert reason in reply
    assert corpus_state(corpus) == before
    assert len(harness.application.bot_data["qabot_state"].retriever.documents) == documents
    assert "秸秆" in await ask(harness, USER, "秸秆焚烧怎么管？")  # still answering


async def test_oversized_upload_is_refused_before_download(start: Any, corpus: Path) -> None:
    harness = await start()
    before = corpus_state(corpus)
    reply = await send_file(harness, ADMIN, b"%PDF-1.4 small", "big.pdf", size=MAX_UPLOAD_BYTES + 1)
    assert "文件太大" in reply and "20 MB" in reply
    assert not harness.api.successful("getFile") and not harness.api.downloads
    assert corpus_state(corpus) == before


async def test_duplicate_of_an_indexed_speech_is_refused(start: Any, corpus: Path) -> None:
    harness = await start()
    seed = next(SEEDS.glob("004_*.txt")).read_bytes()
    assert "已添加" in await send_file(harness, ADMIN, seed, "a.txt")
    before = corpus_state(corpus)
    again = await send_file(harness, ADMIN, seed, "b.txt")
    assert "这个文件之前已经添加过了" in again and corpus_state(corpus) == before
    copy = await send_file(
        harness, ADMIN, seed.replace("同志们".encode(), "同志们".encode()) + b"\n", "c.txt"
    )
    assert "内容相同，不重复收录" in copy and corpus_state(corpus) == before


async def test_speaker_and_occasion_in_the_reply_the_citation_and_sources(
    start: Any, corpus: Path, tmp_path: Path
) -> None:
    harness = await start()
    data = write_attributed_docx(tmp_path / "t.docx", "李明", "在全市生态环境保护大会上的讲话").read_bytes()
    reply = await send_file(harness, ADMIN, data, "讲话.docx")
    assert (
        "已添加《坚决打好污染防治攻坚战》（2024-03-15）（讲话人：李明；场合：全市生态环境保护大会）" in reply
    )
    answer = await ask(harness, USER, QUESTION)
    assert "《坚决打好污染防治攻坚战》" in answer and "· 李明 · 全市生态环境保护大会 · 2024-03-15" in answer
    sources = await ask(harness, USER, "/sources")
    assert "（讲话人：李明；场合：全市生态环境保护大会）" in sources
    # seed 001's title names its speaker and occasion: its line does not repeat them
    line = next(x for x in sources.splitlines() if "副市长在市政府" in x)
    assert "讲话人" not in line and "场合" not in line


async def test_sources_list_skipped_files_with_chinese_reasons(
    start: Any, corpus: Path, tmp_path: Path
) -> None:
    write_pdf(corpus / "scan.pdf", [None])
    (corpus / "old.docx").write_bytes(b"%PDF-1.4 cut short")
    harness = await start()
    sources = await ask(harness, USER, "/sources")
    assert "未能读取的文件：" in sources
    assert "scan.pdf：没有文字层（可能是扫描件），无法识别图片中的文字" in sources
    assert "old.docx：.pdf 文件已损坏（" in sources
    before = len(harness.sent())
    await harness.send(updates.message(USER, "/sources", language="zh-hant"))
    traditional = "\n".join(m["text"] for m in harness.sent()[before:])
    assert "scan.pdf：沒有文字層（可能是掃描件），無法識別圖片中的文字" in traditional
