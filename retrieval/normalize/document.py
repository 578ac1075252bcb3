"""Turn raw scraped speech text into clean display text plus a report of what was removed.

Pipeline (order matters): NFKC width folding -> GBK mojibake repair (needs the ASCII pinyin bytes) ->
pinyin ruby stripping -> header/title extraction -> boilerplate removal -> paragraphs. The document's own
script is kept; `retrieval.normalize.script` converts scripts with a 1:1 character mapping.
"""

from __future__ import annotations

import re
import unicodedata

from retrieval.normalize import patterns as P
from retrieval.normalize.edits import Edit, delete, map_spans, nfkc, sub
from retrieval.normalize.layout import CUT, extract_header, paragraphs
from retrieval.normalize.mojibake import repair_mojibake_spans
from retrieval.normalize.redactions import find_redactions
from retrieval.types import NormalizationReport, NormalizedText

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
