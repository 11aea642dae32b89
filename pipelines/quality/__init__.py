"""Measuring the pipeline: answer-key evaluation and benchmarks (``cosp eval``, ``cosp bench``)."""
