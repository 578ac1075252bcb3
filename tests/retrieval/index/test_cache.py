"""Index cache: reused when valid, rebuilt with a warning when stale or corrupt, never in the corpus folder."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from retrieval.index import cache
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings


@pytest.fixture
def small_corpus(tmp_path: Path, corpus_dir: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("001_63e869ee8e955aba.txt", "002_57d90a8fe15574a8.txt"):
        shutil.copy(corpus_dir / name, folder / name)
    return folder


def cache_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("index-*") if p.is_dir())


def test_second_load_comes_from_the_cache(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    first = Retriever.from_corpus(small_corpus, cache_dir=cache_dir)
    assert len(cache_files(cache_dir)) == 1

    def no_build(*_: object) -> None:
        raise AssertionError("index rebuilt although the cache was valid")

    monkeypatch.setattr("retrieval.retriever.build_index", no_build)
    second = Retriever.from_corpus(small_corpus, cache_dir=cache_dir)
    assert [c.chunk_id for c in second.chunks] == [c.chunk_id for c in first.chunks]
    assert list(small_corpus.iterdir()) == sorted(small_corpus.iterdir())
    assert not any(p.name.startswith(("index-", "tokens-")) for p in small_corpus.iterdir())


def test_changed_corpus_or_settings_gets_a_new_key(small_corpus: Path) -> None:
    key = cache.corpus_fingerprint(small_corpus, RetrieverSettings())
    assert key == cache.corpus_fingerprint(small_corpus, RetrieverSettings())
    assert key != cache.corpus_fingerprint(small_corpus, RetrieverSettings(k1=1.2))
    assert key == cache.corpus_fingerprint(
        small_corpus, RetrieverSettings(min_score=1.0)
    )  # not an index setting
    (small_corpus / "new.txt").write_text(
        "在全市秸秆禁烧工作会议上的讲话\n同志们：要加强秸秆禁烧管控。", encoding="utf-8"
    )
    assert key != cache.corpus_fingerprint(small_corpus, RetrieverSettings())


def test_corrupt_cache_is_rebuilt_with_a_warning(
    small_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache_dir = tmp_path / "cache"
    Retriever.from_corpus(small_corpus, cache_dir=cache_dir)
    (path,) = cache_files(cache_dir)
    (path / "corpus.json").write_bytes(b"not json at all")
    with caplog.at_level(logging.WARNING):
        rebuilt = Retriever.from_corpus(small_corpus, cache_dir=cache_dir)
    assert "unusable" in caplog.text
    assert rebuilt.ask("约谈开发区").hits


def test_foreign_cache_content_is_not_trusted(
    small_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache_dir = tmp_path / "cache"
    Retriever.from_corpus(small_corpus, cache_dir=cache_dir)
    (path,) = cache_files(cache_dir)
    key = cache.corpus_fingerprint(small_corpus, RetrieverSettings())
    index = cache.load_index(path, key, RetrieverSettings())
    assert index is not None
    cache.save_index(path, "some other key", index)
    with caplog.at_level(logging.WARNING):
        assert cache.load_index(path, key, RetrieverSettings()) is None
    assert "another corpus or settings" in caplog.text


def test_save_is_atomic_and_leaves_no_temporary_files(small_corpus: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    retriever = Retriever.from_corpus(small_corpus, cache_dir=cache_dir)
    key = cache.corpus_fingerprint(small_corpus, RetrieverSettings())
    for _ in range(3):
        cache.save_index(cache.cache_path(cache_dir, key), key, retriever.index)
    kept = [p.name for p in cache_dir.iterdir() if not p.name.startswith(("tokens-", "documents-", "jieba-"))]
    assert sorted(kept) == [cache.cache_path(cache_dir, key).name]


def test_unwritable_cache_dir_still_answers(
    small_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING):
        retriever = Retriever.from_corpus(small_corpus, cache_dir=blocker / "cache")
    assert retriever.ask("约谈开发区").hits
    assert "cannot write index cache" in caplog.text


def test_default_cache_dir_is_the_users(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_cache_dir() == tmp_path / "xdg" / "qabot"


def test_two_processes_building_at_once_leave_a_valid_cache(small_corpus: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    cache_dir = tmp_path / "cache"
    script = (
        "import sys; from retrieval.retriever import Retriever; "
        "r = Retriever.from_corpus(sys.argv[1], cache_dir=sys.argv[2]); print(len(r.chunks))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(small_corpus), str(cache_dir)], stdout=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outputs[0] == outputs[1]
    (path,) = cache_files(cache_dir)
    key = cache.corpus_fingerprint(small_corpus, RetrieverSettings())
    assert cache.load_index(path, key, RetrieverSettings()) is not None


def test_new_library_code_invalidates_the_cache(small_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.corpus_fingerprint(small_corpus, RetrieverSettings())
    monkeypatch.setattr(cache, "pipeline_fingerprint", lambda: "a different normalizer")
    assert cache.corpus_fingerprint(small_corpus, RetrieverSettings()) != key


def test_old_index_files_are_pruned(small_corpus: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    retriever = Retriever.from_corpus(small_corpus, cache_dir=cache_dir)
    for n in range(cache.MAX_CACHED_INDEXES + 3):
        cache.save_index(cache_dir / f"index-{n:032d}", str(n), retriever.index)
    assert len(cache_files(cache_dir)) == cache.MAX_CACHED_INDEXES


def test_the_pipeline_fingerprint_covers_every_code_and_data_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "retrieval"
    for name, text in {
        "a.py": "x = 1",
        "data/words.txt": "词",
        "data/table.tsv": "t",
        "b/c.py": "y = 2",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "a.py").write_text("stale copy", encoding="utf-8")
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    fingerprint = cache.pipeline_fingerprint.__wrapped__
    first = fingerprint()
    expected = b"a.py\0x = 1" + b"b/c.py\0y = 2" + b"data/table.tsv\0t" + "data/words.txt\0词".encode()
    assert first == cache.hashlib.sha256(expected).hexdigest()  # sorted relative paths and their bytes
    (package / "__pycache__" / "a.py").write_text("other", encoding="utf-8")
    (package / "notes.md").write_text("other", encoding="utf-8")
    assert fingerprint() == first  # neither bytecode nor other files count
    for data in ("words.txt", "table.tsv"):
        (package / "data" / data).write_text("changed", encoding="utf-8")
        assert fingerprint() != first
        first = fingerprint()
