"""`qabot serve` refusing to start, black-box: the real process, one clear line on stderr, exit 2, and the
token nowhere in the output."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.bot.fakebot import FakeBotServer
from tests.bot.serve_process import COMMAND, CORPUS, TOKEN

SECRET_HALF = TOKEN.split(":")[1]


def serve(tmp_path: Path, api_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api_url,
        "CORPUS_DIR": str(CORPUS),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        **env,
    }
    return subprocess.run(
        [*COMMAND, *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens there


def assert_refused(result: subprocess.CompletedProcess[str], expected_start: str) -> list[str]:
    """Exit 2, the reason as the last line, no traceback, the token nowhere; returns the stderr lines."""
    output = result.stdout + result.stderr
    assert result.returncode == 2, output[-3000:]
    assert TOKEN not in output and SECRET_HALF not in output
    assert "Traceback" not in output and "ERROR" not in output, output[-3000:]
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(expected_start), lines
    return lines


def test_rejected_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    server = FakeBotServer("111:another-bots-token").start()  # answers 401 to our token, as Telegram does
    try:
        quiet = serve(tmp_path, server.url, LOG_LEVEL="WARNING")
        chatty = serve(tmp_path, server.url, LOG_LEVEL="INFO")
    finally:
        server.stop()
    expected = "qabot: Telegram rejected TELEGRAM_BOT_TOKEN — check it with @BotFather"
    assert assert_refused(quiet, expected) == [expected]
    assert all(line.startswith("INFO ") for line in assert_refused(chatty, expected)[:-1])


def test_unreachable_api_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    lines = assert_refused(
        serve(tmp_path, url, LOG_LEVEL="WARNING"), f"qabot: cannot reach the Telegram API at {url}"
    )
    assert all(
        line.startswith("WARNING bot.retrying: getMe failed") for line in lines[:-1]
    )  # bounded retries


@pytest.mark.parametrize("secret", ["", None])
def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path, secret: str | None) -> None:
    env = {} if secret is None else {"TELEGRAM_WEBHOOK_SECRET": secret}
    result = serve(tmp_path, "http://127.0.0.1:9", "--webhook", "https://bot.example.org/hook", **env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "qabot: webhook mode needs TELEGRAM_WEBHOOK_SECRET (a random string of letters, digits, _ and -): "
        "without it anyone who can reach the port can post forged updates"
    ]


def test_webhook_listens_on_localhost_by_default() -> None:
    from qabot.cli import build_parser

    args = build_parser().parse_args(["serve", "--webhook", "https://bot.example.org/hook"])
    assert args.listen == "127.0.0.1"
