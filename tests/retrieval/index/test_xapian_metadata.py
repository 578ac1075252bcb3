"""Per-document metadata in the shards: document headers with their normalization reports, and where each
document's chunks sit. /sources, `qabot check` and the first follow-up read it instead of fetching every
chunk — through local shards and through two xapian-tcpsrv servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.listings import sources_html
from retrieval.conversation import Conversation
from retrieval.conversation import rank as conversation_rank
from retrieval.index import ChunkCounts, walk_positions
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings
from tests.qabot.test_cli import run_cli
from tests.xapian_servers import build_shards, remote_stub, shard_servers, tcpsrv

xapian = pytest.importorskip("xapian")

FOLLOWUPS = Path(__file__).resolve().parents[3] / "corpus" / "eval" / "followup.jsonl"


@pytest.fixture(scope="module")
def stub(retriever: Retriever, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_shards(tmp_path_factory.mktemp("meta") / "v1", retriever, RetrieverSettings(), 2)


class ChunkReads:
    """Counts chunks fetched from the shards' document data."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from retrieval.index.backends.xapian_index import ShardChunks

        self.count = 0
        original = ShardChunks.chunk_at

        def counted(chunks: ShardChunks, position: int) -> object:
            self.count += 1
            return original(chunks, position)

        monkeypatch.setattr(ShardChunks, "chunk_at", counted)


def test_metadata_holds_every_documents_span_counts_and_report(retriever: Retriever, stub: Path) -> None:
    shards = Retriever.from_xapian(stub)
    known = shards.index.known_positions()
    assert known is not None
    walked = walk_positions(retriever.chunks)
    assert {d: list(p) for d, p in known.by_doc.items()} == walked.by_doc
    assert dict(known.by_id) == walked.by_id
    assert shards.index.chunk_counts() == ChunkCounts.of(retriever.chunks)
    assert [(d.doc_id, d.title, d.path, d.date, d.encoding, d.report) for d in shards.documents] == [
        (d.doc_id, d.title, d.path, d.date, d.encoding, d.report) for d in retriever.documents
    ]
    with pytest.raises(KeyError):
        known.by_id[f"{retriever.documents[0].doc_id}#9999"]


def test_sources_read_no_chunk(retriever: Retriever, stub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shards = Retriever.from_xapian(stub)
    reads = ChunkReads(monkeypatch)
    for script in ("simplified", "traditional"):
        assert sources_html(shards, script) == sources_html(retriever, script)
    assert reads.count == 0


def test_check_over_shards_reports_what_the_corpus_check_reports(
    corpus_dir: Path, stub: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, from_corpus, _ = run_cli(["check", "--corpus", str(corpus_dir), "--no-cache"], capsys)
    assert code == 0
    reads = ChunkReads(monkeypatch)
    code, from_shards, _ = run_cli(["check", "--backend", "xapian", "--xapian-db", str(stub)], capsys)
    assert code == 0 and reads.count == 0
    blocks = from_corpus[from_corpus.index("documents, ") - 2 :].split("\nsemantic signal")[0].strip()
    assert blocks and blocks in from_shards


def followup_pairs() -> list[tuple[list[str], str]]:
    rows = [json.loads(line) for line in FOLLOWUPS.read_text(encoding="utf-8").splitlines() if line]
    return [(row["earlier"], row["question"]) for row in rows]


def ask_conversations(shards: Retriever) -> list[list[str]]:
    ranked = []
    for earlier, question in followup_pairs():
        conversation = Conversation()
        for turn in earlier:
            _, conversation = shards.ask_in(conversation, turn, now=0.0)
        answer, conversation = shards.ask_in(conversation, question, now=1.0)
        ranked.append([h.chunk.chunk_id for h in answer.hits])
    return ranked


def test_follow_ups_read_positions_from_metadata_locally_and_remotely(
    retriever: Retriever, stub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = ask_conversations(retriever)
    assert any(expected)

    def no_walk(chunks: object) -> object:
        raise AssertionError("walked every chunk")

    monkeypatch.setattr(conversation_rank, "walk_positions", no_walk)
    assert ask_conversations(Retriever.from_xapian(stub)) == expected
    tcpsrv()
    with shard_servers([stub.parent / "shard-0", stub.parent / "shard-1"]) as servers:
        remote = Retriever.from_xapian(remote_stub(tmp_path / "remote.stub", servers))
        assert ask_conversations(remote) == expected
        assert sources_html(remote, "simplified") == sources_html(retriever, "simplified")


def test_shards_without_spans_still_answer_by_reading_the_chunks(
    retriever: Retriever, tmp_path: Path
) -> None:
    """Shards written before spans were kept (or whose chunk ids are not doc#ordinal in order)."""
    from retrieval.index.backends.xapian_records import SPANS_KEY

    stub = build_shards(tmp_path / "old", retriever, RetrieverSettings(), 2)
    for shard in ("shard-0", "shard-1"):
        db = xapian.WritableDatabase(str(stub.parent / shard), xapian.DB_OPEN)
        try:
            db.set_metadata(SPANS_KEY, "")  # deletes the key
            db.commit()
        finally:
            db.close()
    shards = Retriever.from_xapian(stub)
    assert shards.index.known_positions() is None
    assert shards.index.chunk_counts() == ChunkCounts.of(retriever.chunks)
    assert ask_conversations(shards) == ask_conversations(retriever)
