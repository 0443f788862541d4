"""Benchmarks that measure the pipeline on sample sets with ground truth."""

from scan2text.bench.quality import quality_bench

__all__ = ["quality_bench"]
