"""Logging for the bot process: level from LOG_LEVEL, chatty HTTP loggers quieted, the token redacted."""

from __future__ import annotations

import logging

REDACTED = "<TOKEN>"


class TokenRedactor(logging.Filter):
    """Replace the bot token in a record's message and traceback (URLs in errors carry it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._secrets = (token, token.split(":", 1)[-1])  # the secret half alone is also sensitive

    def redact(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _not_a_startup_failure(record: logging.LogRecord) -> bool:
    # python-telegram-bot logs a failed start (bad token, no network) with its whole traceback before
    # raising; `qabot serve` turns the exception into one line, so the duplicate is dropped.
    return not (record.exc_info and "Bootstrap Initialize" in record.getMessage())


def configure_logging(level: str, token: str) -> None:
    """Apply LOG_LEVEL; put the redactor on every root handler, which sees all propagated records."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL contains the token.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("telegram.ext").addFilter(_not_a_startup_failure)
    redactor = TokenRedactor(token)
    for handler in root.handlers:
        handler.addFilter(redactor)
