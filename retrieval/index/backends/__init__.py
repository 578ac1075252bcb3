"""BM25 scoring backends behind one interface; `make_backend` picks one by name."""

from __future__ import annotations

from retrieval.errors import ConfigError
from retrieval.index.backends.base import DEFAULT_DELTA, Backend, Variant, Weights, select_top_k
from retrieval.index.backends.reference import RankBM25Backend
from retrieval.index.backends.sparse import SparseBackend

__all__ = [
    "BACKEND_NAMES",
    "DEFAULT_BACKEND",
    "Backend",
    "Variant",
    "Weights",
    "make_backend",
    "select_top_k",
]

DEFAULT_BACKEND = SparseBackend.name
_BACKENDS: dict[str, type[SparseBackend] | type[RankBM25Backend]] = {
    SparseBackend.name: SparseBackend,
    RankBM25Backend.name: RankBM25Backend,
}
BACKEND_NAMES: tuple[str, ...] = tuple(_BACKENDS)
VARIANTS: tuple[Variant, ...] = ("okapi", "l", "plus")


def make_backend(
    name: str, *, variant: Variant, k1: float, b: float, epsilon: float, delta: float | None = None
) -> Backend:
    """A fresh, unbuilt backend; `delta` defaults to rank_bm25's (0.5 for BM25L, 1 for BM25+)."""
    if name not in _BACKENDS:
        raise ConfigError(f"unknown backend {name!r}; choose one of: {', '.join(BACKEND_NAMES)}")
    if variant not in VARIANTS:
        raise ConfigError(f"unknown BM25 variant {variant!r}; choose one of: {', '.join(VARIANTS)}")
    if k1 <= 0 or not 0 <= b <= 1:  # k1 = 0 makes rank_bm25 divide 0 by 0 for absent terms
        raise ConfigError(f"BM25 needs k1 > 0 and 0 <= b <= 1 (got k1={k1}, b={b})")
    chosen_delta = DEFAULT_DELTA[variant] if delta is None else delta
    backend: Backend = _BACKENDS[name](variant=variant, k1=k1, b=b, epsilon=epsilon, delta=chosen_delta)
    return backend
