"""Files in, parsed documents out: collecting, reading under limits, caching, worker processes."""
