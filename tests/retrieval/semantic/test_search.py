"""Query-time search: the per-process cache of question vectors and the exact top k over chunk vectors."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from retrieval.conversation import Conversation
from retrieval.retriever import Retriever
from retrieval.semantic import SemanticIndex
from retrieval.semantic.embedder import Vectors
from retrieval.semantic.search import RECENT_QUERIES
from tests.retrieval.semantic.test_vectors import CountingEmbedder


class QueryCounter(CountingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_query(self, text: str) -> Vectors:
        self.queries.append(text)
        return super().embed_query(text)


def semantic_index(retriever: Retriever, embedder: QueryCounter) -> SemanticIndex:
    texts = [c.text for c in retriever.chunks]
    return SemanticIndex(embedder, embedder.embed_passages(texts))


def test_a_repeated_question_is_embedded_once_in_either_script(retriever: Retriever) -> None:
    embedder = QueryCounter()
    index = semantic_index(retriever, embedder)
    simplified = index.query_vector("冒黑烟的车有人管吗")
    assert np.array_equal(index.query_vector("冒黑煙的車有人管嗎"), simplified)  # folded t2s: one key
    index.top_k("冒黑烟的车有人管吗", 3)
    assert embedder.queries == ["冒黑烟的车有人管吗"]
    assert not simplified.flags.writeable  # the cached vector cannot be changed by a caller


def test_a_chat_message_embeds_once_through_the_conversation_path(retriever: Retriever) -> None:
    embedder = QueryCounter()
    semantic = Retriever(retriever.index, None, semantic_index(retriever, embedder))
    semantic.ask_in(Conversation(), " 冒黑烟的车有人管吗\n", now=0.0)  # ask strips the message, rank does not
    assert embedder.queries == ["冒黑烟的车有人管吗"]


def test_the_least_recently_used_question_is_forgotten_first(retriever: Retriever) -> None:
    embedder = QueryCounter()
    index = semantic_index(retriever, embedder)
    questions = [f"第{i}个问题,污水处理厂怎么建" for i in range(RECENT_QUERIES + 1)]
    index.query_vector(questions[0])
    for question in questions[2:]:
        index.query_vector(question)
    index.query_vector(questions[0])  # used again: now the most recent
    index.query_vector(questions[1])  # the cache is full: the oldest, questions[2], goes
    embedder.queries.clear()
    index.query_vector(questions[0])
    index.query_vector(questions[2])
    assert embedder.queries == [questions[2]]


def test_worker_threads_share_the_cache(retriever: Retriever) -> None:
    embedder = QueryCounter()
    index = semantic_index(retriever, embedder)
    index.query_vector("秸秆焚烧谁来管")
    workers = [threading.Thread(target=index.query_vector, args=("秸秆焚烧谁来管",)) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert embedder.queries == ["秸秆焚烧谁来管"]


class FixedQuery(CountingEmbedder):
    def __init__(self, vector: Vectors) -> None:
        super().__init__()
        self.vector = vector

    def embed_query(self, text: str) -> Vectors:
        return self.vector


def full_sort(cosines: Sequence[float], k: int) -> list[int]:
    values = np.asarray(cosines)
    return [int(i) for i in np.lexsort((np.arange(len(values)), -values))[:k]]


def test_top_k_equals_a_full_sort_ties_in_chunk_order() -> None:
    rng = np.random.default_rng(11)
    rows = rng.integers(0, 4, size=(500, 8)).astype(np.float32)  # few distinct values: many ties
    query = np.ones(8, dtype=np.float32)
    index = SemanticIndex(FixedQuery(query), rows)
    cosines = rows @ query
    for k in (1, 3, 10, 50, 499, 500, 600):
        assert [i for i, _ in index.top_k("城乡环境整治", k)] == full_sort(cosines, k)
