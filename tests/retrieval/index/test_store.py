"""The index and token caches are data only: pickles are never loaded, tampered files mean a rebuild."""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.index import cache
from retrieval.index.bm25 import CompanionIndex
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings

ROOT = Path(__file__).resolve().parents[3]


class Payload:
    """Unpickling this creates the marker file: proof that a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


@pytest.fixture
def small_corpus(tmp_path: Path, corpus_dir: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus_dir / "001_63e869ee8e955aba.txt", folder)
    return folder


def built(small_corpus: Path, cache_dir: Path, **settings: object) -> Path:
    Retriever.from_corpus(small_corpus, RetrieverSettings(**settings), cache_dir=cache_dir)  # type: ignore[arg-type]
    (folder,) = (p for p in cache_dir.glob("index-*") if p.is_dir())
    return folder


def ask_cli(corpus: Path, cache_dir: Path) -> dict[str, object]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "qabot.cli",
            "ask",
            "--json",
            "--corpus",
            str(corpus),
            "--cache-dir",
            str(cache_dir),
            "约谈开发区",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    answer: dict[str, object] = json.loads(proc.stdout.splitlines()[0])
    return answer


def test_pickles_where_caches_live_are_never_loaded(small_corpus: Path, tmp_path: Path) -> None:
    cache_dir, marker = tmp_path / "cache", tmp_path / "pwned"
    key = cache.corpus_fingerprint(small_corpus, RetrieverSettings())
    evil = pickle.dumps(("x", Payload(marker)))
    cache_dir.mkdir()
    (cache_dir / f"index-{key[:32]}.pkl").write_bytes(evil)  # where the old versions kept the index
    (cache_dir / cache.token_cache_path(cache_dir).with_suffix(".pkl").name).write_bytes(evil)
    assert ask_cli(small_corpus, cache_dir)["hits"]
    folder = cache.cache_path(cache_dir, key)
    for path in [*folder.iterdir(), cache.token_cache_path(cache_dir)]:  # now every cache file is evil
        path.write_bytes(evil)
    assert ask_cli(small_corpus, cache_dir)["hits"]
    assert not marker.exists()


def write_npz(path: Path) -> None:
    array = np.load(path)
    with path.open("wb") as fh:
        np.savez(fh, array)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda f: np.save(f / "word.run_max.npy", np.load(f / "word.run_max.npy").astype(np.float32)),
        lambda f: np.save(f / "word.low.npy", np.load(f / "word.low.npy")[:-1]),
        lambda f: np.save(f / "word.low.npy", np.full_like(np.load(f / "word.low.npy"), 60000)),
        lambda f: np.save(f / "word.idf.npy", np.array([object()] * 3), allow_pickle=True),
        lambda f: write_npz(f / "word.run_start.npy"),
        lambda f: (f / "manifest.json").unlink(),
        lambda f: np.save(f / "word.tf.npy", np.zeros_like(np.load(f / "word.tf.npy"))),
        lambda f: np.save(f / "word.tf.npy", np.full_like(np.load(f / "word.tf.npy"), 255)),
        lambda f: np.save(f / "word.run_start.npy", np.load(f / "word.run_start.npy")[::-1].copy()),
        lambda f: np.save(f / "word.run_term.npy", np.load(f / "word.run_term.npy")[::-1].copy()),
        lambda f: np.save(f / "word.run_term.npy", np.full_like(np.load(f / "word.run_term.npy"), 10**6)),
        lambda f: np.save(f / "word.seg_runs.npy", np.load(f / "word.seg_runs.npy") + 1),
        lambda f: np.save(f / "word.run_max.npy", np.full_like(np.load(f / "word.run_max.npy"), np.nan)),
        lambda f: np.save(f / "word.over_pos.npy", np.array([0], dtype=np.int64)),
        lambda f: np.save(f / "word.doc_len.npy", np.load(f / "word.doc_len.npy").astype(np.int64)),
        lambda f: np.save(f / "word.doc_at.npy", np.zeros_like(np.load(f / "word.doc_at.npy"))),
        lambda f: np.save(f / "word.doc_at.npy", np.load(f / "word.doc_at.npy")[:-1]),
    ],
    ids=[
        "dtype",
        "shape",
        "document-number",
        "object-array",
        "npz",
        "no-manifest",
        "zero-tf",
        "overflow-without-table",
        "run-offsets-order",
        "run-terms-order",
        "run-term-range",
        "segment-runs",
        "bound-nan",
        "overflow-position",
        "doc-len-dtype",
        "doc-order-repeats",
        "doc-order-shape",
    ],
)
def test_tampered_arrays_are_a_warning_and_a_rebuild(
    small_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, tamper: object
) -> None:
    folder = built(small_corpus, tmp_path / "cache", fusion="none")
    tamper(folder)  # type: ignore[operator]
    key = cache.corpus_fingerprint(small_corpus, RetrieverSettings(fusion="none"))
    with caplog.at_level(logging.WARNING):
        assert cache.load_index(folder, key, RetrieverSettings(fusion="none")) is None
    assert "unusable" in caplog.text
    retriever = Retriever.from_corpus(
        small_corpus, RetrieverSettings(fusion="none"), cache_dir=tmp_path / "cache"
    )
    assert retriever.ask("约谈开发区").hits
    assert cache.load_index(folder, key, RetrieverSettings(fusion="none")) is not None  # rebuilt and stored


def tamper_json(folder: Path, name: str, change: object) -> None:
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("corpus.json", lambda d: d["chunks"][0].__setitem__(6, "zero")),  # start offset as a string
        ("corpus.json", lambda d: d["chunks"].pop()),  # chunk count no longer the manifest's
        ("corpus.json", lambda d: d["documents"][0].pop()),  # a field missing
        ("word.backend.json", lambda d: d["state"]["vocab"].append("多余")),  # vocabulary longer than idf
        ("word.backend.json", lambda d: d.__setitem__("backend", "rank-bm25")),
        ("word.json", lambda d: d["terms"].append("多余")),
        ("manifest.json", lambda d: d.__setitem__("format", "qabot-index-3")),  # the pre-compact format
    ],
)
def test_tampered_records_are_a_warning(
    small_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, change: object
) -> None:
    settings = RetrieverSettings(fusion="none")
    folder = built(small_corpus, tmp_path / "cache", fusion="none")
    tamper_json(folder, name, change)
    with caplog.at_level(logging.WARNING):
        assert cache.load_index(folder, cache.corpus_fingerprint(small_corpus, settings), settings) is None
    assert "unusable" in caplog.text


def test_stored_index_answers_like_a_fresh_one(small_corpus: Path, tmp_path: Path) -> None:
    fresh = Retriever.from_corpus(small_corpus, use_cache=False)
    built(small_corpus, tmp_path / "cache")
    loaded = Retriever.from_corpus(small_corpus, cache_dir=tmp_path / "cache")
    assert isinstance(loaded.index.bigram, CompanionIndex)
    assert loaded.chunks == fresh.chunks and loaded.documents == fresh.documents
    assert loaded.index.document_frequency == fresh.index.document_frequency
    for question in ("约谈开发区", "秸秆禁烧", "生态环境保护督察整改"):
        assert loaded.rank(question, 10) == fresh.rank(question, 10)


@pytest.mark.parametrize(("shared", "files", "folders"), [(False, 0o600, 0o700), (True, 0o644, 0o755)])
def test_file_mode_is_a_setting(
    small_corpus: Path, tmp_path: Path, shared: bool, files: int, folders: int
) -> None:
    cache_dir = tmp_path / "cache"
    old_umask = os.umask(0o022)
    try:
        folder = built(small_corpus, cache_dir, shared_cache=shared)
    finally:
        os.umask(old_umask)
    assert folder.stat().st_mode & 0o777 == folders
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {files}
    assert cache.token_cache_path(cache_dir).stat().st_mode & 0o777 == files
