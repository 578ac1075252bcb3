"""Character and word statistics from jieba's dictionary, and cached OpenCC converters.

Used to score candidate decodings of mojibake (common characters and real words are cheap) and to vet
dropped-number redactions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

import opencc

from retrieval.normalize.patterns import CJK_RE

CHARFREQ_FILE: Final = "charfreq.tsv"
COMMON_PUNCT: Final = frozenset("。，、：；！？“”‘’《》（）…—")
UNKNOWN_COST: Final = 24.0  # -log p for characters absent from the dictionary
_SIMPLIFIED_PENALTY: Final = 8.0  # simplified-only character inside a traditional document


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    """Cached OpenCC converter ("t2s", "s2t"); building one costs milliseconds."""
    return opencc.OpenCC(config)


def jieba_words() -> Mapping[str, int]:
    """jieba's word dictionary (simplified script) as word -> frequency (0 for mere prefixes).

    The tokenizer's own initialized dictionary, so checking words costs no second load of dict.txt.
    """
    # Imported here: the index stage builds on this one, so a module-level import would be a cycle.
    from retrieval.index.tokenize import dictionary_frequencies

    return dictionary_frequencies()


@lru_cache(maxsize=65536)
def simplified(ch: str) -> str:
    """t2s of one character (cached: called for every candidate decoding)."""
    out: str = converter("t2s").convert(ch)
    return out


def word_freq(word: str) -> int:
    """Frequency of a word (any script) in jieba's dictionary; 0 when absent."""
    return jieba_words().get("".join(simplified(c) for c in word), 0)


def build_char_counts() -> Counter[str]:
    """Character frequencies summed over the dictionary words containing them (from jieba's dict.txt)."""
    import jieba  # deferred: only needed to regenerate the data file

    counts: Counter[str] = Counter()
    with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split(" ")
            for ch in word:
                counts[ch] += int(freq)
    return counts


@cache
def _char_counts() -> tuple[dict[str, int], float]:
    """The shipped table `data/charfreq.tsv` (built by `build_char_counts`): loads in milliseconds."""
    text = resources.files("retrieval").joinpath("data", CHARFREQ_FILE).read_text(encoding="utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("# "):  # "#\t6" is a row: the character "#"
            ch, n = line.split("\t")
            counts[ch] = int(n)
    return counts, float(sum(counts.values()))


def write_char_counts(path: Path) -> None:
    """Regenerate the shipped character table (run when jieba's dictionary changes)."""
    header = (
        "# Character frequencies: for each character, the summed frequency of the jieba dictionary words\n"
        "# containing it (dict.txt). Regenerate: `python -m retrieval.normalize.lexicon`;\n"
        "# a test checks it matches.\n"
        "# Used to judge whether a decoding of mojibake is made of common characters.\n"
    )
    rows = sorted(build_char_counts().items(), key=lambda kv: (-kv[1], kv[0]))
    path.write_text(header + "".join(f"{ch}\t{n}\n" for ch, n in rows), encoding="utf-8")


@lru_cache(maxsize=65536)
def char_cost(ch: str, traditional: bool = False) -> float:
    """-log probability of a character; punctuation is cheap, unknown symbols expensive."""
    if ch in COMMON_PUNCT:
        return 6.0
    if not CJK_RE.match(ch):
        return 7.0 if ch.isascii() and ch.isalnum() else UNKNOWN_COST
    counts, total = _char_counts()
    simp = simplified(ch)
    n = counts.get(simp, 0)
    cost = -math.log(n / total) if n else UNKNOWN_COST
    if traditional and simp == ch and converter("s2tw").convert(ch) != ch:
        cost += _SIMPLIFIED_PENALTY
    return cost


if __name__ == "__main__":
    write_char_counts(Path(__file__).parents[1] / "data" / CHARFREQ_FILE)
