"""The optional C query kernel (`_bm25kernel`, built by setup.py when a compiler is present).

Without it (no compiler at install time, or `kernel="numpy"`), `sparse` scores with numpy: the same
results, bit for bit, only slower. Nothing is compiled or cached at run time.
"""

from __future__ import annotations

from types import ModuleType


def load_c_kernel() -> ModuleType | None:
    """The compiled extension module, or None when it was not built."""
    try:
        from retrieval.index.backends import _bm25kernel  # type: ignore[attr-defined]
    except ImportError:
        return None
    module: ModuleType = _bm25kernel
    return module


def kernel_status() -> str:
    """One line for `qabot check`: which query kernel the sparse backend uses."""
    if load_c_kernel() is None:
        return "query kernel: numpy (the optional C extension is not built; results are the same, slower)"
    return "query kernel: C extension _bm25kernel (exact top-k: exhaustive on small indexes, block-max above)"
