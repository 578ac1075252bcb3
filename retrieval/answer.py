"""From ranked chunks to an `Answer`: excerpt, highlights, citation, warnings, confidence, script.

Confidence (high / low / none) follows the rule documented in `retrieval/confidence.py`: high is a direct
answer; low lists the closest passages, still cited, under "可能相关（未必直接回答）"; none says shortly that
the speeches do not cover the question and suggests what exists — the closest speeches by score, or, when
nothing matched at all, two example questions built from the corpus's own section headings.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval import messages
from retrieval.chunk.markers import (
    CLAUSE_BREAK,
    ENUMERATION_PATTERNS,
    HEADING_PATTERNS,
    QUANTITY_QUESTION,
    SENTENCE,
)
from retrieval.confidence import grade, measure
from retrieval.index import Index
from retrieval.index.expansion import Query
from retrieval.ingest import beyond_title
from retrieval.normalize import find_redactions, fold_for_matching, merge_spans, to_script
from retrieval.types import SECTION_SEPARATOR, Answer, Chunk, Hit, Script

EXCERPT_MAX_SENTENCES = 3
EXCERPT_MAX_CHARS = 220


def highlight_spans(text: str, terms: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Merged (start, end) spans where any term occurs in `text` (compared after folding)."""
    folded = fold_for_matching(text)
    spans: list[tuple[int, int]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    return tuple(merge_spans(spans))


def select_excerpt(text: str, terms: Sequence[str], index: Index) -> str:
    """The 1–3 sentences of `text` richest in distinct query terms (idf-weighted), in reading order."""
    flat = text.replace("\n", " ")
    sentences = [m.span() for m in SENTENCE.finditer(flat) if m.group().strip()]
    if not sentences:
        return flat.strip()
    folded = fold_for_matching(flat)
    idf = [(t, index.idf(t)) for t in set(terms)]
    weights = [sum(w for t, w in idf if t in folded[s:e]) for s, e in sentences]
    order = sorted(range(len(sentences)), key=lambda i: (-weights[i], i))
    chosen = [order[0]]
    budget = EXCERPT_MAX_CHARS - (sentences[order[0]][1] - sentences[order[0]][0])
    for i in order[1:EXCERPT_MAX_SENTENCES]:
        length = sentences[i][1] - sentences[i][0]
        if weights[i] > 0 and length <= budget:
            chosen.append(i)
            budget -= length
    ordered = sorted(chosen)
    parts: list[str] = []
    for previous, i in zip([None, *ordered], ordered, strict=False):
        if previous is not None and i != previous + 1:
            parts.append(messages.ELLIPSIS)
        parts.append(flat[sentences[i][0] : sentences[i][1]].strip())
    return window_around_terms("".join(parts), terms, EXCERPT_MAX_CHARS * 2)


def window_around_terms(excerpt: str, terms: Sequence[str], limit: int) -> str:
    """An over-long excerpt (one enormous sentence) cut to `limit` characters around its first query term."""
    if len(excerpt) <= limit:
        return excerpt
    folded = fold_for_matching(excerpt)
    first = min((p for p in (folded.find(t) for t in terms) if p >= 0), default=0)
    start = min(max(0, first - limit // 4), len(excerpt) - limit)
    head = messages.ELLIPSIS if start else ""
    tail = messages.ELLIPSIS if start + limit < len(excerpt) else ""
    return head + excerpt[start : start + limit] + tail


def number_withheld(excerpt: str) -> bool:
    """The excerpt has redactions and states no figure at all: a question for a number gets a note."""
    return bool(find_redactions(excerpt)) and not any(ch.isdigit() for ch in excerpt)


def citation(chunk: Chunk) -> str:
    """《title》 › section › ¶N, then · speaker · occasion where stated and not already in the title, then
    · yyyy-mm-dd when the speech's date is known — pasted into reports."""
    sections = "".join(SECTION_SEPARATOR + label for label in chunk.section)
    cited = messages.CITATION_FORMAT.format(title=chunk.title, sections=sections, paragraph=chunk.paragraph)
    stated = beyond_title(chunk.title, chunk.speaker, chunk.occasion)
    cited += "".join(messages.CITATION_PART.format(part=part) for part in stated)
    return cited + messages.CITATION_DATE.format(date=chunk.date) if chunk.date else cited


def chunk_warnings(chunk: Chunk) -> tuple[str, ...]:
    warnings = []
    if chunk.truncated:
        warnings.append(messages.WARN_TRUNCATED)
    if chunk.redacted:
        warnings.append(messages.WARN_REDACTED)
    if chunk.damaged:
        warnings.append(messages.WARN_DAMAGED)
    return tuple(warnings)


def make_hit(
    rank: int, chunk: Chunk, score: float, terms: Sequence[str], index: Index, script: Script
) -> Hit:
    """A ranked chunk dressed for display in the asker's script."""
    excerpt = to_script(select_excerpt(chunk.text, terms, index), script)
    return Hit(
        rank=rank,
        chunk=chunk,
        score=score,
        excerpt=excerpt,
        highlights=highlight_spans(excerpt, terms),
        citation=to_script(citation(chunk), script),
        warnings=tuple(to_script(w, script) for w in chunk_warnings(chunk)),
    )


def not_covered_message(index: Index, ranked: Sequence[tuple[int, float]], script: Script) -> str:
    """Short "not covered" line, then what does exist: the closest speeches, or two example questions."""
    titles: list[str] = []
    for position, _ in ranked:
        title = index.chunks[position].title
        if title not in titles:
            titles.append(title)
    if titles:
        suggestion = messages.SUGGEST_CLOSEST.format(titles="、".join(f"《{t}》" for t in titles[:3]))
    else:
        examples = example_questions(index)
        suggestion = messages.SUGGEST_EXAMPLES.format(examples=" ".join(examples)) if examples else ""
    return to_script(messages.NOT_COVERED + suggestion, script)


def example_questions(index: Index, count: int = 2) -> list[str]:
    """Questions the corpus can answer: one per speech, about its first top-level section heading."""
    examples: list[str] = []
    seen_docs: set[str] = set()
    for chunk in index.chunks:
        if len(examples) >= count:
            break
        if not chunk.section or chunk.doc_id in seen_docs:
            continue
        topic = heading_topic(chunk.section[0])
        if 2 <= len(topic) <= messages.EXAMPLE_TOPIC_MAX:
            seen_docs.add(chunk.doc_id)
            examples.append(messages.EXAMPLE_QUESTION.format(topic=topic))
    return examples


def heading_topic(label: str) -> str:
    """A section label without its 一、/(二)/三是 marker, cut at its first clause: "提高政治站位"."""
    for _, pattern in (*HEADING_PATTERNS, *ENUMERATION_PATTERNS):
        label = pattern.sub("", label, count=1)
    return CLAUSE_BREAK.split(label, maxsplit=1)[0].strip(" ,、:")


def build_answer(
    question: str,
    script: Script,
    terms: Sequence[str],
    ranked: Sequence[tuple[int, float]],
    index: Index,
    note: str = "",
    *,
    query: Query | None = None,
    cosine: float | None = None,
    context: str = "",
) -> Answer:
    """Assemble the answer at the confidence the documented rule gives; hits are listed either way.

    `query` carries the lexicon's expansions (default: just `terms`); `cosine` is the semantic signal's
    top similarity, when that optional signal is on; `context` is the earlier question a follow-up was
    read against (retrieval/conversation).
    """
    query = query or Query(fold_for_matching(question), tuple(terms))
    signals = measure(query, ranked[0], index, cosine) if ranked and query.terms else None
    confidence = grade(signals, index.settings)
    shown_terms = query.all_terms
    hits = tuple(
        make_hit(n + 1, index.chunks[i], s, shown_terms, index, script) for n, (i, s) in enumerate(ranked)
    )
    notes = [note] if note else []
    if confidence == "none":
        notes.append(not_covered_message(index, ranked, script))
    elif confidence == "low":
        notes.append(to_script(messages.TENTATIVE, script))
    asks_number = QUANTITY_QUESTION.search(fold_for_matching(question))
    if confidence != "none" and asks_number and number_withheld(hits[0].excerpt):
        notes.append(to_script(messages.NUMBER_REDACTED, script))
    expanded = tuple(o for e in query.expansions for o in e.official)
    return Answer(
        question=question,
        script=script,
        answered=confidence != "none",
        hits=hits,
        message="\n".join(notes),
        terms=tuple(terms),
        confidence=confidence,
        expanded=expanded,
        context=context,
    )
