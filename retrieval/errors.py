"""A small exception tree: front ends catch `QabotError` at the edge and show its message."""


class QabotError(Exception):
    """Base of every error the library raises on purpose; the message is meant for the user."""


class CorpusError(QabotError):
    """The corpus folder is missing, unreadable, or holds no usable document."""


class CacheError(QabotError):
    """The index cache cannot be read or written."""


class ConfigError(QabotError):
    """A setting has an invalid value."""


class QueryError(QabotError):
    """A question cannot be answered as asked (empty, only punctuation, …)."""


class SearchUnavailable(QabotError):
    """A search shard is down or unreachable; the next question retries, so a restart is never needed."""
