"""Printable file names and unique, stable document ids for the files of a corpus folder."""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path, PurePath

# Tried in order on the raw bytes of a name that is not UTF-8: Windows zips carry GBK or Big5 names.
NAME_ENCODINGS = ("utf-8", "gb18030", "big5hkscs")
ID_HASH_CHARS = 8


def display_name(rel: PurePath) -> str:
    """`rel` as text that can always be printed, logged or sent: bytes that were not valid UTF-8 in the
    file system (surrogate escapes) are decoded as GBK or Big5 when that works, else replaced."""
    raw = os.fsencode(rel)
    for encoding in NAME_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def doc_id_for(path: Path, corpus_dir: Path) -> str:
    """Base id from the file's path within the corpus: its name without suffix, path-separated if nested
    (unique within a folder only after `unique_doc_ids`)."""
    rel = PurePath(display_name(path.relative_to(corpus_dir))).with_suffix("")
    return (
        "/".join(re.sub(r"[^\w.-]+", "_", part) for part in rel.parts).strip("_")
        or hashlib.sha1(str(rel).encode()).hexdigest()[:12]
    )


def unique_doc_ids(paths: Sequence[Path], corpus_dir: Path) -> dict[Path, str]:
    """One id per file, never shared. Files whose base ids collide (`my speech.txt`, `my_speech.txt`,
    `my_speech.md`) get their suffix appended, and where that still collides a short hash of the relative
    path: a file's id depends only on the files it collides with, never on the order of the walk."""
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        groups[doc_id_for(path, corpus_dir)].append(path)
    ids: dict[Path, str] = {}
    for base, members in groups.items():
        if len(members) == 1:
            ids[members[0]] = base
            continue
        by_suffix: dict[str, list[Path]] = defaultdict(list)
        for path in members:
            by_suffix[f"{base}_{path.suffix.lstrip('.').lower()}"].append(path)
        for with_suffix, same in by_suffix.items():
            for path in same:
                ids[path] = with_suffix if len(same) == 1 else f"{with_suffix}-{_path_hash(path, corpus_dir)}"
    # a disambiguated id must not land on another file's plain id (`a.txt` + `a.md` beside `a_txt.txt`)
    for path, doc_id in ids.items():
        owners = groups.get(doc_id, [])
        if len(owners) == 1 and owners[0] != path:
            ids[path] = f"{doc_id}-{_path_hash(path, corpus_dir)}"
    return ids


def _path_hash(path: Path, corpus_dir: Path) -> str:
    return hashlib.sha1(os.fsencode(path.relative_to(corpus_dir))).hexdigest()[:ID_HASH_CHARS]
