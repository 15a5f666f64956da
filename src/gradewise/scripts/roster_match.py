"""Match scripts to the roster: the id or name a script gives, fuzzily, never silently.

Where a script says who wrote it: its front matter or file name (`ingest`), else the first
page ("Student ID: ...", "SCIPER: ...", "Roll No: ...", "Name: ..."). An id in the roster is
an exact match. Otherwise an id one OCR slip away (`s2O24001`) or a name spelled a little
differently (`Ada Lovelace` / `Lovelace, Ada`) is a fuzzy match when one roster entry is
clearly closest. Anything else is `unmatched` or `ambiguous`, and two scripts that land on
one student are `double`: these are listed for a human and keep the id they came with.
Without a roster a script is `named` (by its front matter or file name), and two scripts
named for one student are `double` all the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gradewise.model import Script
from gradewise.scripts.ingest import Roster

FUZZY_AT_LEAST = 85.0  # rapidfuzz score (0-100) for a fuzzy match
CLEAR_MARGIN = 8.0  # the best candidate must beat the second by this much
_FIRST_PAGE_CHARS = 2000

_ID_LINE = re.compile(
    r"(?im)^[\W_]*(?:student\s*(?:id|number|no\.?)|roll\s*(?:no\.?|number)|sciper|"
    r"matriculation(?:\s*(?:no\.?|number))?|registration\s*(?:no\.?|number)|id)\s*[:#.]?\s*"
    r"(?P<id>[A-Za-z]{0,3}[0-9OolI][\w-]{2,})"
)
_NAME_LINE = re.compile(r"(?im)^[\W_]*(?:student(?:'s)?\s*)?name\s*[:.]\s*(?P<name>[^\n|]{2,60})$")


@dataclass(frozen=True)
class Match:
    """What the roster says about one script: status exact|fuzzy|unmatched|ambiguous|double,
    `named` (no roster), or `replaces` (its student already has a script from another file)."""

    source: str
    claimed: str  # the id the script came with (front matter or file name)
    status: str
    student: str = ""  # the roster id it was matched to (exact, fuzzy)
    how: str = ""  # what matched, with the score for fuzzy matches

    @property
    def needs_human(self) -> bool:
        return self.status in ("unmatched", "ambiguous", "double", "replaces")

    @property
    def held(self) -> bool:
        """Not stored at all: storing it would overwrite another script."""
        return self.status in ("double", "replaces")


def first_page(text: str) -> str:
    return text.split("\f", 1)[0][:_FIRST_PAGE_CHARS]


def written_ids(text: str) -> list[str]:
    """Student ids written on the first page."""
    return [m["id"] for m in _ID_LINE.finditer(first_page(text))]


def written_name(text: str) -> str:
    found = _NAME_LINE.search(first_page(text))
    return found["name"].strip(" *_") if found else ""


def match_script(script: Script, roster: Roster) -> Match:
    """Decide one script against the roster (see the module docstring)."""
    base = Match(script.source, script.student, "unmatched")
    if script.student in roster:
        return replace(base, status="exact", student=script.student, how="id")
    for found in written_ids(script.text):
        if found in roster:
            return replace(base, status="exact", student=found, how=f"id {found!r} on page 1")
    return _fuzzy(base, script, roster)


def _fuzzy(base: Match, script: Script, roster: Roster) -> Match:
    by_id = _closest([script.student, *written_ids(script.text)], list(roster.entries), "id")
    name = script.name or written_name(script.text)
    names = {entry.name: sid for sid, entry in roster.entries.items() if entry.name}
    by_name = _closest([name] if name else [], list(names), "name")
    if by_name is not None and by_name[0]:  # "" is a tie: keep it as such
        by_name = (names[by_name[0]], by_name[1], by_name[2])
    by_file = _file_named(script.source, roster)
    found = [x for x in (by_id, by_name, by_file) if x is not None]
    if not found:
        return replace(base, how=_tried(script, name))
    if len({x[0] for x in found}) > 1 or any(x[0] == "" for x in found):
        return replace(base, status="ambiguous", how="; ".join(x[2] for x in found))
    return replace(base, status="fuzzy", student=found[0][0], how="; ".join(x[2] for x in found))


def _closest(
    queries: Sequence[str], choices: list[str], what: str
) -> tuple[str, float, str] | None:
    """(choice, score, how) for the clearly closest choice; ("", score, how) when two tie."""
    from rapidfuzz import fuzz, process, utils

    scorer = fuzz.ratio if what == "id" else fuzz.token_sort_ratio
    best: tuple[str, float, str] | None = None
    for query in filter(None, queries):
        ranked = process.extract(
            query, choices, scorer=scorer, processor=utils.default_process, limit=2
        )
        if not ranked or ranked[0][1] < FUZZY_AT_LEAST:
            continue
        top, score = ranked[0][0], float(ranked[0][1])
        if len(ranked) > 1 and score - ranked[1][1] < CLEAR_MARGIN:
            how = f"{what} {query!r} is as close to {top!r} as to {ranked[1][0]!r}"
            return "", score, how
        if best is None or score > best[1]:
            best = (top, score, f"{what} {query!r} ≈ {top!r} ({score:.0f}%)")
    return best


def _file_named(source: str, roster: Roster) -> tuple[str, float, str] | None:
    """The roster student a file's name names, as LMS downloads name them: the whole name in
    it (`Kemi Adeyemi - Quiz 3.md`), or squashed before the first `_` (Canvas's submissions,
    `adeyemikemi_88103_554435_quiz3.md`: last name then first). ("", 0, how) when several do."""
    stem = _letters(Path(source).stem)
    words = set(stem.split())
    head = "".join(_letters(re.split(r"[_\s]", Path(source).stem.strip(), maxsplit=1)[0]).split())
    hits = []
    for sid, entry in roster.entries.items():
        parts = _letters(entry.name).split()
        # first names then last, or a last name of any length first ("O'Connor", "Smith-Jones")
        squashed = {"".join(parts[i:] + parts[:i]) for i in range(len(parts))}
        if (len(parts) > 1 and words.issuperset(parts)) or (head and head in squashed):
            hits.append((sid, entry.name))
    shown = Path(source).name
    if len(hits) > 1:
        return "", 0.0, f"file name {shown!r} fits {', '.join(n for _, n in hits)}"
    if not hits:
        return None
    return hits[0][0], 100.0, f"file name {shown!r} names {hits[0][1]}"


def _letters(text: str) -> str:
    """`text` lower-cased, accents and apostrophes dropped, each run of other non-letters one
    space."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c) and c not in "'’")
    return " ".join(re.findall(r"[^\W\d_]+", plain))


def _tried(script: Script, name: str) -> str:
    ids = ", ".join(repr(x) for x in dict.fromkeys([script.student, *written_ids(script.text)]))
    return f"no roster entry close to id {ids}" + (f" or name {name!r}" if name else "")


def match_scripts(scripts: Sequence[Script], roster: Roster | None) -> list[Match]:
    """Each script's match (`named` without a roster); two on one student become `double`."""
    if roster is None:
        matches = [Match(s.source, s.student, "named", s.student, "no roster") for s in scripts]
    else:
        matches = [match_script(script, roster) for script in scripts]
    final = Counter(m.student or m.claimed for m in matches)
    out = []
    for m in matches:
        target = m.student or m.claimed
        if final[target] > 1:
            others = [x.source for x in matches if (x.student or x.claimed) == target]
            how = f"{len(others)} scripts for {target}: {', '.join(others)}"
            m = replace(m, status="double", how=how)
        out.append(m)
    return out


def apply_match(script: Script, match: Match, roster: Roster | None) -> Script:
    """The script under its roster id and name (unchanged when the match needs a human)."""
    if match.needs_human or not match.student or roster is None:
        return script
    return replace(script, student=match.student, name=script.name or roster.name(match.student))
