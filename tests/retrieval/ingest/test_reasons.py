"""Skip reasons are stable codes with an English and a Chinese wording; every reason ingest gives has one."""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

import pytest

from retrieval.ingest import SkipError, chinese_reason, load_corpus, parse_reason, skip_reason
from retrieval.ingest.reasons import REASONS
from tests.fixtures.formats.build import write_docx, write_speech_pdf
from tests.fixtures.formats.pdf_writer import write_pdf

SEEDS = Path(__file__).resolve().parents[3] / "corpus"
# Latin words a Chinese reason may keep: names of formats, tools and encodings.
KEPT_WORDS = re.compile(
    r"\.docx|\.doc|\.pdf|\.html|\.txt|PDF|Word|zip|antiword|LibreOffice|UTF-8|UTF-16|GB18030|GBK|Big5|97-2003"
)


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_code_parses_back_from_its_english_and_reads_as_chinese(code: str) -> None:
    fields = {name: f"v{i}" for i, name in enumerate(re.findall(r"\{(\w+)\}", REASONS[code][0]))}
    english = skip_reason(code, **fields)
    assert parse_reason(english) == (code, fields)
    chinese = chinese_reason(english)
    assert re.search(r"[\u4e00-\u9fff]", chinese)
    leftover = KEPT_WORDS.sub("", chinese)
    for value in fields.values():
        leftover = leftover.replace(value, "")
    assert not set(leftover) & set(string.ascii_letters), (code, chinese)


def test_skip_error_is_a_value_error_with_code_and_fields() -> None:
    error = SkipError("pdf-too-many-pages", pages=600, limit=500)
    assert isinstance(error, ValueError) and error.code == "pdf-too-many-pages"
    assert str(error) == "the PDF has 600 pages, more than the 500 an upload may have"
    assert chinese_reason(str(error)) == "PDF 共 600 页，超过了上传文件 500 页的上限"


def test_field_words_of_our_own_are_translated_and_tool_messages_kept() -> None:
    assert chinese_reason("not a PDF: renamed, or damaged") == "不是PDF 文件：文件被改名或已损坏"
    assert chinese_reason("not a regular file (FIFO)") == "不是普通文件（命名管道）"
    assert chinese_reason("damaged .pdf file (PdfReadError: EOF marker not found)") == (
        ".pdf 文件已损坏（PdfReadError: EOF marker not found）"
    )
    assert chinese_reason("a reason of someone else's") == "a reason of someone else's"


def test_the_reasons_a_real_folder_gives_all_have_codes(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "speech.txt").write_bytes(next(SEEDS.glob("002_*.txt")).read_bytes())
    (folder / "copy.txt").write_bytes((folder / "speech.txt").read_bytes())
    write_pdf(folder / "scan.pdf", [None])
    (folder / "renamed.pdf").write_bytes(write_docx(tmp_path / "x.docx").read_bytes()[:200])
    (folder / "empty.txt").write_bytes(b"  \n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "fake.docx").write_bytes(write_speech_pdf(tmp_path / "y.pdf").read_bytes()[:300])
    os.mkfifo(folder / "pipe.txt")
    os.symlink(tmp_path / "x.docx", folder / "outside.docx")
    corpus = load_corpus(folder)
    reasons = {s.path: s.reason for s in corpus.skipped}
    codes = {path: parse_reason(reason) for path, reason in reasons.items()}
    assert {path: code[0] for path, code in codes.items() if code} == {
        "scan.pdf": "no-text-layer",
        "renamed.pdf": "unsupported-content",  # a cut zip: not a Word file
        "empty.txt": "empty-file",
        "binary.txt": "undecodable",
        "fake.docx": "damaged",
        "pipe.txt": "not-regular",
        "outside.docx": "link-outside",
    }
    assert corpus.duplicates == (("copy", "speech"),)
