"""Speaker and occasion, where the speech states them: seeds, subtitles, bylines, file properties."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.answer import citation
from retrieval.chunk import chunk_document
from retrieval.ingest import DocumentCache, find_attribution, load_corpus
from retrieval.ingest.attribution import byline, clean_speaker, occasion_line, property_speaker
from retrieval.ingest.folder import read_document
from retrieval.retriever import Retriever
from tests.fixtures.formats.build import CHROME_HTML, seed_speech, write_attributed_docx, write_docx

SEEDS = Path(__file__).resolve().parents[3] / "corpus"
# What the five seed speeches state, in their own script (000 and 003 are traditional scrapes).
SEED_ATTRIBUTION = {
    "000_93f83ce8a3e8421d": ("", "全市生態環境保護工作推進會議"),
    "001_63e869ee8e955aba": ("副市长", "市政府就空气质量落后问题约谈开发区会议"),
    "002_57d90a8fe15574a8": ("区委书记", "中央生态环保督察反馈问题整改工作推进会"),
    "003_aed745ce6a21ca97": ("", "2024年全市落實中央生態環境保護督察組交辦信訪問題研判會"),
    "004_2f607277eea193bb": ("", "市生态环境局2025年工作会议"),
}


def test_the_seeds_state_their_occasion_and_two_their_speakers_role() -> None:
    corpus = load_corpus(SEEDS)
    assert {d.doc_id: (d.speaker, d.occasion) for d in corpus.documents} == SEED_ATTRIBUTION
    for document in corpus.documents:
        chunks = chunk_document(document)
        assert {(c.speaker, c.occasion) for c in chunks} == {SEED_ATTRIBUTION[document.doc_id]}
        # the titles already say who and where: the citation format is unchanged
        assert citation(chunks[0]).endswith(
            f"¶{chunks[0].paragraph}" + (f" · {c}" if (c := document.date) else "")
        )


@pytest.mark.parametrize(
    ("line", "speaker", "occasion"),
    [
        ("——在全市生态环境保护大会上的讲话", "", "全市生态环境保护大会"),
        ("张三同志在全省生态环境保护座谈会上的讲话（2024年3月15日）", "张三", "全省生态环境保护座谈会"),
        ("在考察湖北时的讲话", "", "考察湖北"),
        ("——在XX市第十五届人民代表大会第三次会议上", "", "XX市第十五届人民代表大会第三次会议"),
        ("习近平在全国生态环境保护大会上的讲话", "习近平", "全国生态环境保护大会"),
        ("在全市环保工作会议上的总结讲话（2023年2月）", "", "全市环保工作会议"),
        ("——在全市生態環境保護大會上的講話", "", "全市生態環境保護大會"),  # traditional stays traditional
        ("XX同志在XX高新区空气质量约谈会上的讲话", "", "XX高新区空气质量约谈会"),  # placeholder: no name
        ("市委书记XXX在全市大会上的讲话", "市委书记", "全市大会"),
    ],
)
def test_occasion_lines(line: str, speaker: str, occasion: str) -> None:
    found = occasion_line(line)
    assert found is not None and (found.speaker, found.occasion) == (speaker, occasion)


@pytest.mark.parametrize(
    "line",
    [
        "关于在全市开展大气污染防治攻坚工作上的讲话",  # 关于… is a topic, not a speaker
        "2024年3月15日，我们在全市大会上的讲话精神指引下开展工作。",  # body text
        "在市生态环境局2025年工作会议",  # no speech word
        "一、深入学习习近平总书记在全国生态环境保护大会上的重要讲话",  # a heading about another speech
        "认真传达学习省委书记在全省生态环境保护大会上的讲话",
    ],
)
def test_lines_that_are_not_occasion_lines(line: str) -> None:
    assert occasion_line(line) is None


def test_bylines_keep_the_role_and_drop_placeholder_names() -> None:
    assert byline("市委书记 张三") == "市委书记 张三"
    assert byline("市委副书记、市长\u3000李四") == "市委副书记、市长 李四"
    assert byline("市委书记 ＸＸＸ") == "市委书记"
    assert byline("一、强化执法监管") == "" and byline("同志们：") == ""
    assert clean_speaker("某某同志") == "" and clean_speaker("＊＊") == ""


def test_a_byline_under_the_title_and_a_subtitle_in_the_text() -> None:
    _, paragraphs = seed_speech("004")
    text = "\n".join(["——在全市生态环境保护大会上的讲话", "市委书记 张三", *paragraphs])
    found = find_attribution("坚决打好污染防治攻坚战", text)
    assert (found.speaker, found.occasion) == ("市委书记 张三", "全市生态环境保护大会")
    # a sentence in the body that mentions a meeting says nothing about this speech
    assert find_attribution("坚决打好污染防治攻坚战", "\n".join(paragraphs)) == find_attribution("", "")


def test_author_properties_that_are_accounts_or_offices_are_not_speakers() -> None:
    assert property_speaker("李明") == "李明"
    for author in ("Administrator", "微软用户", "市生态环境局办公室", "XX市人民政府门户网站", "jsmith"):
        assert property_speaker(author) == ""


def test_docx_core_properties_give_speaker_and_occasion_the_text_lacks(tmp_path: Path) -> None:
    path = write_attributed_docx(tmp_path / "a.docx", "李明", "在全市生态环境保护大会上的讲话")
    doc = read_document(path, tmp_path)
    assert (doc.speaker, doc.occasion) == ("李明", "全市生态环境保护大会")
    chunk = chunk_document(doc)[0]
    expected = f"《坚决打好污染防治攻坚战》 › ¶{chunk.paragraph} · 李明 · 全市生态环境保护大会 · 2024-03-15"
    assert chunk.section == () and citation(chunk) == expected
    # a subject that is not an occasion, and the fixture's office author, give nothing
    plain = read_document(write_attributed_docx(tmp_path / "b.docx", "Administrator", "讲话稿"), tmp_path)
    assert (plain.speaker, plain.occasion) == ("", "")
    fixture = read_document(write_docx(tmp_path / "c.docx"), tmp_path)  # author 市生态环境局办公室
    assert (fixture.speaker, fixture.occasion) == ("", "市生态环境局2025年工作会议")


def test_html_meta_author_and_description(tmp_path: Path) -> None:
    _, paragraphs = seed_speech("004")
    page = CHROME_HTML.format(
        title="坚决打好污染防治攻坚战", body="\n".join(f"<p>{p}</p>" for p in paragraphs)
    )
    meta = '<meta name="author" content="王强">\n<meta name="description" content="在全市生态环境保护大会上的讲话">'
    (tmp_path / "a.html").write_bytes(page.replace("</head>", meta + "</head>").encode("gbk"))
    publisher = '<meta name="Author" content="XX市人民政府门户网站">'
    (tmp_path / "b.html").write_bytes(page.replace("</head>", publisher + "</head>").encode("gbk"))
    doc = read_document(tmp_path / "a.html", tmp_path)
    assert (doc.speaker, doc.occasion) == ("王强", "全市生态环境保护大会")
    other = read_document(tmp_path / "b.html", tmp_path)
    assert (other.speaker, other.occasion) == ("", "")


def test_documents_cache_and_index_cache_keep_speaker_and_occasion(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_attributed_docx(corpus / "a.docx", "李明", "在全市生态环境保护大会上的讲话")
    shutil.copy(next(SEEDS.glob("001_*.txt")), corpus)
    cache = DocumentCache(tmp_path / "documents.json")
    first = load_corpus(corpus, cache=cache)
    cache.save()
    stored = DocumentCache(tmp_path / "documents.json")
    assert {(e["speaker"], e["occasion"]) for e in stored.stored.values()} == {
        ("李明", "全市生态环境保护大会"),
        SEED_ATTRIBUTION["001_63e869ee8e955aba"],
    }
    again = load_corpus(corpus, cache=stored)
    assert again.documents == first.documents and len(stored.used) == 2
    fresh = Retriever.from_corpus(corpus, cache_dir=tmp_path / "cache")
    loaded = Retriever.from_corpus(corpus, cache_dir=tmp_path / "cache")
    assert loaded.chunks == fresh.chunks and loaded.documents == fresh.documents
    assert {(c.speaker, c.occasion) for c in loaded.chunks} == {
        ("李明", "全市生态环境保护大会"),
        SEED_ATTRIBUTION["001_63e869ee8e955aba"],
    }


def test_xapian_shard_records_carry_speaker_and_occasion() -> None:
    from retrieval.index.backends.xapian_records import (
        chunk_from_data,
        chunk_to_data,
        documents_from_data,
        documents_to_data,
    )

    document = next(d for d in load_corpus(SEEDS).documents if d.speaker)
    [header] = documents_from_data(documents_to_data((document,)))
    assert (header.speaker, header.occasion) == (document.speaker, document.occasion)
    chunk = chunk_document(document)[0]
    assert chunk_from_data(chunk_to_data(chunk)) == chunk


def test_index_records_written_before_the_fields_existed_are_refused_not_misread() -> None:
    from retrieval.index.records import from_rows, to_row
    from retrieval.types import Chunk

    chunk = chunk_document(next(d for d in load_corpus(SEEDS).documents if d.speaker))[0]
    assert from_rows(Chunk, [to_row(chunk)]) == [chunk]
    with pytest.raises(ValueError):  # an older cache: a rebuild, never a shifted column
        from_rows(Chunk, [to_row(chunk)[:-2]])
