"""Only the optional C query kernel; everything else about the package is in pyproject.toml.

`optional=True`: without a C compiler (or Python headers) the install still succeeds and the `sparse`
backend scores with numpy, bit-identically. -ffp-contract=off keeps the compiler from fusing multiply-adds,
so the kernel's float64 results equal numpy's operation for operation.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "retrieval.index.backends._bm25kernel",
            ["retrieval/index/backends/_bm25kernel.c"],
            depends=[
                "retrieval/index/backends/_bm25kernel_block.h",
                "retrieval/index/backends/_bm25kernel_bounds.h",
                "retrieval/index/backends/_bm25kernel_classes.h",
                "retrieval/index/backends/_bm25kernel_exhaustive.h",
                "retrieval/index/backends/_bm25kernel_heap.h",
                "retrieval/index/backends/_bm25kernel_topk.h",
                "retrieval/index/backends/_bm25kernel_weights.h",
            ],
            optional=True,
            extra_compile_args=["-O3", "-ffp-contract=off"],
        )
    ]
)
