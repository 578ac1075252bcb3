"""Documents read once are reused while their file, path and sidecar are unchanged; the cache is data."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from retrieval.ingest import DocumentCache, load_corpus
from tests.fixtures.formats.build import write_docx, write_speech_pdf

SEEDS = Path(__file__).resolve().parents[3] / "corpus"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docx(corpus / "a.docx")
    write_speech_pdf(corpus / "b.pdf", seed="001")
    shutil.copy(next(SEEDS.glob("002_*.txt")), corpus / "c.txt")
    return corpus


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import retrieval.ingest.folder as folder_module

    real = folder_module.read_document
    seen: list[str] = []

    def counting(path: Path, corpus_dir: Path, *args):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, corpus_dir, *args)

    monkeypatch.setattr(folder_module, "read_document", counting)
    return seen


def test_unchanged_files_are_not_read_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache" / "documents.json"
    cache = DocumentCache(path)
    first = load_corpus(folder, cache=cache)
    cache.save()
    reads = _reads(monkeypatch)
    second = load_corpus(folder, cache=DocumentCache(path))
    assert reads == [] and second.documents == first.documents
    write_docx(folder / "a.docx", note="补充一段新的内容。")  # changed bytes: read again
    (folder / "d.txt").write_text(
        "新增讲话\n同志们:今天我们研究秸秆禁烧工作,请大家抓好落实。\n", encoding="utf-8"
    )
    third = load_corpus(folder, cache=DocumentCache(path))
    assert reads == ["a.docx", "d.txt"] and "补充一段新的内容。" in third.documents[0].text


def test_a_damaged_cache_file_is_a_warning_and_a_fresh_read(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "documents.json"
    path.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        corpus = load_corpus(folder, cache=DocumentCache(path))
    assert len(corpus.documents) == 3 and "unreadable" in caplog.text
    path.write_text(
        json.dumps({"format": "qabot-documents-1", "documents": {"x": {"bogus": 1}}}), encoding="utf-8"
    )
    cache = DocumentCache(path)
    assert cache.get("x") is None
    cache.stored = {key: {"doc_id": "a"} for key in ("k",)}
    assert cache.get("k") is None  # an entry of another layout is read again, not trusted
