"""Opening shards: a database folder, or a stub file of `auto <path>` / `remote <host>:<port>` lines.

Xapian database objects, and so connections to `xapian-tcpsrv`, are not thread-safe; the bot answers in
worker threads, so each thread opens its own combined database (one connection per shard per thread) and
threads search the shards at the same time. The server drops a connection idle for 60 s and `reopen()`
does not reconnect, and a shard may restart: any `NetworkError` reopens the calling thread's shards once
and retries; if that fails too the caller gets `SearchUnavailable` naming the shard, and the next call
tries again from scratch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import xapian

from retrieval import messages
from retrieval.errors import CorpusError, SearchUnavailable
from retrieval.index.backends.xapian_writer import STUB_NAME

T = TypeVar("T")
REMOTE_TIMEOUT_MS = 10_000  # a query slower than this means the shard is in trouble
CONNECT_TIMEOUT_MS = 3_000


@dataclass(frozen=True)
class ShardAddress:
    """One shard: a local database folder, a `host:port` of xapian-tcpsrv, or a `:program args` that
    speaks the remote protocol on stdin/stdout (`:ssh host xapian-progsrv /srv/shard-0`)."""

    location: str
    remote: bool = False

    @property
    def label(self) -> str:
        return self.location

    def open(self) -> Any:
        if not self.remote:
            return xapian.Database(self.location)
        if self.location.startswith(":"):
            program, _, arguments = self.location[1:].partition(" ")
            return xapian.remote_open(program, arguments, REMOTE_TIMEOUT_MS)
        host, _, port = self.location.rpartition(":")
        return xapian.remote_open(host, int(port), REMOTE_TIMEOUT_MS, CONNECT_TIMEOUT_MS)


def parse_stub(path: Path) -> tuple[ShardAddress, ...]:
    """The shards a --xapian-db PATH names: a stub file, a folder holding `shards.stub`, or a database."""
    if path.is_dir():
        if (path / STUB_NAME).is_file():
            return parse_stub(path / STUB_NAME)
        return (ShardAddress(str(path)),)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read shard stub {path}: {exc}") from None
    shards = []
    for number, line in enumerate(lines, start=1):
        kind, _, rest = line.strip().partition(" ")
        rest = rest.strip()
        if not kind or kind.startswith("#"):
            continue
        if kind == "auto" and rest:
            shards.append(ShardAddress(str(path.parent / rest)))
        elif kind == "remote" and (rest.startswith(":") or _is_host_port(rest)):
            shards.append(ShardAddress(rest, remote=True))
        else:
            raise CorpusError(f"{path}:{number}: expected 'auto <path>' or 'remote <host>:<port>'")
    if not shards:
        raise CorpusError(f"shard stub {path} lists no shard")
    return tuple(shards)


def _is_host_port(text: str) -> bool:
    host, sep, port = text.rpartition(":")
    return bool(sep and host and port.isdigit())


class ShardDatabase:
    """The shards as one Xapian database per thread, opened lazily, reopened after a failure."""

    def __init__(self, shards: tuple[ShardAddress, ...]) -> None:
        self.shards = shards
        self._local = threading.local()  # .db: this thread's combined database (closed with the thread)

    def _open(self) -> Any:
        combined = xapian.Database()
        for shard in self.shards:
            combined.add_database(self._open_one(shard))
        return combined

    @staticmethod
    def _open_one(shard: ShardAddress) -> Any:
        try:
            return shard.open()
        except xapian.NetworkError:
            raise SearchUnavailable(messages.SEARCH_UNAVAILABLE.format(shard=shard.label)) from None
        except xapian.DatabaseError as exc:
            raise CorpusError(f"cannot open shard {shard.label}: {exc.get_msg()}") from None

    def each(self) -> list[Any]:
        """Every shard opened on its own (for per-shard checks at start-up)."""
        return [self._open_one(shard) for shard in self.shards]

    def run(self, action: Callable[[Any], T]) -> T:
        """`action(database)` on this thread's database; on a network failure reconnect once, then report
        the shard that is down."""
        try:
            return action(self._connected())
        except xapian.NetworkError:
            self._local.db = None  # dropped while idle, or the server restarted: reconnect and retry once
        try:
            return action(self._connected())
        except xapian.NetworkError:
            self._local.db = None
            raise SearchUnavailable(self._down_label()) from None

    def _connected(self) -> Any:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._open()
        return db

    def _down_label(self) -> str:
        """The message for the first shard that does not answer (all answer: the first remote one)."""
        for shard in self.shards:
            if shard.remote:
                try:
                    shard.open().close()
                except xapian.NetworkError:
                    return messages.SEARCH_UNAVAILABLE.format(shard=shard.label)
        remote = [s.label for s in self.shards if s.remote] or [self.shards[0].label]
        return messages.SEARCH_UNAVAILABLE.format(shard=remote[0])
