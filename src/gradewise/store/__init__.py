"""Storage: the only module that speaks SQL."""

from gradewise.store.db import Event, ManualMark, ScriptPage, Store, open_store

__all__ = ["Event", "ManualMark", "ScriptPage", "Store", "open_store"]
