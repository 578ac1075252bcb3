"""jieba's prefix dictionary as memory-mapped data files, so a process can tokenize without building it.

Building jieba's dictionary (`Tokenizer.initialize`: half a million words and prefixes into a dict, from a
marshal file in the shared temp folder) is the largest single cost of starting `qabot ask`. A
`FrozenDictionary` holds the very same word -> frequency map, sorted, in three `.npy` arrays (UTF-8 bytes of
the words, their offsets, their frequencies) loaded with `mmap_mode="r"`: opening it costs milliseconds,
and each lookup is a binary search (memoized), which suits questions, not million-chunk builds. jieba's
own code then segments against it, so the tokens are the same by construction (`tests/…/test_dictionary`
checks it on every dev question and corpus chunk).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from retrieval.index.atomic import atomic_write_bytes, file_mode, new_folder, publish_folder

log = logging.getLogger(__name__)

DICTIONARY_FORMAT = "qabot-jieba-dictionary-1"
_ARRAYS = ("words", "offsets", "freqs")
# Lookups are memoized (a question's substrings repeat); a long-running bot forgets them past this many.
MEMO_MAX = 1_000_000


class FrozenDictionary(Mapping[str, int]):
    """A read-only word -> frequency map over sorted, memory-mapped arrays."""

    def __init__(self, words: np.ndarray, offsets: np.ndarray, freqs: np.ndarray, total: int) -> None:
        self.total = total
        # memoryviews index in a fraction of the time numpy scalars take
        self._words = memoryview(words.data)
        self._offsets = memoryview(offsets.data).cast("B").cast("q")
        self._freqs = memoryview(freqs.data).cast("B").cast("q")
        self._count = len(freqs)
        self._memo: dict[str, int | None] = {}

    def _find(self, word: str) -> int | None:
        if word in self._memo:
            return self._memo[word]
        key = word.encode()
        lo, hi, offsets, words = 0, self._count, self._offsets, self._words
        while lo < hi:  # leftmost position whose word is >= key (UTF-8 order is code point order)
            mid = (lo + hi) // 2
            if bytes(words[offsets[mid] : offsets[mid + 1]]) < key:
                lo = mid + 1
            else:
                hi = mid
        found = None
        if lo < self._count and bytes(words[offsets[lo] : offsets[lo + 1]]) == key:
            found = self._freqs[lo]
        if len(self._memo) >= MEMO_MAX:
            self._memo.clear()
        self._memo[word] = found
        return found

    def __getitem__(self, word: str) -> int:
        found = self._find(word)
        if found is None:
            raise KeyError(word)
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._find(word) is not None

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        found = self._find(word)
        return default if found is None else found

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        for i in range(self._count):
            yield bytes(self._words[self._offsets[i] : self._offsets[i + 1]]).decode()


def dictionary_key(sources: list[bytes]) -> str:
    digest = hashlib.sha256(DICTIONARY_FORMAT.encode())
    for source in sources:
        digest.update(hashlib.sha256(source).digest())
    return digest.hexdigest()[:32]


def save(folder: Path, freq: Mapping[str, int], total: int, key: str) -> None:
    """Store `freq` (jieba's FREQ after initialization and user words) as `folder`, atomically."""
    words = sorted(freq)
    encoded = [w.encode() for w in words]
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    arrays: dict[str, np.ndarray] = {
        "words": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "offsets": offsets,
        "freqs": np.array([freq[w] for w in words], dtype=np.int64),
    }
    # Readable by all (0644 / 0755): it holds only jieba's public dictionary and our packaged user words,
    # and replicas under another uid share it; only its owner can write it.
    tmp = new_folder(folder, shared=True)
    for name, array in arrays.items():
        with (tmp / f"{name}.npy").open("xb") as fh:
            np.save(fh, array, allow_pickle=False)
        (tmp / f"{name}.npy").chmod(file_mode(True))
    meta = {"format": DICTIONARY_FORMAT, "key": key, "total": total, "count": len(words)}
    atomic_write_bytes(tmp / "meta.json", json.dumps(meta).encode(), shared=True)
    publish_folder(tmp, folder)


def load(folder: Path, key: str) -> FrozenDictionary | None:
    """The stored dictionary, or None when absent; a damaged or foreign one is reported and ignored."""
    try:
        if not (folder / "meta.json").exists():
            return None
        meta = json.loads((folder / "meta.json").read_bytes())
        if not isinstance(meta, dict) or meta.get("format") != DICTIONARY_FORMAT or meta.get("key") != key:
            raise ValueError("format or key")
        count, total = meta.get("count"), meta.get("total")
        if type(count) is not int or type(total) is not int or count <= 0 or total <= 0:
            raise ValueError("count")
        words, offsets, freqs = (
            np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in _ARRAYS
        )
        if words.dtype != np.uint8 or words.ndim != 1:
            raise ValueError("words")
        if offsets.dtype != np.int64 or offsets.shape != (count + 1,) or freqs.dtype != np.int64:
            raise ValueError("offsets")
        if freqs.shape != (count,) or offsets[0] != 0 or offsets[-1] != len(words):
            raise ValueError("frequencies")
        if not (bool(np.all(np.diff(offsets) > 0)) and int(freqs.min()) >= 0):
            raise ValueError("offsets or frequencies out of order")
        return FrozenDictionary(words, offsets, freqs, total)
    except Exception as exc:  # whatever a damaged file makes numpy or json raise: rebuild it
        log.warning("jieba dictionary %s is unusable (%s); rebuilding", folder, exc)
        return None
