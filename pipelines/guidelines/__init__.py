"""Guideline versions: chains of drafts, their alignment, the redline report."""
