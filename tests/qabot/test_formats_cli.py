"""`qabot check` and `qabot ask --json` over a folder mixing formats: readers, dates, skip reasons."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from retrieval.ingest import doc_tool
from tests.fixtures.formats.build import TITLE, write_attributed_docx, write_docx, write_gbk_html
from tests.fixtures.formats.pdf_writer import write_pdf
from tests.qabot.test_cli import run_cli

SEEDS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_docx(folder / "speech.docx")
    write_gbk_html(folder / "page.html", seed="002")
    write_pdf(folder / "scan.pdf", [None])
    return folder


def test_check_names_the_doc_tool_dates_and_skips(
    mixed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["check", "--corpus", str(mixed), "--cache-dir", str(tmp_path / "c")], capsys)
    assert code == 0
    tool = doc_tool()
    flat = " ".join(out.split())  # rich wraps long lines
    assert (f"; .doc via {tool} " if tool else "or save as .docx) ") in flat
    assert f"《{TITLE}》" in out and "speech.docx · docx · 2025-01-10 ·" in out
    assert "page.html · gb18030 · html · 2025-01-12 ·" in out
    assert "scan.pdf: no text layer — scanned? OCR is not supported [no-text-layer]" in flat


def test_ask_json_hits_carry_the_date(
    mixed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "ask",
        "--corpus",
        str(mixed),
        "--cache-dir",
        str(tmp_path / "c"),
        "--json",
        "饮用水水源地保护怎么加强？",
    ]
    code, out, _ = run_cli(argv, capsys)
    hit = json.loads(out)["hits"][0]
    assert code == 0 and hit["doc_id"] == "speech"
    assert hit["date"] == "2025-01-10" and hit["citation"].endswith(" · 2025-01-10")


def test_progress_callback_sees_every_file(mixed: Path) -> None:
    from retrieval.ingest import load_corpus

    seen: list[tuple[int, int, str]] = []
    load_corpus(mixed, lambda done, total, name: seen.append((done, total, name)))
    assert seen == [(1, 3, "page.html"), (2, 3, "scan.pdf"), (3, 3, "speech.docx")]


def test_doc_files_in_a_folder_without_tools(
    mixed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "formats" / "speech.doc", mixed / "old.doc")
    monkeypatch.setattr("shutil.which", lambda _name: None)
    code, out, _ = run_cli(["check", "--corpus", str(mixed), "--cache-dir", str(tmp_path / "c")], capsys)
    flat = " ".join(out.split())  # rich wraps long lines
    assert (
        code == 0 and "old.doc: legacy .doc needs antiword or LibreOffice installed; save it as .docx" in flat
    )
    assert "; .doc skipped (install antiword or LibreOffice, or save as .docx)" in flat


def test_ask_json_hits_carry_speaker_and_occasion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_attributed_docx(folder / "talk.docx", "李明", "在全市生态环境保护大会上的讲话")
    shutil.copy(next(SEEDS.glob("001_*.txt")), folder)
    argv = ["ask", "--corpus", str(folder), "--cache-dir", str(tmp_path / "c"), "--json", "--k", "5"]
    code, out, _ = run_cli([*argv, "饮用水水源地保护怎么加强？"], capsys)
    hit = json.loads(out)["hits"][0]
    assert code == 0 and hit["doc_id"] == "talk"
    assert (hit["speaker"], hit["occasion"]) == ("李明", "全市生态环境保护大会")
    assert hit["citation"].endswith(" · 李明 · 全市生态环境保护大会 · 2024-03-15")
    # seed 001 states both in its title: the keys carry them, the citation does not repeat them
    code, out, _ = run_cli([*argv, "开发区空气质量排第几？"], capsys)
    seed = json.loads(out)["hits"][0]
    assert (seed["speaker"], seed["occasion"]) == ("副市长", "市政府就空气质量落后问题约谈开发区会议")
    assert seed["citation"].endswith(f"¶{seed['paragraph']}")
    code, out, _ = run_cli(["check", "--corpus", str(folder), "--cache-dir", str(tmp_path / "c")], capsys)
    assert "speaker: 李明 · occasion: 全市生态环境保护大会" in out and "speaker: 副市长 ·" in out


def test_repl_sources_give_skip_reasons_and_attribution_in_chinese(mixed: Path) -> None:
    from rich.console import Console

    from qabot.sources_zh import sources_report
    from retrieval.retriever import read_and_chunk
    from retrieval.settings import RetrieverSettings

    shutil.copy(next(SEEDS.glob("001_*.txt")), mixed)
    documents, chunks, skipped = read_and_chunk(mixed, RetrieverSettings())
    console = Console(width=200, record=True, highlight=False)
    console.print(sources_report(documents, chunks, skipped))
    out = console.export_text()
    assert "scan.pdf：没有文字层（可能是扫描件），无法识别图片中的文字" in out and "OCR" not in out
    assert "讲话人：副市长 · 场合：市政府就空气质量落后问题约谈开发区会议" in out
    assert "speech.docx · docx · 2025-01-10 ·" in out
