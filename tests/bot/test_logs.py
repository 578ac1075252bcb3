"""The token never reaches a log line, a traceback or a stack, and HTTP loggers stay quiet."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, TokenRedactor, configure_logging

TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcdef"
SECRET = TOKEN.split(":")[1]


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenRedactor(TOKEN))
    logger = logging.getLogger("tests.bot.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_message_arguments_and_traceback_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.warning("POST %s failed", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    try:
        raise ConnectionError(f"cannot reach /bot{TOKEN}/getMe")
    except ConnectionError:
        logger.exception("network down; half the secret: %s", SECRET)
    output = stream.getvalue()
    assert TOKEN not in output and SECRET not in output
    assert output.count(REDACTED) == 3 and "ConnectionError" in output


def test_configure_logging_quiets_httpx_and_filters_root_handlers() -> None:
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        configure_logging("DEBUG", TOKEN)
        assert logging.getLogger("httpx").level == logging.WARNING
        assert root.level == logging.DEBUG
        assert all(any(isinstance(f, TokenRedactor) for f in h.filters) for h in root.handlers)
    finally:
        for handler in root.handlers:
            for f in [f for f in handler.filters if isinstance(f, TokenRedactor)]:
                handler.removeFilter(f)
        root.setLevel(before[1])
