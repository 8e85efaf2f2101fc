"""The version of icansctl (a leaf: the cache key and --version read it)."""

__version__ = "0.1.0"
