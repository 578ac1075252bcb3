"""Shard servers and shards for tests; a test needing Xapian skips when the bindings or xapian-tcpsrv
are absent (.ci/run installs both)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.shard_servers import ShardServer, remote_stub, shard_servers, tcpsrv_path
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings

__all__ = ["ShardServer", "build_shards", "remote_stub", "shard_servers", "tcpsrv"]


def tcpsrv() -> str:
    """Path of xapian-tcpsrv, or skip the test (Debian package xapian-tools)."""
    pytest.importorskip("xapian")
    found = tcpsrv_path()
    if found is None:
        pytest.skip("xapian-tcpsrv not installed (apt-get install xapian-tools)")
    return found


def build_shards(out: Path, retriever: Retriever, settings: RetrieverSettings, count: int) -> Path:
    """Shards of the chunks an in-memory retriever holds; returns the stub."""
    from retrieval.index.backends.xapian_writer import write_shards

    return write_shards(
        out, retriever.documents, retriever.chunks, settings, count, skipped=retriever.skipped
    )
