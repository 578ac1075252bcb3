"""Local xapian-tcpsrv shard servers (benchmarks and tests): 127.0.0.1 only, own session, stopped by PID.

`xapian-tcpsrv` kills its whole process group on SIGTERM, so it must never share its caller's; it listens
on every interface unless told `--interface`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retrieval.errors import ConfigError

START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def tcpsrv_path() -> str | None:
    return shutil.which("xapian-tcpsrv")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ShardServer:
    """One xapian-tcpsrv serving one shard database on 127.0.0.1:port; restartable on the same port."""

    def __init__(self, database: Path, port: int | None = None) -> None:
        self.database, self.port = database, port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        program = tcpsrv_path()
        if program is None:
            raise ConfigError("xapian-tcpsrv is not installed (Debian: apt-get install xapian-tools)")
        command = [program, "--interface", "127.0.0.1", "--port", str(self.port), str(self.database)]
        self.process = subprocess.Popen(
            command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ConfigError(f"xapian-tcpsrv exited with {self.process.returncode} on {self.address}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise ConfigError(f"xapian-tcpsrv did not listen on {self.address}")

    def stop(self) -> None:
        """SIGTERM by PID (the server then stops its forked connection handlers), SIGKILL if it hangs."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


@contextmanager
def shard_servers(databases: Sequence[Path]) -> Iterator[list[ShardServer]]:
    """One running server per database, all stopped on exit."""
    servers = [ShardServer(db) for db in databases]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def remote_stub(path: Path, servers: Sequence[ShardServer]) -> Path:
    """A stub file naming the servers, in shard order."""
    path.write_text("".join(f"remote {s.address}\n" for s in servers), encoding="utf-8")
    return path
