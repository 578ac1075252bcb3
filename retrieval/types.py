"""Frozen data passed between pipeline stages. Offsets are character offsets into `Document.text`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Script = Literal["simplified", "traditional"]
# How sure the answer is (rule in retrieval/confidence.py): high = the top passage covers the question;
# low = the question is in the corpus's vocabulary but the passages only partly cover it; none = not covered.
Confidence = Literal["high", "low", "none"]

SECTION_SEPARATOR = " › "


@dataclass(frozen=True)
class NormalizationReport:
    """What normalization removed or repaired in one document (counts are occurrences)."""

    pinyin_removed: int = 0
    boilerplate_removed: tuple[str, ...] = ()  # names of the boilerplate patterns that fired
    mojibake_repaired: int = 0
    mojibake_cut: int = 0
    redactions: int = 0
    truncated: bool = False


@dataclass(frozen=True)
class NormalizedText:
    """Output of `normalize.normalize_document`: display text with paragraphs separated by newlines."""

    title: str
    text: str
    cuts: tuple[int, ...]  # offsets in `text` where the site elided or cut off content
    report: NormalizationReport
    # (start, end) spans in `text` where mojibake was repaired, or (p, p) where a damaged span was cut
    damaged: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: str
    title: str
    text: str
    encoding: str
    cuts: tuple[int, ...]
    report: NormalizationReport
    damaged: tuple[tuple[int, int], ...] = ()
    date: str = ""
    # (level, line) of lines the file marks as headings by style (Word Heading styles, bold short lines),
    # which the chunker treats as headings even without a 一、-style marker
    headings: tuple[tuple[int, str], ...] = ()
    # who gave the speech and at what occasion, where the document states it (retrieval.ingest.attribution)
    speaker: str = ""
    occasion: str = ""

    @property
    def truncated(self) -> bool:
        return self.report.truncated


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    title: str
    section: tuple[str, ...]
    paragraph: int  # 1-based paragraph number within the document
    text: str  # display text, in the document's own script
    start: int
    end: int
    truncated: bool = False
    redacted: bool = False
    damaged: bool = False  # holds repaired or cut mojibake: the wording may be inexact
    date: str = ""
    speaker: str = ""  # the document's, where stated
    occasion: str = ""

    @property
    def section_label(self) -> str:
        return SECTION_SEPARATOR.join(self.section)


@dataclass(frozen=True)
class Hit:
    rank: int
    chunk: Chunk
    score: float
    excerpt: str  # plain text shown to the user, in the asker's script
    highlights: tuple[tuple[int, int], ...]  # (start, end) spans of query terms inside `excerpt`
    citation: str  # 《title》 › section › ¶N, in the asker's script
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    question: str
    script: Script
    answered: bool
    hits: tuple[Hit, ...]
    message: str = ""  # shown instead of / above the hits: abstention or input problems
    terms: tuple[str, ...] = field(default=())
    context: str = ""
    confidence: Confidence = "high"
    expanded: tuple[str, ...] = ()  # official equivalents the colloquial lexicon added to the query

    def __post_init__(self) -> None:
        # `answered` is true exactly for high and low; an unanswered Answer built without a confidence (the
        # early returns for empty questions, older call sites) is "none" rather than a contradiction.
        if not self.answered and self.confidence != "none":
            object.__setattr__(self, "confidence", "none")
        elif self.answered and self.confidence == "none":
            raise ValueError("an answered Answer has confidence high or low")
