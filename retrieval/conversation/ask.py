"""One question in a conversation: decide (rule.py), search (fresh / follow-up / more), record the turn."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from retrieval import messages
from retrieval.answer import build_answer, make_hit
from retrieval.conversation.rank import positions, rank_followup
from retrieval.conversation.rule import decide, is_generic
from retrieval.conversation.turns import FOLLOW_UP_WINDOW, Conversation, RankedChunk, Turn
from retrieval.normalize import detect_script, to_script
from retrieval.types import Answer, Script

if TYPE_CHECKING:
    from retrieval.retriever import Retriever

# How deep a turn's ranking is kept: "还有呢" pages through at most this many passages.
RANKING_DEPTH = 20
# The 接上文 line names the earlier question, cut to this many characters.
LABEL_CHARS = 24


def ask_in(
    retriever: Retriever,
    conversation: Conversation,
    question: str,
    k: int = 3,
    *,
    now: float | None = None,
    window: float = FOLLOW_UP_WINDOW,
    reply_to: Turn | None = None,
) -> tuple[Answer, Conversation]:
    """Answer `question` as the next message of `conversation`; returns the answer and the new conversation.

    `reply_to` is the turn whose answer the message replies to: it is the context whatever came in between
    and however long ago (an explicit reply needs no time window). Otherwise the latest turn is the context
    when it is at most `window` seconds old.
    """
    now = time.time() if now is None else now
    k = max(k, 1)
    text = question.strip()
    if not text:
        return retriever.ask(question, k), conversation
    script = detect_script(text)
    earlier = reply_to if reply_to is not None else conversation.recent(now, window)
    terms = retriever.question_terms(text)
    decision = decide(text, terms, retriever.index, earlier is not None)
    if decision.kind == "need_topic":
        return Answer(question, script, False, (), to_script(messages.NEED_TOPIC, script)), conversation
    if earlier is not None and decision.kind == "more":
        answer, turn = _more(retriever, earlier, question, script, k, now)
    elif earlier is not None and decision.kind == "followup":
        answer, turn = _followup(retriever, earlier, question, script, terms, k, now)
    else:
        answer, turn = _fresh(retriever, question, terms, k, now)
    if earlier is not None and earlier is conversation.last and decision.kind == "more":
        return answer, conversation.with_last(turn)
    return answer, conversation.with_turn(turn)


def _fresh(retriever: Retriever, question: str, terms: list[str], k: int, now: float) -> tuple[Answer, Turn]:
    answer = retriever.ask(question, k)
    by_id = positions(retriever.index).by_id
    ranked = [(by_id[c.chunk_id], s) for c, s in retriever.rank(question, max(k, RANKING_DEPTH))]
    topic = tuple(t for t in terms if not is_generic(t, retriever.index)) or tuple(terms)
    return answer, _turn(retriever, question, topic, question.strip(), answer, ranked, now)


def _followup(
    retriever: Retriever,
    earlier: Turn,
    question: str,
    script: Script,
    terms: list[str],
    k: int,
    now: float,
) -> tuple[Answer, Turn]:
    index = retriever.index
    own = [t for t in dict.fromkeys(terms) if t not in earlier.topic]
    ranked = rank_followup(index, own, earlier.topic, earlier, max(k, RANKING_DEPTH))
    note = context_note(earlier.topic_question, script)
    # the answer is judged (abstention, highlights) on the topic plus the follow-up's words the corpus knows:
    # "提了" or "打算" would otherwise sink every follow-up on coverage
    answer_terms = list(dict.fromkeys([*(t for t in own if index.is_known(t)), *earlier.topic]))
    answer = build_answer(
        question, script, answer_terms, ranked[:k], index, note, context=earlier.topic_question
    )
    topic = tuple(dict.fromkeys([*earlier.topic, *own]))
    return answer, _turn(retriever, question, topic, earlier.topic_question, answer, ranked, now)


def _more(
    retriever: Retriever, earlier: Turn, question: str, script: Script, k: int, now: float
) -> tuple[Answer, Turn]:
    """The next passages of the earlier answer, from its stored ranking (no new search)."""
    index = retriever.index
    start = earlier.next_hit
    window = earlier.ranked[start : start + k]
    hits = tuple(
        make_hit(start + offset + 1, index.chunks[r.position], r.score, earlier.terms, index, script)
        for offset, r in enumerate(window)
        if r.position < len(index.chunks) and index.chunks[r.position].chunk_id == r.chunk_id
    )
    note = context_note(earlier.topic_question, script)
    if not hits or not earlier.answered:
        message = "\n".join((note, to_script(messages.NO_MORE, script)))
        answer = Answer(question, script, False, hits, message, earlier.terms, context=earlier.topic_question)
    else:
        if earlier.confidence == "low":
            note = "\n".join((note, to_script(messages.TENTATIVE, script)))
        answer = Answer(
            question,
            script,
            True,
            hits,
            note,
            earlier.terms,
            context=earlier.topic_question,
            confidence=earlier.confidence,
        )
    return answer, replace(earlier, next_hit=start + len(window), asked_at=now)


def _turn(
    retriever: Retriever,
    question: str,
    topic: tuple[str, ...],
    topic_question: str,
    answer: Answer,
    ranked: list[tuple[int, float]],
    now: float,
) -> Turn:
    chunks = retriever.index.chunks
    top = answer.hits[0].chunk if answer.hits else None
    return Turn(
        question=question.strip(),
        topic=topic,
        topic_question=topic_question,
        terms=answer.terms,
        answered=answer.answered,
        confidence=answer.confidence,
        doc_id=top.doc_id if top else "",
        section=top.section if top else (),
        ranked=tuple(RankedChunk(p, chunks[p].chunk_id, s) for p, s in ranked),
        asked_at=now,
        next_hit=len(answer.hits),
    )


def context_note(topic_question: str, script: Script) -> str:
    """The one line that shows the assumption: 接上文：<earlier question>."""
    label = topic_question.strip().rstrip("？?。.！!；;，, ")
    if len(label) > LABEL_CHARS:
        label = label[:LABEL_CHARS] + messages.ELLIPSIS
    return to_script(messages.CONTEXT_NOTE.format(topic=label), script)
