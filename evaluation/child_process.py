"""One child process timed from spawn to exit (wall, and CPU from its rusage), and `-X importtime` read."""

from __future__ import annotations

import os
import pty
import subprocess
import threading
import time
from pathlib import Path
from typing import Any


def _drain(fd: int, sink: list[bytes]) -> threading.Thread:
    """Read `fd` to its end in the background, so a child never blocks on a full pipe or terminal."""

    def read() -> None:
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side closed
                return
            if not data:
                return
            sink.append(data)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def run_child(
    argv: list[str],
    stdin_text: str | None = None,
    tty: bool = False,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    """One process from spawn to exit: wall and CPU (user + sys, from os.wait4) seconds, stderr. `env` is
    added to this process's environment; `tty` makes stdout a pseudo-terminal."""
    master, slave = pty.openpty() if tty else (-1, -1)
    env = {**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})}
    stdin = subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL
    spawned = time.perf_counter()
    stdout = slave if tty else subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd)
    errors: list[bytes] = []
    readers = [_drain(proc.stderr.fileno(), errors)] if proc.stderr else []
    if tty:
        os.close(slave)
        readers.append(_drain(master, []))
    if proc.stdin is not None:
        proc.stdin.write((stdin_text or "").encode())
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    exited = time.perf_counter()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    for reader in readers:
        reader.join()
    if proc.stderr:
        proc.stderr.close()
    if tty:
        os.close(master)
    stderr = b"".join(errors).decode("utf-8", "replace")
    if proc.returncode:
        raise RuntimeError(f"{argv[:4]} exited with {proc.returncode}: {stderr[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": exited - spawned, "cpu": cpu, "spawned": spawned, "exited": exited, "stderr": stderr}


def import_profile(stderr: str, top: int = 12) -> dict[str, Any]:
    """`-X importtime` output: the total (top-level imports) and self time per root package, in ms."""
    total = 0
    by_root: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, self_us, cumulative_us, name = (part for part in line.replace("|", ":", 2).split(":", 3))
        if len(name) - len(name.lstrip()) == 1:
            total += int(cumulative_us)
        root = name.strip().split(".")[0]
        by_root[root] = by_root.get(root, 0) + int(self_us)
    heaviest = sorted(by_root.items(), key=lambda item: -item[1])[:top]
    return {"total_ms": round(total / 1000, 1), "by_package_ms": {k: round(v / 1000, 1) for k, v in heaviest}}
