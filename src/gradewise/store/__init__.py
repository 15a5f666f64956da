"""Storage: the only module that speaks SQL."""

from gradewise.store.db import MarkChange, ScriptPage, ScriptRegion, Store, mark_text, open_store

__all__ = ["MarkChange", "ScriptPage", "ScriptRegion", "Store", "mark_text", "open_store"]
