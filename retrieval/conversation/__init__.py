"""Conversation stage: (recent turns, question) → effective query + context note, and the turn to remember.

Enters: a `Conversation` (the chat's recent `Turn`s, oldest first), the new question and the time. Leaves:
an `Answer` (its `context` names the earlier question used, its message starts with 接上文：…) and the
conversation with the new turn. `Retriever.ask_in` is the entry point; `Retriever.ask` stays one-shot.

The rule (rule.py decides, rank.py ranks):
1. **More** — the whole message is a "more" request (还有呢 / 更多 / 下一条, `data/more_requests.txt`) and an
   earlier turn is in context: the next passages of that turn's stored ranking, no new search.
2. **New topic** — the question has a term of its own that is not generic: a fresh search, nothing of the
   earlier topic is used (信访 after 秸秆 is about 信访).
3. **Follow-up** — every term is generic (listed in `data/followup_words.txt`, or occurring in at least
   `rule.GENERIC_CHUNK_SHARE` of the chunks) and an earlier turn is in context: searched with the
   follow-up's own terms leading, the earlier topic's terms at half weight, and a bonus for the speech
   (and top-level section) of the earlier answer (rank.py).
4. **No context** — a content-free question (no terms, or only follow-up words) with nothing in context:
   a short request to say what it is about; not answered, no citation.
An earlier turn is *in context* when it is the latest turn of the conversation and at most
`FOLLOW_UP_WINDOW` (30 min) old, or when the message explicitly replies to that turn's answer (any age).
"""

from retrieval.conversation.ask import ask_in, context_note
from retrieval.conversation.rule import Decision, decide, has_topic, is_content_free, is_more_request
from retrieval.conversation.turns import FOLLOW_UP_WINDOW, MAX_TURNS, Conversation, RankedChunk, Turn

__all__ = [
    "FOLLOW_UP_WINDOW",
    "MAX_TURNS",
    "Conversation",
    "Decision",
    "RankedChunk",
    "Turn",
    "ask_in",
    "context_note",
    "decide",
    "has_topic",
    "is_content_free",
    "is_more_request",
]
