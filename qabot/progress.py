"""A progress bar on stderr while a large corpus is read for a first (uncached) build."""

from __future__ import annotations

import sys
from types import TracebackType

# Below this many files a build takes seconds at most: no bar, which would only flicker.
MIN_FILES = 50


class BuildProgress:
    """The library's `progress(done, total, file)` callback, drawing a tqdm bar (on a terminal) once the
    corpus turns out to be large; a context manager so the bar is closed on errors too."""

    def __init__(self, description: str = "reading corpus") -> None:
        self._description = description
        self._bar: object | None = None

    def __call__(self, done: int, total: int, _file: str) -> None:
        if total < MIN_FILES:
            return
        from tqdm import tqdm  # only paid for when there is a bar to draw

        if self._bar is None:
            self._bar = tqdm(
                total=total, desc=self._description, unit="file", file=sys.stderr, disable=None, leave=False
            )
        assert isinstance(self._bar, tqdm)
        self._bar.update(done - self._bar.n)

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        close = getattr(self._bar, "close", None)
        if close is not None:
            close()
