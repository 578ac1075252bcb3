"""The engines `qabot bench --peers` compares, each behind build / top-10 / save, fed the same token lists.

Peers (bm25s, tantivy) come from the `bench` extra and are imported only here, inside the worker process
that measures them; the project never depends on them at run time.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from retrieval.index import store
from retrieval.index.backends import make_backend
from retrieval.settings import RetrieverSettings

TopK = Callable[[list[str]], list[int]]
ENGINES = ("rank-bm25", "sparse", "bm25s-numpy", "bm25s-numba", "tantivy")


def build_engine(name: str, docs: Sequence[Sequence[str]], folder: Path) -> tuple[TopK, int]:
    """Build `name` over `docs`, store it in `folder`; (top-10 function, bytes on disk)."""
    settings = RetrieverSettings()
    if name in ("rank-bm25", "sparse"):
        backend = make_backend(name, variant="okapi", k1=settings.k1, b=settings.b, epsilon=settings.epsilon)
        backend.build(docs)
        store.save_backend(backend, folder, "word")
        return (lambda q: [i for i, _ in backend.top_k(q, 10)]), _size(folder)
    if name.startswith("bm25s"):
        return _bm25s(name.removeprefix("bm25s-"), docs, folder, settings)
    if name == "tantivy":
        return _tantivy(docs, folder)
    raise ValueError(f"unknown engine {name!r}")


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _bm25s(
    backend: str, docs: Sequence[Sequence[str]], folder: Path, settings: RetrieverSettings
) -> tuple[TopK, int]:
    import bm25s  # the bench extra

    # rank-bm25's Okapi idf is "robertson"; bm25s has no ε floor and scores in float32
    retriever = bm25s.BM25(k1=settings.k1, b=settings.b, method="robertson", backend=backend)
    retriever.index([list(d) for d in docs], show_progress=False)
    retriever.save(str(folder / "bm25s"))

    def top_k(query: list[str]) -> list[int]:
        if not query:
            return []
        ids, _ = retriever.retrieve([query], k=10, show_progress=False, n_threads=1)
        return [int(i) for i in np.asarray(ids)[0]]

    return top_k, _size(folder)


def _tantivy(docs: Sequence[Sequence[str]], folder: Path) -> tuple[TopK, int]:
    import tantivy  # the bench extra

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    builder.add_integer_field("id", stored=True, fast=True)
    schema = builder.build()
    path = folder / "tantivy"
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for i, doc in enumerate(docs):
        writer.add_document(tantivy.Document(body=" ".join(doc), id=i))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def top_k(query: list[str]) -> list[int]:
        if not query:
            return []
        should = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in query]
        hits = searcher.search(tantivy.Query.boolean_query(should), 10).hits
        return [int(searcher.doc(address)["id"][0]) for _, address in hits]

    return top_k, _size(folder)


def clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
