"""Ingestion: every encoding a user may drop in, skipped files with reasons, duplicates, stable ids."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from retrieval.errors import CorpusError
from retrieval.ingest import corpus_files, decode_bytes, doc_id_for, load_corpus

SIMPLIFIED = "在市生态环境局2025年工作会议上的讲话\n同志们：今年我们要深入打好蓝天保卫战，加强秸秆禁烧管控。"
TRADITIONAL = "在全市生態環境保護工作推進會議上的講話\n同志們：我們要加強秸稈禁燒管控，推動空氣質量持續改善。"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-16"),
        (SIMPLIFIED, "gb18030"),
        (SIMPLIFIED, "gbk"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "utf-16-le"),
    ],
)
def test_decode_bytes_recovers_text_in_any_chinese_encoding(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # a BOM, as Windows Notepad writes it
    decoded, detected = decode_bytes(data)
    assert decoded == text
    assert detected


def test_corpus_files_lists_speeches_only(corpus_dir: Path) -> None:
    names = [p.name for p in corpus_files(corpus_dir)]
    assert names == sorted(names)
    assert len(names) == 5
    assert all(n.endswith(".txt") for n in names)


def test_missing_folder_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")


def test_folder_without_speeches_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match="no readable speeches"):
        load_corpus(tmp_path)


def test_bad_files_are_skipped_with_a_reason_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "good.txt").write_text(SIMPLIFIED, encoding="gb18030")
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    with caplog.at_level(logging.WARNING):
        corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["good"]
    reasons = dict((s.path, s.reason) for s in corpus.skipped)
    assert reasons["empty.txt"] == "empty file"
    assert "cannot decode" in reasons["binary.txt"]
    assert "empty.txt" in caplog.text and "binary.txt" in caplog.text


def test_duplicate_documents_are_indexed_once(tmp_path: Path, corpus_dir: Path) -> None:
    source = corpus_dir / "004_2f607277eea193bb.txt"
    shutil.copy(source, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["a"]
    assert corpus.duplicates == (("a", "b"),)


def test_doc_ids_are_stable_and_path_derived(tmp_path: Path) -> None:
    nested = tmp_path / "2024" / "区委 讲话.txt"
    nested.parent.mkdir()
    nested.write_text(SIMPLIFIED, encoding="utf-8")
    assert doc_id_for(nested, tmp_path) == "2024/区委_讲话"
    assert load_corpus(tmp_path).documents[0].doc_id == "2024/区委_讲话"


def test_eval_folder_and_readme_are_not_speeches(tmp_path: Path) -> None:
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "notes.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (tmp_path / "README.md").write_text("# corpus", encoding="utf-8")
    (tmp_path / "speech.md").write_text(SIMPLIFIED, encoding="utf-8")
    assert [p.name for p in corpus_files(tmp_path)] == ["speech.md"]


def test_binary_that_happens_to_decode_is_not_text(tmp_path: Path) -> None:
    (tmp_path / "speech.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02\x03" * 200)
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["speech"]
    assert "cannot decode" in corpus.skipped[0].reason


def test_gbk_file_without_any_hint_is_read_as_chinese(tmp_path: Path, corpus_dir: Path) -> None:
    text = (corpus_dir / "004_2f607277eea193bb.txt").read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk", errors="replace"))
    (doc,) = load_corpus(tmp_path).documents
    assert doc.encoding == "gb18030"
    assert doc.title == "在市生态环境局2025年工作会议上的讲话"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_decode_bytes_accepts_utf16_without_bom(encoding: str) -> None:
    assert decode_bytes(SIMPLIFIED.encode(encoding)) == (SIMPLIFIED, encoding)


def test_binary_with_nul_bytes_everywhere_is_not_taken_for_utf16() -> None:
    with pytest.raises(UnicodeDecodeError):
        decode_bytes(bytes(range(256)) * 8)
