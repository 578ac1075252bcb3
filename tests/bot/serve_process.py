"""Start the real `qabot serve` as a child process pointed at a fake Bot API server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.bot.fakebot import FakeBotServer

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcdef"
# Exactly what the `qabot` console script runs, with this interpreter.
COMMAND = (sys.executable, "-m", "qabot.cli", "serve")


def start_bot(
    server: FakeBotServer,
    workdir: Path,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    ready_method: str = "getUpdates",
) -> subprocess.Popen[bytes]:
    """`qabot serve` in `workdir` (no stray .env), output to workdir/bot.log; returns once it calls
    `ready_method` (getUpdates when polling, setWebhook in webhook mode)."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.url,
        "CORPUS_DIR": str(CORPUS),
        "LOG_LEVEL": "DEBUG",
        "XDG_CACHE_HOME": str(workdir / "cache"),
        **(env or {}),
    }
    with (workdir / "bot.log").open("wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [*COMMAND, *args],
            cwd=workdir,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        server.wait_for(lambda c: c.method == ready_method, timeout=60)
    except AssertionError:
        process.kill()
        raise AssertionError((workdir / "bot.log").read_text(errors="replace")) from None
    return process


def stop_bot(process: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    if process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
