"""Retrieval evaluation: the dev set, relevance by evidence strings, metrics, reports and benchmarks."""
