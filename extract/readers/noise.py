"""Placeholder replaced below."""
def looks_noisy(raw): return False
def denoise(raw): return raw
