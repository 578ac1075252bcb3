"""Repair of GBK byte-shift mojibake in scraped pages.

The source pages were GBK. When one byte is lost, every following byte pairs up with the wrong partner
(`；鶎迎h` = A3BB F98C D3AD 68 instead of A1A3 BBF9 8CD3 AD68 = `。基層環`) until an ASCII byte
resynchronises the decoder. We find runs that contain suspicious characters, re-encode them as GBK and
search (Viterbi) for the cheapest re-decoding that may drop bytes, re-pair them, or re-create a lost lead
byte: the character that makes a dictionary word with its neighbour (環 + B1A3 = 環保) or else punctuation
(A1A3 = 。). "Cheap" means common characters according to jieba's dictionary. Leftovers no realignment
explains (`时］`) and orphaned fragments (`?jī)`) are cut.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from retrieval.normalize.edits import Edit, Span, delete, map_spans, sub
from retrieval.normalize.lexicon import COMMON_PUNCT, char_cost, converter
from retrieval.normalize.patterns import CJK_CLASS, CJK_RE, PINYIN_LETTERS
from retrieval.normalize.residue import changed_regions, diff_edits, residue_cuts, word_with

# Full-width punctuation that NFKC folded to ASCII; restored before re-encoding (it took part in pairing).
_UNFOLD: Final = {";": "；", "!": "！", ",": "，", ":": "："}
_REFOLD: Final = {v: k for k, v in _UNFOLD.items()}
# A run: non-ASCII characters, foldable punctuation, and single ASCII bytes usable as GBK trail bytes.
_RUN: Final = re.compile(r"(?:[^\x00-\x7f]|[;!,:]|(?<![A-Za-z@])[@-Z^_a-z](?![A-Za-z@]))+")
# Orphaned fragments left where the decoder gave up: `?`, `?cè)`, `?jī)?yōu)`, `?h` next to CJK.
_ORPHAN: Final = re.compile(
    rf"(?<=[{CJK_CLASS})])(?:\?(?:[{PINYIN_LETTERS}]{{1,7}}\)|[A-Za-z@](?=[{CJK_CLASS}])))+"
)
# Pinyin ruby at the end of the text before a run: skipped to find the run's real left neighbour.
_RUBY: Final = rf"(?:\([{PINYIN_LETTERS} ']{{1,30}}\))+"
_TRAILING_RUBY: Final = re.compile(_RUBY + r"\Z")
_LEADING_RUBY: Final = re.compile(r"\A" + _RUBY)
_RARE_COST: Final = 15.5  # characters costlier than this make a run suspicious
_ASCII_COST: Final = 14.0  # a lone ASCII byte glued between CJK characters
_SKIP_COST: Final = 16.0  # dropping one byte (the partner of a lost byte)
_INSERT_COST: Final = 3.0  # re-creating a lost lead byte
_WORD_BONUS: Final = 5.0  # the re-created character forms a dictionary word with a neighbour
_MARGIN: Final = 6.0  # a re-decoding must beat the original by this much to be accepted


@dataclass(frozen=True)
class MojibakeRepair:
    text: str
    spans: tuple[Span, ...]  # repaired spans, and (p, p) where damaged text was cut, in `text`
    repaired: int
    cut: int


def _suspicious(ch: str, traditional: bool) -> bool:
    if ch == "@" or (ch.isascii() and ch.isalpha()):
        return True  # only lone letters reach here: _RUN excludes Latin words
    return bool(CJK_RE.match(ch)) and char_cost(ch, traditional) > _RARE_COST


def _encode(run: str) -> bytes | None:
    try:
        return "".join(_UNFOLD.get(c, c) for c in run).encode("gbk")
    except UnicodeEncodeError:
        return None


def _decode(data: bytes) -> str:
    try:
        return data.decode("gbk")
    except UnicodeDecodeError:
        return ""


@cache
def _leads_for(trail: int) -> tuple[tuple[int, str], ...]:
    """Every GBK character that has `trail` as its second byte, with its lead byte."""
    pairs = ((lead, _decode(bytes((lead, trail)))) for lead in range(0x81, 0xFF))
    return tuple((lead, ch) for lead, ch in pairs if len(ch) == 1)


@lru_cache(maxsize=65536)
def _lost_lead(prev: str, trail: int, traditional: bool) -> tuple[str, float] | None:
    """The character whose lead byte was lost before `trail`: one that makes a word with the intact
    character before it (環 + B1A3 -> 環保), else punctuation (A1A3 -> 。); with its cost."""
    best: tuple[int, str] | None = None
    for _lead, ch in _leads_for(trail):
        freq = word_with(prev, ch)
        if freq and (best is None or freq > best[0]):
            best = (freq, ch)
    if best is not None:
        return best[1], _INSERT_COST + char_cost(best[1], traditional) - _WORD_BONUS
    punct = _decode(bytes((0xA1, trail)))
    return (punct, char_cost(punct) + _INSERT_COST) if punct in COMMON_PUNCT else None


def _run_cost(run: str, traditional: bool) -> float:
    return sum(_ASCII_COST if c.isascii() and c.isalpha() else char_cost(c, traditional) for c in run)


def _redecode(data: bytes, traditional: bool, before: str) -> tuple[float, str]:
    """Viterbi over byte positions: pair two bytes, keep an ASCII byte, drop a byte or re-create a lead.

    At most one lead byte is re-created per run (state `made`): two would let any clean text be re-paired.
    """
    n = len(data)
    best: list[list[tuple[float, str]]] = [[(math.inf, "")] * (n + 1) for _ in range(2)]
    best[0][0] = (0.0, "")
    for i in range(n):
        for made in (0, 1):
            cost, text = best[made][i]
            if cost == math.inf:
                continue
            steps: list[tuple[int, int, float, str]] = [(i + 1, made, _SKIP_COST, "")]
            if data[i] < 0x80:
                ch = chr(data[i])
                steps.append((i + 1, made, _ASCII_COST if ch.isalpha() or ch == "@" else 6.0, ch))
            elif i + 1 < n and (ch := _decode(data[i : i + 2])):
                steps.append((i + 2, made, char_cost(ch, traditional), ch))
            if data[i] >= 0xA1 and not made:
                lost = _lost_lead((text or before)[-1:], data[i], traditional)
                if lost:
                    steps.append((i + 1, 1, lost[1], lost[0]))
            for j, state, step_cost, piece in steps:
                if cost + step_cost < best[state][j][0]:
                    best[state][j] = (cost + step_cost, text + piece)
    return min(best[0][n], best[1][n])


def _repair_run(run: str, traditional: bool, before: str, after: str) -> MojibakeRepair | None:
    data = _encode(run)
    if data is None:
        return None
    cost, fixed = _redecode(data, traditional, before)
    fixed = "".join(_REFOLD.get(c, c) for c in fixed)
    if fixed == run or cost > _run_cost(run, traditional) - _MARGIN:
        return None
    regions = changed_regions(run, fixed)
    pieces = residue_cuts(fixed, regions, before, after, traditional)
    text, edits = delete(fixed, pieces)
    mapped = map_spans(regions, edits)
    repaired = [s for s in mapped if s[1] > s[0]]
    # A region the cuts emptied is already marked by its cut; one that was empty all along is a cut itself.
    emptied = [m for m, r in zip(mapped, regions, strict=True) if r[0] == r[1]]
    cuts = map_spans([(s, s) for s, _ in pieces], edits) + emptied
    return MojibakeRepair(text, tuple(sorted(repaired + cuts)), len(repaired), len(cuts))


def _left_neighbour(text: str) -> str:
    return _TRAILING_RUBY.sub("", text[-40:])[-1:]


def _right_neighbour(text: str) -> str:
    return _LEADING_RUBY.sub("", text[:40])[:1]


def _is_traditional(text: str) -> bool:
    cjk = CJK_RE.findall(text[:5000])
    simp = converter("t2s").convert("".join(cjk))
    return bool(cjk) and sum(a != b for a, b in zip(cjk, simp, strict=True)) >= 0.05 * len(cjk)


def repair_mojibake_spans(text: str, traditional: bool | None = None) -> MojibakeRepair:
    """Repair or cut GBK byte-shift mojibake; spans mark every repaired or cut place in the result."""
    if traditional is None:
        traditional = _is_traditional(text)
    text, orphan_edits = sub(_ORPHAN, "", text)
    spans = map_spans([(s, s) for s, _, _ in orphan_edits], orphan_edits)
    repaired, cut = 0, len(orphan_edits)
    out: list[str] = []
    run_spans: list[Span] = []
    run_edits: list[Edit] = []
    pos = length = 0
    for m in _RUN.finditer(text):
        if not any(_suspicious(c, traditional) for c in m.group()):
            continue
        before, after = _left_neighbour(text[: m.start()]), _right_neighbour(text[m.end() :])
        fix = _repair_run(m.group(), traditional, before, after)
        if fix is None:
            continue
        out.append(text[pos : m.start()])
        length += m.start() - pos
        run_spans.extend((length + s, length + e) for s, e in fix.spans)
        run_edits.extend((m.start() + i1, m.start() + i2, n) for i1, i2, n in diff_edits(m.group(), fix.text))
        out.append(fix.text)
        length += len(fix.text)
        pos = m.end()
        repaired += fix.repaired
        cut += fix.cut
    out.append(text[pos:])
    spans = sorted(map_spans(spans, run_edits) + run_spans)
    return MojibakeRepair("".join(out), tuple(spans), repaired, cut)


def repair_mojibake(text: str, traditional: bool | None = None) -> tuple[str, int, int]:
    """Repair or cut GBK byte-shift mojibake; returns (text, repaired spans, cut spans)."""
    fix = repair_mojibake_spans(text, traditional)
    return fix.text, fix.repaired, fix.cut
