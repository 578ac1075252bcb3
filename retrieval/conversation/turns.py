"""What a conversation remembers: a frozen `Turn` per question, the latest few in a `Conversation`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from retrieval.types import Confidence

# A follow-up must come within this many seconds of the earlier question (the "a while").
FOLLOW_UP_WINDOW = 30 * 60.0
# Turns kept per conversation: only the latest is read, the rest keep a short trail for chained follow-ups.
MAX_TURNS = 5


@dataclass(frozen=True)
class RankedChunk:
    """One entry of a turn's ranking: the chunk's position in the index, its id (checked on use, so a
    reloaded index cannot serve a different chunk) and the score it was shown with."""

    position: int
    chunk_id: str
    score: float


@dataclass(frozen=True)
class Turn:
    question: str  # as the user typed it
    topic: tuple[str, ...]  # topic terms a later follow-up is searched with
    topic_question: str  # the question the topic came from (this one, or the earlier one it followed)
    terms: tuple[str, ...]  # the terms the answer was built with (highlights, abstention)
    answered: bool
    confidence: Confidence  # the answer's grade: "还有呢" pages keep it (a tentative answer stays tentative)
    doc_id: str  # speech of the top hit shown ("" when nothing was found)
    section: tuple[str, ...]  # its section path
    ranked: tuple[RankedChunk, ...]  # the answer's ranking, deeper than what was shown: "还有呢" pages on
    asked_at: float  # seconds (time.time()); refreshed by follow-ups and "more"
    next_hit: int  # index into `ranked` of the first passage not shown yet

    @property
    def chunk_ids(self) -> tuple[str, ...]:
        """Ids of the passages shown so far."""
        return tuple(r.chunk_id for r in self.ranked[: self.next_hit])

    def seen(self, count: int) -> Turn:
        """This turn with `count` passages shown (a front end that displays one hit at a time says so)."""
        return replace(self, next_hit=max(0, min(count, len(self.ranked))))


@dataclass(frozen=True)
class Conversation:
    """The recent turns of one chat (per user in groups), oldest first. Immutable: every call returns a
    new value, so front ends keep whatever store they like (a REPL variable, a bounded LRU in the bot)."""

    turns: tuple[Turn, ...] = ()

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def recent(self, now: float, window: float = FOLLOW_UP_WINDOW) -> Turn | None:
        """The latest turn if it is recent enough to be followed up, else None."""
        last = self.last
        return last if last is not None and 0 <= now - last.asked_at <= window else None

    def with_turn(self, turn: Turn) -> Conversation:
        return Conversation((*self.turns, turn)[-MAX_TURNS:])

    def with_last(self, turn: Turn) -> Conversation:
        """The conversation with its latest turn replaced (a "more" request advances it)."""
        return Conversation((*self.turns[:-1], turn)) if self.turns else Conversation((turn,))
