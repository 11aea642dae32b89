"""Typed records that flow between stages and become tables. Imports nothing of the project."""
