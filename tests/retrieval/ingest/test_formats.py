"""Every format through ingest -> chunks -> a cited answer, from fixtures made of the seed speeches."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from retrieval.chunk import chunk_document
from retrieval.ingest import load_corpus
from retrieval.ingest.doc import doc_tool
from retrieval.ingest.folder import read_document
from retrieval.retriever import Retriever
from tests.fixtures.formats.build import (
    DATE_LINE,
    TITLE,
    seed_paragraphs,
    seed_speech,
    write_docx,
    write_gbk_html,
    write_speech_pdf,
)
from tests.fixtures.formats.pdf_writer import write_pdf

DOC_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "formats" / "speech.doc"
QUESTION = "饮用水水源地保护怎么加强？"
needs_doc_tool = pytest.mark.skipif(doc_tool() is None, reason="needs antiword or LibreOffice")


def _read(path: Path):  # type: ignore[no-untyped-def]
    return read_document(path, path.parent)


def test_docx_paragraphs_headings_table_and_title_without_header_or_footer(tmp_path: Path) -> None:
    doc = _read(write_docx(tmp_path / "speech.docx"))
    assert doc.title == TITLE and doc.date == "2025-01-10" and doc.encoding == "docx"
    assert "页眉" not in doc.text and "页脚" not in doc.text and DATE_LINE not in doc.text
    assert "污水处理厂扩建 城东 完成八成" in doc.text.split("\n")  # a table row is one line
    assert seed_paragraphs()[0] in doc.text
    assert not doc.truncated  # ends in a table row: an office file is not cut off by a site


def test_docx_heading_styles_without_markers_become_sections(tmp_path: Path) -> None:
    doc = _read(write_docx(tmp_path / "speech.docx", markers=False))
    chunks = chunk_document(doc)
    sections = {c.section[:2] for c in chunks}
    assert ("2024年工作回顾", "强化执法监管,健全环境监管体系") in sections
    assert ("2025年工作部署", "深入打好碧水保卫战,改善水体环境质量") in sections
    assert chunks[-1].section[-1] == "附表 重点项目清单"  # the bold short line heads the table
    assert all(c.date == "2025-01-10" for c in chunks)


def test_docx_core_properties_are_the_fallback_title(tmp_path: Path) -> None:
    from docx import Document as new_docx

    document = new_docx()
    document.core_properties.title = "属性里的标题"
    document.add_paragraph("同志们：今天我们开会，研究大气污染防治工作，请大家认真落实。")
    document.save(str(tmp_path / "x.docx"))
    assert _read(tmp_path / "x.docx").title == "属性里的标题"


def test_docx_reads_content_controls_and_skips_the_table_of_contents(tmp_path: Path) -> None:
    from docx import Document as new_docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement

    document = new_docx()
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    cover = document.add_paragraph("市生态环境局党组书记在2025年工作会议上的讲话")
    document.add_paragraph("一、工作回顾 ........ 1", style="toc 1")
    document.add_paragraph("同志们：今年的重点是秸秆禁烧和大气污染防治，请大家抓好落实。")
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    cover._p.addprevious(sdt)
    sdt.append(content)
    content.append(cover._p)  # the title now lives inside a content control, as on Word cover pages
    document.save(str(tmp_path / "c.docx"))
    doc = _read(tmp_path / "c.docx")
    assert doc.title == "市生态环境局党组书记在2025年工作会议上的讲话"
    assert "工作回顾" not in doc.text and "秸秆禁烧" in doc.text


def test_pdf_rejoins_wrapped_lines_and_drops_running_header_and_page_numbers(tmp_path: Path) -> None:
    doc = _read(write_speech_pdf(tmp_path / "speech.pdf"))
    assert doc.title == TITLE and doc.date == "2025-01-10" and doc.encoding == "pdf"
    assert doc.text.split("\n") == seed_paragraphs()  # same paragraphs, no header, no "- N -"


def test_pdf_without_indents_breaks_paragraphs_at_sentence_ends(tmp_path: Path) -> None:
    title, paragraphs = seed_speech("001")
    lines = [title]
    for paragraph in paragraphs:
        lines += [paragraph[i : i + 36] for i in range(0, len(paragraph), 36)]
    pages = [lines[i : i + 10] for i in range(0, len(lines), 10)]
    doc = _read(write_pdf(tmp_path / "s.pdf", pages, header="内部资料 注意保存", footer="第 {page} 页"))
    assert doc.title == title
    assert "".join(doc.text.split("\n")) == "".join(paragraphs)
    assert "同志们:" in doc.text.split("\n") and "第 2 页" not in doc.text and "内部资料" not in doc.text


def test_scanned_pdf_is_skipped_with_reason(tmp_path: Path) -> None:
    write_pdf(tmp_path / "scan.pdf", [None, None])
    shutil.copy(next(Path("corpus").glob("001_*.txt")), tmp_path / "a.txt")
    corpus = load_corpus(tmp_path)
    assert [(s.path, s.reason) for s in corpus.skipped] == [
        ("scan.pdf", "no text layer — scanned? OCR is not supported")
    ]


def test_pdf_with_an_empty_user_password_is_read_and_a_locked_one_refused(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    plain = write_speech_pdf(tmp_path / "plain.pdf", seed="001")
    for name, password in (("open.pdf", ""), ("locked.pdf", "secret")):
        writer = PdfWriter(clone_from=str(plain))
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        writer.write(str(tmp_path / name))
    plain.unlink()
    corpus = load_corpus(tmp_path)
    assert [d.path for d in corpus.documents] == ["open.pdf"]
    assert [(s.path, s.reason) for s in corpus.skipped] == [
        ("locked.pdf", "password-protected PDF: save a copy without the password")
    ]


def test_gbk_html_loses_site_chrome_and_keeps_the_article(tmp_path: Path) -> None:
    title, paragraphs = seed_speech("002")
    doc = _read(write_gbk_html(tmp_path / "page.html", seed="002"))
    assert doc.title == title and doc.encoding == "gb18030 · html" and doc.date == "2025-01-12"
    for chrome in (
        "首页",
        "政务公开",
        "分享到",
        "相关文章",
        "版权所有",
        "ICP",
        "网站标识码",
        "主办单位",
        "浏览次数",
    ):
        assert chrome not in doc.text, chrome
    assert doc.text.split("\n") == paragraphs


def test_html_whole_page_inside_a_form_or_a_chrome_looking_wrapper(tmp_path: Path) -> None:
    # ASP.NET pages wrap everything in one <form>; some templates give the main column class="bottom".
    title, paragraphs = seed_speech("001")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><form id='form1'>"
        f"<div class='nav'><a href='/'>首页</a><a href='/x'>新闻中心</a></div>"
        f"<div class='main bottom'><h1>{title}</h1>{body}</div>"
        f"<div class='footer'>版权所有：XX市人民政府 网站标识码1234</div></form></body></html>"
    )
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    doc = _read(tmp_path / "p.html")
    assert doc.title == title and doc.text.split("\n") == paragraphs


def test_html_meta_charset_utf8_and_bom(tmp_path: Path) -> None:
    page = "<html><head><meta charset='utf-8'><title>讲话</title></head><body><p>同志们：今天开会。</p></body></html>"
    (tmp_path / "a.htm").write_bytes(b"\xef\xbb\xbf" + page.encode())
    (tmp_path / "b.html").write_bytes(page.encode("utf-16"))
    assert _read(tmp_path / "a.htm").text == "同志们:今天开会。"
    assert _read(tmp_path / "b.html").text == "同志们:今天开会。"


@needs_doc_tool
def test_legacy_doc_through_the_installed_tool(tmp_path: Path) -> None:
    doc = _read(Path(shutil.copy(DOC_FIXTURE, tmp_path / "speech.doc")))
    assert doc.title == TITLE and doc.date == "2025-01-10"
    assert doc.encoding == f"doc · {doc_tool()}"
    assert seed_paragraphs()[0] in doc.text and "项目 地点 进度" in doc.text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_legacy_doc_through_libreoffice_when_antiword_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    which = shutil.which
    monkeypatch.setattr("retrieval.ingest.doc.shutil.which", lambda n: None if n == "antiword" else which(n))
    doc = _read(Path(shutil.copy(DOC_FIXTURE, tmp_path / "speech.doc")))
    assert doc.encoding == "doc · soffice" and doc.title == TITLE and seed_paragraphs()[0] in doc.text


def test_legacy_doc_without_a_tool_says_save_as_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retrieval.ingest.doc.doc_tool", lambda: None)
    shutil.copy(DOC_FIXTURE, tmp_path / "speech.doc")
    shutil.copy(next(Path("corpus").glob("001_*.txt")), tmp_path / "a.txt")
    [skipped] = load_corpus(tmp_path).skipped
    assert skipped.path == "speech.doc" and "save it as .docx" in skipped.reason


def test_renamed_files_are_read_by_content(tmp_path: Path) -> None:
    write_speech_pdf(tmp_path / "speech.txt")  # a PDF with a .txt name
    write_docx(tmp_path / "other.doc", markers=False)  # a .docx saved with the old extension
    docs = {d.path: d for d in load_corpus(tmp_path).documents}
    assert docs["speech.txt"].encoding == "pdf · named .txt" and docs["speech.txt"].title == TITLE
    assert docs["other.doc"].encoding == "docx · named .doc"


def test_corrupt_and_fake_files_are_one_line_skips_never_a_crash(tmp_path: Path) -> None:
    shutil.copy(next(Path("corpus").glob("001_*.txt")), tmp_path / "good.txt")
    pdf = write_speech_pdf(tmp_path / "cut.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(pdf[: len(pdf) // 3])  # truncated download
    (tmp_path / "text.docx").write_text("这不是Word文件", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "archive.docx", "w") as archive:
        archive.writestr("notes.txt", "hello")
    docx = write_docx(tmp_path / "broken.docx").read_bytes()
    (tmp_path / "broken.docx").write_bytes(docx[:2000])
    (tmp_path / "junk.doc").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    corpus = load_corpus(tmp_path)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert set(reasons) == {"cut.pdf", "text.docx", "archive.docx", "broken.docx", "junk.doc"}
    assert reasons["text.docx"] == "not a Word .docx document: renamed, or damaged"
    assert reasons["archive.docx"] == "unsupported content: a zip archive (not a Word document)"
    assert all("\n" not in r for r in reasons.values())


def test_mixed_folder_every_format_titled_and_answerable(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docx(corpus / "a.docx", markers=False)
    write_speech_pdf(corpus / "b.pdf", seed="001")
    write_gbk_html(corpus / "c.html", seed="002")
    shutil.copy(next(Path("corpus").glob("003_*.txt")), corpus / "d.txt")
    if doc_tool() is not None:
        shutil.copy(DOC_FIXTURE, corpus / "e.doc")
    retriever = Retriever.from_corpus(corpus, use_cache=False)
    assert not retriever.skipped
    titles = {d.path: d.title for d in retriever.documents}
    assert titles["a.docx"] == TITLE and titles["b.pdf"] == seed_speech("001")[0]
    assert titles["c.html"] == seed_speech("002")[0]
    answer = retriever.ask(QUESTION)
    assert answer.answered
    top = answer.hits[0]
    assert top.chunk.doc_id in {"a", "e"} and "饮用水水源地" in top.chunk.text
    assert top.chunk.date == "2025-01-10" and "2025-01-10" in top.citation
