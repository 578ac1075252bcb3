"""Evaluation and benchmarking of the retriever (not part of the library)."""
