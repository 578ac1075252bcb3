"""The pattern data module: each pattern matches its site junk and leaves real text alone."""

from __future__ import annotations

import re

import pytest

from retrieval.normalize import patterns as P


def test_all_boilerplate_patterns_are_named_and_compiled() -> None:
    names = [name for name, _ in P.BOILERPLATE]
    assert len(names) == len(set(names))
    assert all(isinstance(p, re.Pattern) for _, p in P.BOILERPLATE)


@pytest.mark.parametrize(
    "notice",
    [
        "......(快文網http://www.hancun.net省略1275字,正式會員可完整閱讀)......",
        "……(快文网http://www.example.net省略808字,正式会员可完整阅读)……",
    ],
)
def test_elision_notice(notice: str) -> None:
    assert P.ELISION.fullmatch(notice)


def test_truncation_notice_with_title_inside() -> None:
    text = (
        "提升全民生 ......(未完,全文共8260字,當前只顯示3314字,請閱讀下面提示信息。收藏在全市會議上的講話)"
        " 上一篇:X"
    )
    m = P.TRUNCATION_NOTICE.search(text)
    assert m and text[: m.start()] == "提升全民生 "


@pytest.mark.parametrize(
    ("name", "junk"),
    [
        ("nav_links", " 上一篇:在某會上的講話 下一篇:在某會上的報告 相關欄目:環保 生態 |"),
        (
            "preview_end",
            "预览阅读已结束,若您需要全文或代笔。\n请点击👉 mooonya 👈联系老师\n\n相关阅读\n最近更新",
        ),
        ("disclaimer", "免责声明:文稿来源网络整理,版权归原作者所有。"),
        ("rights_notice", "若侵犯了您的合法权益,请作者持权属证明与本站联系,我们将及时更正、删除!谢谢!"),
        ("first_published", "文稿首发平台:www.gongwentang.com(公文堂)"),
        ("related_links", "相关阅读"),
    ],
)
def test_boilerplate_pattern_matches(name: str, junk: str) -> None:
    pattern = dict(P.BOILERPLATE)[name]
    assert pattern.sub("", junk).strip() == ""


@pytest.mark.parametrize(
    "real", ["一、2024年工作回顾", "(一)强化执法监管,健全环境监管体系", "上一篇文章提到的问题"]
)
def test_boilerplate_leaves_speech_text(real: str) -> None:
    for _, pattern in P.BOILERPLATE:
        assert pattern.sub("", real) == real


def test_header_patterns() -> None:
    crumb = P.BREADCRUMB.fullmatch("首页 > 讲话范文 > 副市长在会议上的讲话 >")
    assert crumb and crumb.group("trail").split(">")[-2].strip() == "副市长在会议上的讲话"
    assert P.SITE_HEADER.fullmatch("华博范文网 首页")
    assert P.DATE_LINE.fullmatch("2024-12-09 华博范文网")
    assert not P.DATE_LINE.fullmatch("2024年,在市委、市政府的坚强领导下")
    m = P.TITLE_LABEL.match("標題:在全市會議上的講話 |\n正文")
    assert m and m.group("title") == "在全市會議上的講話"
    assert P.SITE_NAME.sub("", "华博范文网") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("主任XX同志", ["XX"]), ("督察xx市", ["xx"]), ("源地xxx%达标", ["xxx"]), ("APP和TEXT及PM2.5", [])],
)
def test_placeholder_x(text: str, expected: list[str]) -> None:
    assert P.PLACEHOLDER_X.findall(text) == expected


def test_pinyin_ruby_requires_cjk_before() -> None:
    assert P.PINYIN_RUBY.findall("標(biāo)題 (PM2.5) 县(区)") == ["biāo"]
    assert P.PINYIN_LEFTOVER.search("x(huán)") and not P.PINYIN_LEFTOVER.search("(PM2.5)")
