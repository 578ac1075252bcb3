"""`Retriever.ask_in` on the real corpus: follow-ups, 还有呢, new topics, no context, expiry, replies."""

from __future__ import annotations

from dataclasses import replace

from retrieval import messages
from retrieval.conversation import FOLLOW_UP_WINDOW, MAX_TURNS, Conversation
from retrieval.normalize import fold_for_matching, to_script
from retrieval.retriever import Retriever
from retrieval.types import Answer

T0 = 1_000_000.0


def converse(
    retriever: Retriever, *questions: str, gap: float = 60.0, k: int = 3
) -> tuple[list[Answer], Conversation]:
    """Ask the questions one after another, `gap` seconds apart, in one conversation."""
    conversation, now, answers = Conversation(), T0, []
    for question in questions:
        answer, conversation = retriever.ask_in(conversation, question, k, now=now)
        answers.append(answer)
        now += gap
    return answers, conversation


def test_follow_up_is_searched_with_the_earlier_topic_in_the_same_speech(retriever: Retriever) -> None:
    (first, follow), _ = converse(retriever, "开发区空气质量排第几？", "那领导提了哪些要求？")
    assert first.context == ""
    assert follow.context == "开发区空气质量排第几？"
    assert follow.message.splitlines()[0] == "接上文：开发区空气质量排第几"
    assert follow.answered
    speech = first.hits[0].chunk.doc_id
    assert all(h.chunk.doc_id == speech for h in follow.hits)
    # the speech's requirements (一是 … 六是 …) come up, the passage with the ranking does not crowd them out
    items = [h.chunk.section[0][:2] for h in follow.hits if h.chunk.section]
    assert any(item in ("一是", "二是", "三是", "四是", "五是", "六是") for item in items)


def test_remedy_follow_up_finds_the_matching_item_of_the_remedies_part(retriever: Retriever) -> None:
    (first, follow), _ = converse(retriever, "群众信访诉求回应存在什么问题？", "那怎么解决？")
    assert fold_for_matching(first.hits[0].chunk.section[-1]).startswith("(五)群众诉求回应机制")
    top = follow.hits[0].chunk
    assert top.section[0].startswith("三、") and top.section[-1].startswith("(五)暢")
    assert "智慧信访" in fold_for_matching(top.text)


def test_concatenating_the_questions_does_not_find_that_item(retriever: Retriever) -> None:
    """Why the follow-up has its own ranking: the plain joined question stays on the problem passage."""
    ranked = retriever.rank("群众信访诉求回应存在什么问题？ 那怎么解决？", k=1)
    assert "智慧信访" not in fold_for_matching(ranked[0][0].text)


def test_more_pages_through_the_stored_ranking_without_a_new_search(retriever: Retriever) -> None:
    (first, more, again), conversation = converse(retriever, "秸秆焚烧怎么管？", "还有呢？", "下一条", k=2)
    expected = [c.chunk_id for c, _ in retriever.rank("秸秆焚烧怎么管？", k=6)]
    assert [h.chunk.chunk_id for h in first.hits] == expected[:2]
    assert [h.chunk.chunk_id for h in more.hits] == expected[2:4]
    assert [h.rank for h in more.hits] == [3, 4]
    assert [h.chunk.chunk_id for h in again.hits] == expected[4:6]
    assert more.answered and more.context == "秸秆焚烧怎么管？" and more.message == "接上文：秸秆焚烧怎么管"
    assert len(conversation.turns) == 1 and conversation.last is not None
    assert conversation.last.next_hit == 6 and conversation.last.chunk_ids == tuple(expected)


def test_more_past_the_end_says_so(retriever: Retriever) -> None:
    answers, _ = converse(retriever, "秸秆焚烧怎么管？", *["还有呢"] * 8, k=3)
    last = answers[-1]
    assert not last.answered and not last.hits
    assert to_script(messages.NO_MORE, "simplified") in last.message


def test_new_topic_starts_fresh_with_no_leakage(retriever: Retriever) -> None:
    (_, second), conversation = converse(retriever, "秸秆焚烧怎么管？", "信访问题怎么处理？")
    alone = retriever.ask("信访问题怎么处理？", 3)
    assert second.context == "" and "接上文" not in second.message
    assert [h.chunk.chunk_id for h in second.hits] == [h.chunk.chunk_id for h in alone.hits]
    assert conversation.last is not None and "秸秆" not in conversation.last.topic


def test_content_free_question_without_context_asks_what_it_is_about(retriever: Retriever) -> None:
    for question in ("还有呢？", "具体有哪些措施？", "那具体怎么做？"):
        answer, conversation = retriever.ask_in(Conversation(), question, now=T0)
        assert not answer.answered and answer.hits == () and answer.context == ""
        assert answer.message == messages.NEED_TOPIC
        assert conversation.turns == ()


def test_traditional_asker_gets_traditional_notes(retriever: Retriever) -> None:
    answer, _ = retriever.ask_in(Conversation(), "還有嗎？", now=T0)
    assert answer.message == to_script(messages.NEED_TOPIC, "traditional") and "問" in answer.message
    (_, follow), _ = converse(retriever, "開發區空氣質量排第幾？", "那領導提了哪些要求？")
    assert follow.message.startswith("接上文：開發區空氣質量排第幾")


def test_follow_up_after_the_window_is_read_on_its_own(retriever: Retriever) -> None:
    (_, late), _ = converse(retriever, "秸秆焚烧怎么管？", "具体有哪些措施？", gap=FOLLOW_UP_WINDOW + 1)
    assert late.context == "" and late.message == messages.NEED_TOPIC


def test_reply_to_an_old_answer_uses_it_whatever_came_in_between(retriever: Retriever) -> None:
    _, conversation = converse(retriever, "群众信访诉求回应存在什么问题？", "秸秆焚烧怎么管？")
    earlier = conversation.turns[0]
    later = T0 + 10 * FOLLOW_UP_WINDOW
    answer, conversation = retriever.ask_in(conversation, "那怎么解决？", now=later, reply_to=earlier)
    assert answer.context == "群众信访诉求回应存在什么问题？"
    assert "智慧信访" in fold_for_matching(answer.hits[0].chunk.text)
    assert conversation.last is not None and conversation.last.topic_question == earlier.question


def test_chained_follow_up_keeps_the_first_question_as_context(retriever: Retriever) -> None:
    (_, _, third), conversation = converse(
        retriever, "督察反馈的个性问题是什么？", "那怎么整改？", "由谁来督促检查？"
    )
    assert third.context in ("", "督察反馈的个性问题是什么？")
    assert conversation.turns[1].topic_question == "督察反馈的个性问题是什么？"


def test_conversation_keeps_only_the_latest_turns(retriever: Retriever) -> None:
    questions = ["秸秆焚烧怎么管？", "信访问题怎么处理？", "饮用水水源地怎么保护？"] * 3
    _, conversation = converse(retriever, *questions)
    assert len(conversation.turns) == MAX_TURNS
    assert conversation.last is not None and conversation.last.question == questions[-1]


def test_ask_stays_one_shot(retriever: Retriever) -> None:
    assert retriever.ask("那怎么整改？", 3).context == ""


def test_more_skips_passages_a_reloaded_index_no_longer_has(retriever: Retriever) -> None:
    _, conversation = converse(retriever, "秸秆焚烧怎么管？")
    turn = conversation.last
    assert turn is not None
    stale = replace(turn.ranked[3], chunk_id="gone#0")  # the chunk at that position changed
    edited = replace(turn, ranked=(*turn.ranked[:3], stale, *turn.ranked[4:]))
    answer, _ = retriever.ask_in(Conversation((edited,)), "还有呢", now=T0 + 60)
    assert [h.rank for h in answer.hits] == [5, 6]  # rank 4 was the stale one
    assert "gone#0" not in [h.chunk.chunk_id for h in answer.hits]


def test_more_keeps_a_tentative_answer_tentative(retriever: Retriever) -> None:
    (first, more), _ = converse(retriever, "今年GDP增长多少", "还有呢")
    assert first.confidence == "low"
    assert more.confidence == "low" and more.answered
    assert to_script(messages.TENTATIVE, "simplified") in more.message
    assert {h.chunk.chunk_id for h in more.hits}.isdisjoint(h.chunk.chunk_id for h in first.hits)


def test_more_after_a_confident_answer_stays_confident(retriever: Retriever) -> None:
    (first, more), _ = converse(retriever, "督察指出的个性问题是什么？", "还有呢")
    assert first.confidence == "high"
    assert more.confidence == "high"
