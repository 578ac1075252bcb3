"""The colloquial lexicon: its data file, matching, weighted expansion on the real corpus, query side only."""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path

import pytest

from evaluation.devset import load_devset
from retrieval.index.expansion import Expansion, build_query, find_expansions, lexicon, parse_lexicon
from retrieval.retriever import Retriever, fold_question
from retrieval.settings import RetrieverSettings


def test_every_group_of_the_data_file_names_its_source() -> None:
    text = resources.files("retrieval").joinpath("data", "colloquial.tsv").read_text(encoding="utf-8")
    groups = [line for line in text.splitlines() if line.startswith("# group:")]
    assert len(groups) >= 8
    assert all(" — " in g and len(g.split(" — ", 1)[1]) > 10 for g in groups)
    entries = lexicon()
    assert len(entries) >= 60
    assert all(e.colloquial not in e.official for e in entries if e.colloquial != "市民")


def declared_dev_firings(text: str) -> dict[str, set[str]]:
    """group name -> the entries its `fires on dev questions:` line names (entries before any group: "")."""
    declared: dict[str, set[str]] = {}
    group = ""
    for line in text.splitlines():
        if line.startswith("# group:"):
            group = line.removeprefix("# group:").split(" — ", 1)[0].strip()
            declared[group] = set()
        elif line.startswith("#   fires on dev questions:"):
            listed = line.split(":", 1)[1].strip()
            if listed != "none":
                declared[group] = {item.split(" (", 1)[0].strip() for item in listed.split("), ")}
    return declared


def test_each_group_declares_exactly_the_entries_that_fire_on_dev_questions(corpus_dir: Path) -> None:
    """The lexicon's dev-set gain is an upper bound: the data file says which entries produce it."""
    text = resources.files("retrieval").joinpath("data", "colloquial.tsv").read_text(encoding="utf-8")
    group_of: dict[str, str] = {}
    group = ""
    for line in text.splitlines():
        if line.startswith("# group:"):
            group = line.removeprefix("# group:").split(" — ", 1)[0].strip()
        elif line.strip() and not line.startswith("#"):
            assert group, f"entry {line!r} comes before any group and so has no source"
            group_of[line.split("\t", 1)[0]] = group
    fired: dict[str, set[str]] = {g: set() for g in group_of.values()}
    for question in load_devset(corpus_dir / "eval" / "dev.jsonl"):
        for entry in find_expansions(fold_question(question.question), lexicon()):
            fired[group_of[entry.colloquial]].add(entry.colloquial)
    assert declared_dev_firings(text) == fired
    assert sum(1 for g in fired.values() if not g) >= 7  # the groups added from their sources alone


def test_malformed_lines_are_rejected() -> None:
    with pytest.raises(ValueError, match="colloquial<TAB>"):
        parse_lexicon(["罚钱 罚款"])
    with pytest.raises(ValueError, match=":2:"):
        parse_lexicon(["# comment", "罚钱\t"])


def test_longest_phrase_wins_and_parts_of_it_do_not_fire_again() -> None:
    entries = parse_lexicon(["偷排\t直排", "偷偷排\t偷排偷放", "脏水\t污水"])
    fired = find_expansions("工厂偷偷排脏水", entries)
    assert [e.colloquial for e in fired] == ["偷偷排", "脏水"]


def test_query_weights_only_when_expanded() -> None:
    entries = (Expansion("罚钱", ("罚款", "处罚")),)
    plain = build_query("秸秆怎么办", ["秸秆"], list, 0.5, entries)
    assert plain.weights is None and plain.all_terms == ("秸秆",)
    query = build_query("只罚钱不整改", ["罚钱", "整改"], lambda s: [s], 0.5, entries)
    assert query.expansion_terms == ("罚款", "处罚")
    assert query.weights == (1.0, 1.0, 0.5, 0.5)
    assert query.equivalents("罚钱") == ("罚款", "处罚")
    assert query.equivalents("整改") == ()
    off = build_query("只罚钱不整改", ["罚钱", "整改"], lambda s: [s], 0.0, entries)
    assert off.expansions == () and off.weights is None


@pytest.fixture(scope="module")
def without_lexicon(retriever: Retriever) -> Retriever:
    settings = dataclasses.replace(retriever.settings, expansion_weight=0.0)
    return Retriever(dataclasses.replace(retriever.index, settings=settings), retriever.corpus_dir)


@pytest.mark.parametrize(
    ("question", "evidence"),
    [
        ("冒黑烟的车有人管吗?", "机动车尾气"),  # 冒黑烟 → 尾气 / 超标排放
        ("被重金属污染的农田还能种地吗?", "受污染耕地"),  # 种地 → 耕地
        # groups written from their sources alone (no dev question fires them)
        ("乱倒垃圾的人怎么处罚", "倾倒"),  # 乱倒垃圾 → 非法倾倒 / 固体废物
        ("盖章要跑几个部门", "少跑腿"),  # 盖章 → 审批
        ("废电池扔在哪里", "危险废物"),  # 废电池 → 危险废物
        ("烧烤摊的油烟熏得人受不了", "餐饮油烟"),  # 烧烤 → 露天烧烤 / 油烟
    ],
)
def test_expansion_brings_the_official_passage_into_the_top_three(
    retriever: Retriever, without_lexicon: Retriever, question: str, evidence: str
) -> None:
    def rank(r: Retriever) -> int | None:
        hits = r.rank(question, k=10)
        return next((n for n, (c, _) in enumerate(hits, 1) if evidence in c.text), None)

    with_rank, without_rank = rank(retriever), rank(without_lexicon)
    assert with_rank is not None and with_rank <= 3
    assert without_rank is None or without_rank > with_rank


@pytest.mark.parametrize("question", ["医保卡丢了怎么补办", "开公司需要多少钱", "欠薪找谁", "低保怎么申请"])
def test_livelihood_and_service_entries_leave_off_corpus_questions_not_covered(
    retriever: Retriever, question: str
) -> None:
    """These speeches say nothing on 医保, 开办企业, 欠薪, 低保: the entries fire, the answer stays none."""
    answer = retriever.ask(question)
    assert answer.expanded and answer.confidence == "none"


def test_expansion_terms_are_highlighted_and_reported(retriever: Retriever) -> None:
    answer = retriever.ask("冒黑烟的车有人管吗?")
    assert "尾气" in answer.expanded and "冒" in answer.terms
    top = answer.hits[0]
    assert any(top.excerpt[s:e] == "尾气" or "尾气" in top.excerpt[s:e] for s, e in top.highlights)


def test_lexicon_never_touches_the_index() -> None:
    a, b = RetrieverSettings(), RetrieverSettings(expansion_weight=0.0)
    assert a.cache_key() == b.cache_key()


def test_unexpanded_questions_rank_exactly_as_before(
    retriever: Retriever, without_lexicon: Retriever
) -> None:
    for question in ("督察指出的个性问题是什么？", "開發區空氣質量排第幾？", "秸秆咋办"):
        assert retriever.rank(question, k=10) == without_lexicon.rank(question, k=10)
