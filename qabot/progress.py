"""A progress bar on stderr while the corpus is read for a first (uncached) build of a large corpus."""

from __future__ import annotations

import sys
from types import TracebackType

# Below this much text a build takes a few seconds at most: no bar, which would only flicker.
MIN_BYTES = 20_000_000


class BuildProgress:
    """The library's `progress(done_bytes, total_bytes)` callback, drawing a tqdm bar once the corpus
    turns out to be large; use as a context manager so the bar is closed on errors too."""

    def __init__(self, description: str = "reading corpus") -> None:
        self._description = description
        self._bar: object | None = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_BYTES:
            return
        from tqdm import tqdm  # only paid for when there is a bar to draw

        if self._bar is None:
            self._bar = tqdm(
                total=total, desc=self._description, unit="B", unit_scale=True, file=sys.stderr, leave=False
            )
        assert isinstance(self._bar, tqdm)
        self._bar.update(done - self._shown)
        self._shown = done

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        close = getattr(self._bar, "close", None)
        if close is not None:
            close()
