"""Frozen dataclasses (documents, chunks) as plain JSON rows and back, checked field by field on the way in.

A row is the list of a record's field values in declaration order (nested records and tuples as lists).
Decoding works a column at a time, so a million chunks cost a few C-level passes, not millions of calls;
any value of the wrong type raises ValueError, which makes the index cache rebuild.
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_args, get_origin, get_type_hints

_SCALARS = (str, int, bool, float)


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def to_row(obj: Any) -> Any:
    """A record (or tuple, or scalar) as JSON-ready lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [to_row(getattr(obj, f.name)) for f in dataclasses.fields(obj)]
    if isinstance(obj, tuple | list):
        return [to_row(v) for v in obj]
    if obj is None or isinstance(obj, _SCALARS):
        return obj
    raise TypeError(f"cannot store {type(obj).__name__} in the index cache")


def from_rows(cls: type, rows: object) -> list[Any]:
    """Records of type `cls` from rows made by `to_row`; ValueError on any mismatch."""
    return _column(cls, rows)


def _fail(what: object) -> ValueError:
    return ValueError(f"stored record: unexpected value for {what}")


def _column(hint: Any, values: object) -> list[Any]:
    if not isinstance(values, list):
        raise _fail(hint)
    if hint in _SCALARS:
        wanted = (int, float) if hint is float else (hint,)
        if not all(type(v) in wanted for v in values):
            raise _fail(hint)
        return values
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = get_type_hints(hint)
        names = field_names(hint)
        if not all(isinstance(v, list) and len(v) == len(names) for v in values):
            raise _fail(hint.__name__)
        columns = list(zip(*values, strict=True)) if values else [() for _ in names]
        decoded = [_column(hints[n], list(c)) for n, c in zip(names, columns, strict=True)]
        return list(map(hint, *decoded)) if values else []
    if get_origin(hint) is tuple:
        args = get_args(hint)
        if not all(isinstance(v, list) for v in values):
            raise _fail(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            flat = _column(args[0], [e for v in values for e in v])
            out, start = [], 0
            for v in values:
                out.append(tuple(flat[start : start + len(v)]))
                start += len(v)
            return out
        if not all(len(v) == len(args) for v in values):
            raise _fail(hint)
        parts = [_column(a, [v[i] for v in values]) for i, a in enumerate(args)]
        return list(zip(*parts, strict=True)) if values else []
    raise _fail(hint)
