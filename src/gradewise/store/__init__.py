"""Storage: the only module that speaks SQL."""

from gradewise.store.db import Store, open_store

__all__ = ["Store", "open_store"]
