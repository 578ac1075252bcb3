"""From ranked chunks to an `Answer`: excerpt, highlights, citation, warnings, abstention, script.

Abstention rule (thresholds in `RetrieverSettings`, chosen with `qabot eval`): answer only when
  1. the top BM25 score is at least `min_score` (off by default: absolute scores change with corpus size), and
  2. coverage — the idf-weighted share of the question's terms that occur (as text) in the top chunk —
     is at least `min_coverage`, and
  3. known share — the idf-weighted share of the question's terms the corpus knows at all
     (`Index.is_known`) — is at least `min_known_share`.
Terms absent from the corpus carry the largest idf, so "明天北京天气" (北京 unknown) fails 2 and 3 even when
"天气" matches a chunk about 重污染天气. Text containment (not token identity) keeps segmentation quirks
("排" in the question, "排名" in the speech) from sinking real questions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from retrieval import messages
from retrieval.chunk.markers import QUANTITY_QUESTION, SENTENCE
from retrieval.index import Index, index_text
from retrieval.normalize import find_redactions, fold_for_matching, merge_spans, to_script
from retrieval.types import SECTION_SEPARATOR, Answer, Chunk, Hit, Script

EXCERPT_MAX_SENTENCES = 3
EXCERPT_MAX_CHARS = 220


def weighted_share(terms: Sequence[str], present: Callable[[str], bool], index: Index) -> float:
    """idf-weighted fraction of `terms` for which `present` holds (0.0 for no terms)."""
    total = sum(index.idf(t) for t in terms)
    return sum(index.idf(t) for t in terms if present(t)) / total if total else 0.0


def should_answer(terms: Sequence[str], top: tuple[int, float] | None, index: Index) -> bool:
    """The documented abstention rule (module docstring); `top` is (chunk position, score)."""
    if top is None or not terms:
        return False
    position, score = top
    settings = index.settings
    top_text = index_text(index.chunks[position], settings)
    coverage = weighted_share(terms, top_text.__contains__, index)
    known = weighted_share(terms, index.is_known, index)
    return (
        score >= settings.min_score
        and coverage >= settings.min_coverage
        and known >= settings.min_known_share
    )


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
    weights = [sum(index.idf(t) for t in set(terms) if t in folded[s:e]) for s, e in sentences]
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
    """《title》 › section › ¶N (· yyyy-mm-dd when the speech's date is known) — pasted into reports."""
    sections = "".join(SECTION_SEPARATOR + label for label in chunk.section)
    cited = messages.CITATION_FORMAT.format(title=chunk.title, sections=sections, paragraph=chunk.paragraph)
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


def not_covered_message(index: Index, script: Script) -> str:
    """Polite abstention with the corpus's topics (document titles) as suggestions."""
    topics = "、".join(f"《{d.title}》" for d in index.documents[:5])
    return to_script(messages.NOT_COVERED + messages.SUGGEST.format(topics=topics), script)


def build_answer(
    question: str,
    script: Script,
    terms: Sequence[str],
    ranked: Sequence[tuple[int, float]],
    index: Index,
    note: str = "",
    *,
    context: str = "",
) -> Answer:
    """Assemble the answer, abstaining per the documented rule; hits are listed either way."""
    answered = should_answer(terms, ranked[0] if ranked else None, index)
    hits = tuple(make_hit(n + 1, index.chunks[i], s, terms, index, script) for n, (i, s) in enumerate(ranked))
    notes = [note] if note else []
    if not answered:
        notes.append(not_covered_message(index, script))
    elif QUANTITY_QUESTION.search(fold_for_matching(question)) and number_withheld(hits[0].excerpt):
        notes.append(to_script(messages.NUMBER_REDACTED, script))
    message = "\n".join(notes)
    return Answer(
        question=question,
        script=script,
        answered=answered,
        hits=hits,
        message=message,
        terms=tuple(terms),
        context=context,
    )
