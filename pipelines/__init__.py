"""Composition of readers and extractors: parse, build, align, evaluate, benchmark, the CLI."""
