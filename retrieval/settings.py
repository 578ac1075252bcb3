"""Retriever settings: every knob the evaluation tool may vary, with the defaults it chose."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from retrieval.errors import ConfigError

TokenizerName = Literal["jieba", "search", "bigram"]
VariantName = Literal["okapi", "l", "plus"]


@dataclass(frozen=True)
class RetrieverSettings:
    # BM25 (rank-bm25 semantics)
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    variant: VariantName = "okapi"
    backend: str = "sparse"  # "sparse" (fast, default) or "rank-bm25" (the reference)
    # tokenization
    tokenizer: TokenizerName = "jieba"
    user_dict: bool = True
    stopwords: bool = True
    index_headings: bool = True
    # chunking (characters)
    chunk_min: int = 80
    chunk_max: int = 400
    # abstention: see retrieval/answer.py for the rule
    min_score: float = 4.0
    min_coverage: float = 0.5
    min_known_share: float = 0.5

    def with_overrides(self, overrides: dict[str, str]) -> RetrieverSettings:
        """Return a copy with NAME=VALUE strings parsed to each field's type."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        values: dict[str, Any] = {}
        for name, raw in overrides.items():
            if name not in fields:
                raise ConfigError(f"unknown setting {name!r}; known: {', '.join(sorted(fields))}")
            current = getattr(self, name)
            values[name] = _parse_like(current, raw, name)
        return dataclasses.replace(self, **values)

    def cache_key(self) -> str:
        """Settings that change the index (not the abstention thresholds), as a stable string."""
        relevant = (
            "k1",
            "b",
            "epsilon",
            "variant",
            "backend",
            "tokenizer",
            "user_dict",
            "stopwords",
            "index_headings",
            "chunk_min",
            "chunk_max",
        )
        return ";".join(f"{n}={getattr(self, n)!r}" for n in relevant)


def _parse_like(current: object, raw: str, name: str) -> object:
    try:
        if isinstance(current, bool):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if isinstance(current, int):
            return int(raw)
        if isinstance(current, float):
            return float(raw)
    except ValueError:
        raise ConfigError(f"setting {name}: cannot parse {raw!r} as {type(current).__name__}") from None
    return raw
