"""Parsed documents in, one SQLite database out: the schema, the rows, the atomic build."""
