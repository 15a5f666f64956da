"""The user's cache folder for gradewise: what can be rebuilt, kept once per machine."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`$GRADEWISE_CACHE_DIR`, else `$XDG_CACHE_HOME/gradewise`, else `~/.cache/gradewise`."""
    if os.environ.get("GRADEWISE_CACHE_DIR"):
        return Path(os.environ["GRADEWISE_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "gradewise"
