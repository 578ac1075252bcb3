"""Repair of GBK byte-shift mojibake in scraped pages.

The source pages were GBK. When one byte is lost, every following byte pairs up with the wrong partner
(`；鶎迎h` = A3BB F98C D3AD 68 instead of A1A3 BBF9 8CD3 AD68 = `。基層環`) until an ASCII byte
resynchronises the decoder. We find runs that contain suspicious characters, re-encode them as GBK and
search (Viterbi) for the cheapest re-decoding that may drop or re-pair bytes, where "cheap" means common
characters according to jieba's dictionary. Fragments that cannot be repaired (`?jī)`) are cut.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

import opencc

from retrieval.patterns import CJK_CLASS, CJK_RE, PINYIN_LETTERS

# Full-width punctuation that NFKC folded to ASCII; restored before re-encoding (it took part in pairing).
_UNFOLD: Final = {";": "；", "!": "！", ",": "，", ":": "："}
# A run: non-ASCII characters, foldable punctuation, and single ASCII bytes usable as GBK trail bytes.
_RUN: Final = re.compile(r"(?:[^\x00-\x7f]|[;!,:]|(?<![A-Za-z@])[@-Z^_a-z](?![A-Za-z@]))+")
# Orphaned fragments left where the decoder gave up: `?`, `?cè)`, `?jī)?yōu)`, `?h` next to CJK.
_ORPHAN: Final = re.compile(
    rf"(?<=[{CJK_CLASS})])(?:\?(?:[{PINYIN_LETTERS}]{{1,7}}\)|[A-Za-z@](?=[{CJK_CLASS}])))+"
)
_COMMON_PUNCT: Final = frozenset("。，、：；！？“”‘’《》（）…—")
_UNKNOWN_COST: Final = 24.0  # -log p for characters absent from the dictionary
_RARE_COST: Final = 15.5  # characters costlier than this make a run suspicious
_SIMPLIFIED_PENALTY: Final = 8.0  # simplified-only character inside a traditional document
_ASCII_COST: Final = 14.0  # a lone ASCII byte glued between CJK characters
_SKIP_COST: Final = 16.0  # dropping one byte (the partner of a lost byte)
_INSERT_COST: Final = 3.0  # re-creating a lost punctuation lead byte
_MARGIN: Final = 6.0  # a re-decoding must beat the original by this much to be accepted


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    """Cached OpenCC converter ("t2s", "s2t"); building one costs milliseconds."""
    return opencc.OpenCC(config)


@cache
def jieba_words() -> dict[str, int]:
    """jieba's word dictionary (simplified script) as word -> frequency; read once, lazily."""
    import jieba  # deferred: importing jieba is slow and only the dictionary file is needed

    words: dict[str, int] = {}
    with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split(" ")
            words[word] = int(freq)
    return words


@cache
def _char_counts() -> tuple[Counter[str], float]:
    """Character frequencies summed over the words that contain them."""
    counts: Counter[str] = Counter()
    for word, freq in jieba_words().items():
        for ch in word:
            counts[ch] += freq
    return counts, float(sum(counts.values()))


@lru_cache(maxsize=65536)
def char_cost(ch: str, traditional: bool = False) -> float:
    """-log probability of a character; punctuation is cheap, unknown symbols expensive."""
    if ch in _COMMON_PUNCT:
        return 6.0
    if not CJK_RE.match(ch):
        return 7.0 if ch.isascii() and ch.isalnum() else _UNKNOWN_COST
    counts, total = _char_counts()
    simp = converter("t2s").convert(ch)
    n = counts.get(simp, 0)
    cost = -math.log(n / total) if n else _UNKNOWN_COST
    if traditional and simp == ch and converter("s2tw").convert(ch) != ch:
        cost += _SIMPLIFIED_PENALTY
    return cost


def _suspicious(ch: str, traditional: bool) -> bool:
    if ch == "@" or (ch.isascii() and ch.isalpha()):
        return True  # only lone letters reach here: _RUN excludes Latin words
    return bool(CJK_RE.match(ch)) and char_cost(ch, traditional) > _RARE_COST


def _encode(run: str) -> bytes | None:
    try:
        return "".join(_UNFOLD.get(c, c) for c in run).encode("gbk")
    except UnicodeEncodeError:
        return None


def _run_cost(run: str, traditional: bool) -> float:
    return sum(_ASCII_COST if c.isascii() and c.isalpha() else char_cost(c, traditional) for c in run)


def _redecode(data: bytes, traditional: bool) -> tuple[float, str]:
    """Viterbi over byte positions: pair two bytes, keep an ASCII byte, or drop a byte."""
    n = len(data)
    best: list[tuple[float, str]] = [(math.inf, "")] * (n + 1)
    best[0] = (0.0, "")
    for i in range(n):
        cost, text = best[i]
        if cost == math.inf:
            continue
        steps: list[tuple[int, float, str]] = [(i + 1, _SKIP_COST, "")]
        if data[i] < 0x80:
            ch = chr(data[i])
            steps.append((i + 1, _ASCII_COST if ch.isalpha() or ch == "@" else 6.0, ch))
        elif i + 1 < n:
            try:
                ch = data[i : i + 2].decode("gbk")
                steps.append((i + 2, char_cost(ch, traditional), ch))
            except UnicodeDecodeError:
                pass
        if data[i] >= 0xA1:  # the lost byte may have been a punctuation lead byte: A1A3 = 。
            try:
                ch = (b"\xa1" + data[i : i + 1]).decode("gbk")
                if ch in _COMMON_PUNCT:
                    steps.append((i + 1, char_cost(ch) + _INSERT_COST, ch))
            except UnicodeDecodeError:
                pass
        for j, step_cost, piece in steps:
            if cost + step_cost < best[j][0]:
                best[j] = (cost + step_cost, text + piece)
    return best[n]


def _fold(text: str) -> str:
    return "".join({v: k for k, v in _UNFOLD.items()}.get(c, c) for c in text)


def _repair_run(run: str, traditional: bool) -> tuple[str, int, int]:
    data = _encode(run)
    if data is None:
        return run, 0, 0
    cost, fixed = _redecode(data, traditional)
    fixed = _fold(fixed)
    if fixed == run or cost > _run_cost(run, traditional) - _MARGIN:
        return run, 0, 0
    # A second lost byte inside the run leaves leftovers no realignment explains: cut them.
    leftovers = {c for c in fixed if not c.isascii() and c not in _COMMON_PUNCT and char_cost(c) > _RARE_COST}
    fixed = "".join(c for c in fixed if c not in leftovers)
    repaired = cut = 0
    for op in difflib.SequenceMatcher(None, run, fixed, autojunk=False).get_opcodes():
        tag = op[0]
        if tag in ("replace", "insert"):
            repaired += 1
        elif tag == "delete":
            cut += 1
    return fixed, repaired, cut


def repair_mojibake(text: str, traditional: bool | None = None) -> tuple[str, int, int]:
    """Repair or cut GBK byte-shift mojibake; returns (text, repaired spans, cut spans)."""
    if traditional is None:
        cjk = CJK_RE.findall(text[:5000])
        simp = converter("t2s").convert("".join(cjk))
        traditional = bool(cjk) and sum(a != b for a, b in zip(cjk, simp, strict=True)) >= 0.05 * len(cjk)
    text, cut = _ORPHAN.subn("", text)
    repaired = 0
    out: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        run = m.group()
        if not any(_suspicious(c, traditional) for c in run):
            continue
        fixed, r, c = _repair_run(run, traditional)
        out.append(text[pos : m.start()])
        out.append(fixed)
        pos = m.end()
        repaired += r
        cut += c
    out.append(text[pos:])
    return "".join(out), repaired, cut
