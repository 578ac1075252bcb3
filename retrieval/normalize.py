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
from retrieval.mojibake import converter, jieba_words, repair_mojibake
from retrieval.types import NormalizationReport, NormalizedText, Script

_CUT = "\x00"  # sentinel left where the site elided text; turned into `cuts` offsets at the end
_NEUTRAL_PINYIN = frozenset({"men", "de", "le", "zi", "me", "ne", "ma", "ba", "zhe"})
# A space is a paragraph break when both neighbours are CJK, CJK punctuation or a cut sentinel.
_BREAK_CHARS = f"{P.CJK_CLASS}{re.escape(''.join(P.CJK_PUNCT))}{_CUT}"
_PARA_SPACE = re.compile(rf"(?<=[{_BREAK_CHARS}]) +(?=[{_BREAK_CHARS}])")
_HEAD_LINES = 5  # site headers / date lines are only recognised this close to the top


def strip_pinyin_ruby(text: str) -> tuple[str, int]:
    """Remove pinyin ruby such as 標(biāo) -> 標; Latin in parentheses without tone marks is kept."""

    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        syl = m.group(1)
        if P.TONE_VOWELS & set(syl) or syl in _NEUTRAL_PINYIN:
            count += 1
            return ""
        return m.group()

    return P.PINYIN_RUBY.sub(repl, text), count


def _remove(text: str, marker: str) -> tuple[str, list[str], bool]:
    names: list[str] = []
    text, n = P.ELISION.subn(marker, text)
    if n:
        names.append("elision_notice")
    truncated = False
    m = P.TRUNCATION_NOTICE.search(text)
    if m:
        text, truncated = text[: m.start()], True
        names.append("truncation_notice")
    for name, pattern in P.BOILERPLATE:
        text, n = pattern.subn("", text)
        if n:
            names.append(name)
    return text, names, truncated


def remove_boilerplate(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove site junk (notices, navigation, disclaimers); returns the text and the pattern names fired."""
    out, names, _ = _remove(text, "")
    return out, tuple(names)


def _clean_title(title: str) -> str:
    title = P.SITE_NAME.sub("", strip_pinyin_ruby(title)[0])
    return re.sub(r"\s+", " ", title).strip(" |>-")


def _extract_header(text: str) -> tuple[str, str, list[str]]:
    """Find the title and drop header lines (title label, breadcrumb, site name, date)."""
    names: list[str] = []
    title = ""
    m = P.TITLE_LABEL.match(text)
    if m:
        title, text = _clean_title(m.group("title")), text[m.end() :]
        names.append("title_label")
    lines = text.split("\n")
    for i, line in enumerate(lines[:_HEAD_LINES]):
        crumb = P.BREADCRUMB.fullmatch(line)
        if crumb:
            parts = [p.strip() for p in crumb.group("trail").split(">") if p.strip()]
            title = title or (_clean_title(parts[-1]) if parts else "")
            lines[i], names = "", [*names, "breadcrumb"]
        elif P.SITE_HEADER.fullmatch(line) or P.DATE_LINE.fullmatch(line):
            lines[i] = ""
            names.append("site_header" if P.SITE_HEADER.fullmatch(line) else "date_line")
    body = [ln for ln in lines if ln.strip()]
    if not title and len(body) > 1:
        first = body[0].strip()
        # A bare first line is a title only if it is short, CJK and unpunctuated at the end (not "同志们:").
        if len(P.CJK_RE.findall(first)) >= 4 and len(first) <= P.MAX_TITLE_LEN and P.CJK_RE.match(first[-1]):
            title = _clean_title(first)
    text = "\n".join(body).strip()
    if title and text.startswith(title):  # the title line repeated at the top of the body
        text = text[len(title) :]
    return title, text, names


def _paragraphs(text: str) -> tuple[str, tuple[int, ...]]:
    """Collapse whitespace, split paragraphs, and turn cut sentinels into offsets."""
    text = re.sub(r"[ \t\u00a0\u3000]+", " ", text)
    paras = [p.strip() for line in text.split("\n") for p in _PARA_SPACE.split(line.strip())]
    out: list[str] = []
    cuts: list[int] = []
    pending = 0  # cuts seen in sentinel-only paragraphs: they land at the next paragraph's start
    length = 0
    for para in paras:
        content = re.sub(r" *\x00 *", _CUT, para).strip()
        if not content.replace(_CUT, ""):
            pending += para.count(_CUT)
            continue
        length += 1 if out else 0  # the "\n" separator
        cuts.extend([length] * pending)
        pending = 0
        for ch in content:
            if ch == _CUT:
                cuts.append(length)
            else:
                length += 1
        out.append(content.replace(_CUT, ""))
    text = "\n".join(out)
    cuts.extend([len(text)] * pending)
    return text, tuple(sorted(min(c, len(text)) for c in cuts))


def normalize_document(raw: str) -> NormalizedText:
    """Normalize one raw document: title, clean body text, elision offsets and a report."""
    text = unicodedata.normalize("NFKC", raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    text = text.replace("\ufffd", "")
    text, repaired, cut = repair_mojibake(text)
    text = unicodedata.normalize("NFKC", text)
    text, pinyin = strip_pinyin_ruby(text)
    title, text, header_names = _extract_header(text)
    text, names, truncated = _remove(text, _CUT)
    text, cuts = _paragraphs(text)
    if text and text[-1] not in P.SENTENCE_END:
        truncated = True  # ends mid-sentence: the site cut the text off
    if truncated and (not cuts or cuts[-1] != len(text)):
        cuts = (*cuts, len(text))
    report = NormalizationReport(
        pinyin_removed=pinyin,
        boilerplate_removed=tuple(header_names + names),
        mojibake_repaired=repaired,
        mojibake_cut=cut,
        redactions=len(find_redactions(text)),
        truncated=truncated,
    )
    return NormalizedText(title=title, text=text, cuts=cuts, report=report)


def _is_word(word: str) -> bool:
    return converter("t2s").convert(word) in jieba_words()


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
