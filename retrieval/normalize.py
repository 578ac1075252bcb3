"""Turn raw scraped speech text into clean display text plus a report of what was removed.

Pipeline (order matters): NFKC width folding -> GBK mojibake repair (needs the ASCII pinyin bytes) ->
pinyin ruby stripping -> header/title extraction -> boilerplate removal -> paragraphs. The document's own
script is kept; `fold_for_matching` / `to_script` convert scripts with a 1:1 character mapping.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from retrieval import patterns as P
from retrieval.edits import Edit, delete, map_spans, nfkc, sub
from retrieval.layout import CUT, extract_header, paragraphs
from retrieval.lexicon import converter, jieba_words
from retrieval.mojibake import repair_mojibake_spans
from retrieval.types import NormalizationReport, NormalizedText, Script

_NEUTRAL_PINYIN = frozenset({"men", "de", "le", "zi", "me", "ne", "ma", "ba", "zhe"})


def _ruby_repl(m: re.Match[str]) -> str:
    syl = m.group(1)
    return "" if P.TONE_VOWELS & set(syl) or syl in _NEUTRAL_PINYIN else m.group()


def strip_pinyin_ruby(text: str) -> tuple[str, int]:
    """Remove pinyin ruby such as 標(biāo) -> 標; Latin in parentheses without tone marks is kept."""
    out, edits = sub(P.PINYIN_RUBY, _ruby_repl, text)
    return out, len(edits)


def _remove(text: str, marker: str) -> tuple[str, list[str], bool, list[list[Edit]]]:
    names: list[str] = []
    steps: list[list[Edit]] = []
    text, edits = sub(P.ELISION, marker, text)
    steps.append(edits)
    if edits:
        names.append("elision_notice")
    truncated = False
    m = P.TRUNCATION_NOTICE.search(text)
    if m:
        text, edits = delete(text, [(m.start(), len(text))])
        steps.append(edits)
        truncated = True
        names.append("truncation_notice")
    for name, pattern in P.BOILERPLATE:
        text, edits = sub(pattern, "", text)
        steps.append(edits)
        if edits:
            names.append(name)
    return text, names, truncated, steps


def remove_boilerplate(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove site junk (notices, navigation, disclaimers); returns the text and the pattern names fired."""
    out, names, _, _ = _remove(text, "")
    return out, tuple(names)


def normalize_document(raw: str) -> NormalizedText:
    """Normalize one raw document: title, clean body text, elision offsets, damaged spans and a report."""
    text = unicodedata.normalize("NFKC", raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    text = text.replace("\ufffd", "")
    repair = repair_mojibake_spans(text)
    text, damaged = repair.text, list(repair.spans)
    steps: list[list[Edit]] = []
    text, edits = nfkc(text)
    steps.append(edits)
    text, ruby_edits = sub(P.PINYIN_RUBY, _ruby_repl, text)
    steps.append(ruby_edits)
    title, text, header_names, header_steps = extract_header(text)
    text, names, truncated, remove_steps = _remove(text, CUT)
    text, cuts, paragraph_steps = paragraphs(text)
    for edits in [*steps, *header_steps, *remove_steps, *paragraph_steps]:
        damaged = map_spans(damaged, edits)
    if text and text[-1] not in P.SENTENCE_END:
        truncated = True  # ends mid-sentence: the site cut the text off
    if truncated and (not cuts or cuts[-1] != len(text)):
        cuts = (*cuts, len(text))
    report = NormalizationReport(
        pinyin_removed=len(ruby_edits),
        boilerplate_removed=tuple(header_names + names),
        mojibake_repaired=repair.repaired,
        mojibake_cut=repair.cut,
        redactions=len(find_redactions(text)),
        truncated=truncated,
    )
    return NormalizedText(title=title, text=text, cuts=cuts, report=report, damaged=tuple(sorted(damaged)))


def _is_word(word: str) -> bool:
    return jieba_words().get(converter("t2s").convert(word), 0) > 0


def find_redactions(text: str) -> list[tuple[int, int]]:
    """Spans of placeholders (XX, xx, ×, *, _) and of units whose number the site dropped (下降%, 停家).

    A '*' opening a line and followed by a space is a bullet, not a placeholder. For a dropped number the
    span covers the orphaned unit (the '%' or measure word), since the gap itself has no width.
    """
    spans: set[tuple[int, int]] = set()
    bullets = {m.start() for m in P.BULLET_STAR.finditer(text)}
    for pat in (P.PLACEHOLDER_X, P.PLACEHOLDER_STAR, P.PLACEHOLDER_UNDERSCORE, P.DROPPED_PERCENT):
        spans.update(m.span() for m in pat.finditer(text) if m.start() not in bullets)
    for m in P.DROPPED_COUNT_AFTER_VERB.finditer(text):
        unit_start = m.start("gap")
        after = text[unit_start : unit_start + len(m.group()) - (unit_start - m.start()) + 1]
        if not _is_word(after) and not _is_word(m.group()):
            spans.add((unit_start, m.end()))
    for m in P.DROPPED_COUNT_BEFORE_PUNCT.finditer(text):
        start = m.start("gap")
        if text[start - 1] in P.NUMERAL_OR_DEMONSTRATIVE:
            continue
        if not any(_is_word(text[max(0, start - k) : m.end()]) for k in (1, 2, 3)):
            spans.add((start, m.end()))
    ordered = sorted(spans)
    merged: list[tuple[int, int]] = []
    for s, e in ordered:
        if merged and s <= merged[-1][1] and e > s:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        elif not merged or (s, e) != merged[-1]:
            merged.append((s, e))
    return merged


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch).lower()
    return out if len(out) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def _convert_same_length(text: str, config: str) -> str:
    conv = converter(config)
    out: str = conv.convert(text)
    if len(out) == len(text):
        return out
    # Phrase conversions can change length: fall back to one character at a time to keep offsets.
    return "".join(c2 if len(c2 := conv.convert(c)) == 1 else c for c in text)


def fold_for_matching(text: str) -> str:
    """Simplified script + NFKC + lower case, with exactly one output character per input character."""
    return "".join(_fold_char(c) for c in _convert_same_length(text, "t2s"))


def to_script(text: str, script: Script) -> str:
    """Convert to simplified (t2s) or traditional script, preserving length.

    Traditional uses OpenCC's Taiwan standard (s2tw: 為, 群, 考核, 才) rather than plain s2t, whose
    historical forms (爲, 羣, 考覈, 纔) readers of today's traditional text find odd.
    """
    return _convert_same_length(text, "t2s" if script == "simplified" else "s2tw")


def detect_script(text: str) -> Script:
    """Traditional when a meaningful share of CJK characters change under t2s; ambiguous -> simplified."""
    cjk = "".join(P.CJK_RE.findall(text))
    if not cjk:
        return "simplified"
    changed = sum(a != b for a, b in zip(cjk, _convert_same_length(cjk, "t2s"), strict=True))
    return "traditional" if changed >= max(1.0, 0.05 * len(cjk)) else "simplified"
