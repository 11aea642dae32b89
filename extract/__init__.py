"""Readers and extractors: text in, typed records (``models``) out. No I/O beyond reading input files."""
