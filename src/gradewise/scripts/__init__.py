"""Answer scripts: read them (`ingest`) and split them into answers per exam part (`segment`)."""

from gradewise.scripts.ingest import Roster, RosterEntry, find_scripts, read_roster, read_script
from gradewise.scripts.segment import Piece, Segmentation, segment

__all__ = [
    "Piece",
    "Roster",
    "RosterEntry",
    "Segmentation",
    "find_scripts",
    "read_roster",
    "read_script",
    "segment",
]
