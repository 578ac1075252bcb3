"""normalize_document and helpers, checked against the real seed corpus."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.normalize import (
    detect_script,
    find_redactions,
    fold_for_matching,
    normalize_document,
    remove_boilerplate,
    strip_pinyin_ruby,
    to_script,
)
from retrieval.normalize import patterns as P
from retrieval.types import NormalizedText

CORPUS = Path(__file__).parents[3] / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))


def _raw(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@cache
def _norm(prefix: str) -> NormalizedText:
    return normalize_document(_raw(prefix))


def test_seed_corpus_present() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("000", "在全市生態環境保護工作推進會議上的講話"),
        ("001", "副市长在市政府就空气质量落后问题约谈开发区会议上的讲话"),
        ("002", "区委书记在中央生态环保督察反馈问题整改工作推进会上的讲话"),
        ("003", "在2024年全市落實中央生態環境保護督察組交辦信訪問題研判會上的講話"),
        ("004", "在市生态环境局2025年工作会议上的讲话"),
    ],
)
def test_titles_and_no_repeated_title(prefix: str, title: str) -> None:
    doc = _norm(prefix)
    assert doc.title == title
    assert not doc.text.startswith(title)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_body_starts_with_salutation(prefix: str) -> None:
    assert _norm(prefix).text.split("\n")[0] in ("同志們:", "同志们:")


def test_pinyin_ruby_stripped() -> None:
    assert strip_pinyin_ruby("標(biāo)題:在會(huì)議上") == ("標題:在會議上", 2)
    assert strip_pinyin_ruby("會議(huì yì)和會議(huìyì)") == ("會議和會議", 2)
    assert _norm("000").report.pinyin_removed > 500
    assert "環境保護工作推進會議" in _norm("000").text


@pytest.mark.parametrize(
    "kept", ["各縣(區)政府", "各鄉(鎮)、街道", "(一)做好生態環境保護工作", "PM2.5平均濃度", "(二)當前存在"]
)
def test_real_parentheses_preserved_000(kept: str) -> None:
    assert kept in _norm("000").text


@pytest.mark.parametrize("kept", ["比县(市、区)平均综合指数(5.88)", "PM2.5平均浓度XX微克"])
def test_real_parentheses_preserved_001(kept: str) -> None:
    assert kept in _norm("001").text


def test_parenthesised_latin_and_numbering_preserved() -> None:
    text = "加强挥发性有机物(VOCs)综合治理。\n(一)强化执法监管。\n各镇(街道)要落实。"
    assert normalize_document(text).text == text


def test_elision_and_truncation_000() -> None:
    doc = _norm("000")
    assert doc.report.truncated
    assert doc.cuts == (doc.cuts[0], len(doc.text))
    assert doc.text[doc.cuts[0] :].startswith("三是巡查排查深入推進。")
    assert doc.text[: doc.cuts[0]].endswith("身體健康和根本\n")
    assert doc.text.endswith("(二)拓寬宣傳教育維度,提升全民生")
    assert {"title_label", "elision_notice", "truncation_notice"} <= set(doc.report.boilerplate_removed)


def test_elision_and_truncation_003() -> None:
    doc = _norm("003")
    assert doc.report.truncated and doc.cuts[-1] == len(doc.text) and len(doc.cuts) == 2
    assert doc.text[doc.cuts[0] :].startswith("(三)監管執法“寬松軟”。")
    assert doc.text.endswith("信訪問題“當下改”更要“長久立”,")


@pytest.mark.parametrize("prefix", ["001", "002", "004"])
def test_complete_documents_not_truncated(prefix: str) -> None:
    doc = _norm(prefix)
    assert not doc.report.truncated and doc.cuts == ()


def test_mid_sentence_end_is_truncation() -> None:
    doc = normalize_document("第一段。\n第二段还没有说完")
    assert doc.report.truncated and doc.cuts == (len(doc.text),)


def test_breadcrumb_site_name_and_date_removed() -> None:
    d1, d2 = _norm("001"), _norm("002")
    assert "首页" not in d1.text and "breadcrumb" in d1.report.boilerplate_removed
    assert "华博范文网" not in d2.text and "2024-12-09" not in d2.text
    assert {"site_header", "date_line", "preview_end"} <= set(d2.report.boilerplate_removed)
    assert d2.text.endswith("谢谢大家!")


def test_footer_boilerplate_removed_004() -> None:
    doc = _norm("004")
    assert doc.text.endswith("为建设美丽*作出新的更大贡献。")
    assert doc.report.boilerplate_removed == ("disclaimer", "rights_notice", "first_published")


def test_remove_boilerplate_helper() -> None:
    text, names = remove_boilerplate(
        "正文。\n免责声明:文稿来源网络整理。\n文稿首发平台:www.example.com(某站)"
    )
    assert text.strip() == "正文。" and names == ("disclaimer", "first_published")


def test_one_line_document_split_into_paragraphs() -> None:
    doc = _norm("000")
    paras = doc.text.split("\n")
    assert "一、提高政治站位,深刻認識生態環境保護工作的極端重要性" in paras
    assert all(p and p == p.strip() for p in paras)
    long_line = "我们开会。" * 80
    assert normalize_document(f"We met in Beijing. {long_line}").text == f"We met in Beijing.\n{long_line}"
    assert (
        normalize_document("We met in Beijing. 我们开会。").text == "We met in Beijing. 我们开会。"
    )  # short: not a scrape


@pytest.mark.parametrize(
    ("prefix", "fragment"),
    [
        ("000", "我們這里召開"),
        ("000", "有待提升。基層環境監管"),
        ("000", "當地的生態景觀"),
        ("000", "質量良天數"),
        ("000", "原貌畝針對"),
        ("003", "“滯緩”。基層對群眾生態"),
        ("003", "開展企業環保“承諾亮諾踐諾”"),
        ("003", "生態環保“行百里者半九不得絲毫懈怠"),
        ("003", "處置高效性,斬斷“鏈條”。"),
    ],
)
def test_mojibake_fixed_in_documents(prefix: str, fragment: str) -> None:
    assert fragment in _norm(prefix).text


def test_mojibake_counts() -> None:
    r0, r3 = _norm("000").report, _norm("003").report
    assert (r0.mojibake_repaired, r0.mojibake_cut) == (3, 4)
    assert (r3.mojibake_repaired, r3.mojibake_cut) == (4, 3)


# "未完" alone is real text in 001 (未完成年度目标), so the truncation notice is checked as "(未完" / "未完,".
FORBIDDEN = [
    "快文網", "快文网", "省略", "正式會員", "(未完", "未完,", "上一篇", "下一篇", "相關欄目", "首页 >",
    "预览阅读", "华博范文网", "👉", "相关阅读", "最近更新", "免责声明", "文稿首发", "gongwentang", "hancun",
    "\ufffd",
]  # fmt: skip
MOJIBAKE_TELLTALES = "鶎谶镎甙倮莶嗬廴湕氐鷳訉娚靶刖俺"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_corpus_is_clean(path: Path) -> None:
    doc = normalize_document(path.read_text(encoding="utf-8"))
    for junk in FORBIDDEN:
        assert junk not in doc.text and junk not in doc.title
    assert not P.PINYIN_LEFTOVER.search(doc.text)
    assert not re.search(rf"[{P.CJK_CLASS}]\?|\?[{P.CJK_CLASS}]", doc.text)
    assert not set(MOJIBAKE_TELLTALES) & set(doc.text)
    assert "\n\n" not in doc.text and doc.text == doc.text.strip()
    assert doc.report.redactions == len(find_redactions(doc.text))


def _spans(text: str) -> list[str]:
    return [text[s:e] for s, e in find_redactions(text)]


def test_redaction_placeholders() -> None:
    assert _spans("主任XX同志,督察xx市,达到xxx%,美丽**交出,全市*家,_總書記") == [
        "XX", "xx", "xxx", "**", "*", "_",
    ]  # fmt: skip
    assert _spans("PM2.5、APP、TEXT、Xbox与大家、国家、此处,专家,一处,各家。") == []
    assert _spans("* 要点一\n* 要点二") == []  # a leading "* " is a bullet


def test_dropped_numbers() -> None:
    text = _norm("000").text
    found = {text[s - 2 : e] for s, e in find_redactions(text)}
    assert {"火點處", "下降%", "關停家", "整改家", "進行次", "達到%"} <= found


def test_redaction_counts() -> None:
    assert _norm("001").report.redactions == 17
    assert _norm("002").report.redactions == 7
    assert _norm("004").report.redactions > 40


def test_fold_for_matching() -> None:
    assert fold_for_matching("生態環境ＰＭ２.５，APP") == "生态环境pm2.5,app"
    for path in SEEDS:
        text = _norm(path.name[:3]).text
        assert len(fold_for_matching(text)) == len(text)


def test_script_round_trip() -> None:
    trad = "在全市生態環境保護工作推進會議上的講話"
    simp = to_script(trad, "simplified")
    assert simp == "在全市生态环境保护工作推进会议上的讲话"
    assert to_script(simp, "traditional") == trad
    assert len(to_script(_norm("004").text, "traditional")) == len(_norm("004").text)


def test_detect_script() -> None:
    assert detect_script(_norm("000").text) == "traditional"
    assert detect_script(_norm("001").text) == "simplified"
    assert detect_script("什么是督察?") == "simplified"
    assert detect_script("會議講了什麼?") == "traditional"
    assert detect_script("PM2.5") == "simplified"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_idempotent_on_seed_output(path: Path) -> None:
    doc = normalize_document(path.read_text(encoding="utf-8"))
    again = normalize_document(doc.text)
    assert again.text == doc.text


def test_large_document_keeps_every_copy() -> None:
    # Speed lives in `qabot bench`, not in a timed unit test; here only that a ~1 MB input comes through whole.
    one = normalize_document(_raw("004")).text
    big = normalize_document("\n".join([one] * 80)).text  # ~1 MB of clean speech text
    assert len(big) >= 79 * len(one)


# Paragraphs end with 。 as speech paragraphs do; a bare unpunctuated first line would read as a title.
_PARA = st.text(alphabet="我们在这里召开會議生態环境保护XxAPP2.5,、:“”()*", min_size=1, max_size=40).map(
    lambda s: s + "。"
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PARA, min_size=1, max_size=6))
def test_normalize_idempotent_and_not_growing(paras: list[str]) -> None:
    raw = "\n".join(paras)
    doc = normalize_document(raw)
    assert len(doc.text) <= len(raw)
    assert normalize_document(doc.text).text == doc.text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fold_preserves_length(text: str) -> None:
    assert len(fold_for_matching(text)) == len(text)
    assert len(to_script(text, "traditional")) == len(text)
    assert len(to_script(text, "simplified")) == len(text)


@pytest.mark.parametrize("prefix", ["000", "003"])
def test_damaged_spans_match_report_and_are_valid(prefix: str) -> None:
    doc = _norm(prefix)
    assert len(doc.damaged) == doc.report.mojibake_repaired + doc.report.mojibake_cut
    assert list(doc.damaged) == sorted(doc.damaged)
    assert all(0 <= s <= e <= len(doc.text) for s, e in doc.damaged)
    assert all("\n" not in doc.text[s:e] for s, e in doc.damaged)


@pytest.mark.parametrize(
    ("prefix", "repaired", "context"),
    [
        ("000", "這", "今天,我們這里召開"),
        ("000", "。基層環", "有待提升。基層環境監管"),
        ("000", "地的生態", "影響了當地的生態景觀"),
        ("003", "保“行百里者半九不得絲", "生態環保“行百里者半九不得絲毫懈怠"),
        ("003", "。基層對群眾生態", "“滯緩”。基層對群眾生態信訪"),
        ("003", "斷“鏈條", "高效性,斬斷“鏈條”。"),
        ("003", "保“承諾", "企業環保“承諾亮諾"),
    ],
)
def test_damaged_spans_point_at_repaired_text(prefix: str, repaired: str, context: str) -> None:
    doc = _norm(prefix)
    at = doc.text.index(context) + context.index(repaired)
    assert (at, at + len(repaired)) in doc.damaged


@pytest.mark.parametrize(
    ("prefix", "context"),
    [
        ("000", "原貌畝|針對"),
        ("000", "質量|良天數"),
        ("000", "當|地的"),
        ("003", "半九|不得"),
        ("003", "斬斷|“鏈條"),
    ],
)
def test_cut_spans_sit_where_text_was_removed(prefix: str, context: str) -> None:
    doc = _norm(prefix)
    at = doc.text.index(context.replace("|", "")) + context.index("|")
    assert (at, at) in doc.damaged


@pytest.mark.parametrize("prefix", ["001", "002", "004"])
def test_clean_documents_have_no_damaged_spans(prefix: str) -> None:
    assert _norm(prefix).damaged == ()


def test_damaged_spans_survive_layout_steps() -> None:
    garbled = "標題:講話 |\n首页 > 講話 >\n能力有待提升;鶎迎h(huán)境監管  隊伍。 ......(快文網省略12字)...... 結束。"
    doc = normalize_document(garbled)
    ((start, end),) = doc.damaged
    assert doc.text[start:end] == "。基層環"


def test_spaces_break_paragraphs_only_in_one_line_scrapes() -> None:
    from retrieval.normalize.layout import is_one_line_scrape

    lined = normalize_document(
        "在全市会议上的讲话\n同志们:\n1. 市级河长每季度巡河不少于一次。 2. 县级河长每月巡河。\n"
    )
    assert "1. 市级河长每季度巡河不少于一次。 2. 县级河长每月巡河。" in lined.text
    body = "今天召开全市河长制工作会议,主要任务是总结去年工作,部署今年任务。" * 10
    one_line = normalize_document(f"在全市会议上的讲话 同志们: {body} 一、提高认识 各级河长要履职。")
    assert "\n一、提高认识\n" in one_line.text
    assert is_one_line_scrape("一" * 400 + "\n二")
    assert not is_one_line_scrape("一" * 100 + "\n二") and not is_one_line_scrape("一二\n三四\n五六")
