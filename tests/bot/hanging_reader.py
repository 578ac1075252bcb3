"""A reader that never returns, for the upload time-limit tests: `bot.upload_parse` runs it in the child
(the spawned interpreter imports it by name), which is what the limit must stop."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def hang(path: str, max_pages: int) -> dict[str, Any]:
    # leave a trace that the child really ran it (its pid), then never answer
    Path(path).with_name("hanging-reader.pid").write_text(str(os.getpid()))
    while True:
        time.sleep(1)


def crash(path: str, max_pages: int) -> dict[str, Any]:
    os._exit(3)  # dies without a word, as a parser hitting a fatal error would
