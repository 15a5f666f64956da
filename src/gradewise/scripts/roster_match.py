"""Match scripts to the roster: the id or name a script gives, fuzzily, never silently.

Where a script says who wrote it: its front matter or file name (`ingest`), else the first
page ("Student ID: ...", "SCIPER: ...", "Roll No: ...", "Name: ..."). An id in the roster is
an exact match. Otherwise an id that differs only in characters a scan misreads (`s2O24001`,
`sl234567`, or its letter prefix left off) or a name spelled a little differently (`Ada
Lovelace` / `Lovelace, Ada`, `Zoe Lefevre` / `Zoë Lefèvre`) is a fuzzy match when one roster
entry is clearly closest; an id one other digit away (`s1234568`) is another student's, never a
match. Anything else is `unmatched` or `ambiguous`, and two scripts that land on
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
        return _named_too(
            replace(base, status="exact", student=script.student, how="id"), script, roster
        )
    for found in written_ids(script.text):
        if found in roster:
            exact = replace(base, status="exact", student=found, how=f"id {found!r} on page 1")
            return _named_too(exact, script, roster)
    # an id elsewhere in the file's name: 'Lefevre_Zoe_s1234567.md'
    tokens = [t for t in re.split(r"[_\s\-.,()]+", Path(script.source).stem) if t in roster]
    if len(set(tokens)) == 1:
        how = f"id {tokens[0]!r} in the file name"
        return _named_too(replace(base, status="exact", student=tokens[0], how=how), script, roster)
    return _fuzzy(base, script, roster)


def _named_too(match: Match, script: Script, roster: Roster) -> Match:
    """The match, or `ambiguous` when a name the script gives (its front matter, `Name:` on
    page 1, words beside the id in its file name: `s7_garcia.md`) shares no word with the
    student's name but names another student on the roster, or its file name holds another
    student's id too: the id or the name is wrong."""
    own = _name_words(roster.name(match.student))
    stem = Path(script.source).stem
    ids = {t for t in re.split(r"[_\s\-.,()]+", stem) if t in roster} - {match.student}
    if ids:  # 's1_s2.md': two students' ids
        how = f"the file name holds the ids {', '.join(sorted({match.student, *ids}))}"
        return replace(match, status="ambiguous", student="", how=how)
    rest = " ".join(re.findall(r"[^\W\d_]{2,}", stem.replace(match.student, " ")))
    for name in (script.name, written_name(script.text), rest):
        words = _name_words(name)
        if not words or not own or words & own:
            continue
        others = [sid for sid, e in roster.entries.items() if words & _name_words(e.name)]
        if others:
            named = ", ".join(f"{sid} ({roster.name(sid)})" for sid in others)
            whose = roster.name(match.student)
            how = f"id {match.student!r} is {whose}'s, but {name.strip()!r} names {named}"
            return replace(match, status="ambiguous", student="", how=how)
    return match


def _fold(text: str) -> str:
    """Text without accents, as file names and keyboards often write names ('Zoe Lefevre')."""
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in text if not unicodedata.combining(c))


_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L"})


def _name_words(name: str) -> frozenset[str]:
    """The words of a name of two letters or more, lower case and without accents."""
    return frozenset(w for w in re.findall(r"[^\W\d_]{2,}", _fold(name).lower()))


def _fuzzy(base: Match, script: Script, roster: Roster) -> Match:
    by_id = _misread_id([script.student, *written_ids(script.text)], list(roster.entries))
    name = script.name or written_name(script.text)
    # ... or the file's name, when it is a person's ('lefevre_zoe.md', 'Lefèvre, Zoë.md')
    stem = " ".join(re.findall(r"[^\W\d_]{2,}", Path(script.source).stem))
    names: dict[str, list[str]] = {}
    for sid, entry in roster.entries.items():
        if entry.name:
            names.setdefault(entry.name, []).append(sid)
    by_file = _file_named(script.source, roster)
    # the file's name read fuzzily only where no student's whole name is in it
    stem_name = [stem] if " " in stem and by_file is None else []
    by_name = _closest([name] if name else stem_name, list(names))
    if by_name is not None and by_name[0]:  # "" is a tie: keep it as such
        sids = names[by_name[0]]  # two students of one name: a tie too
        how = by_name[2] if len(sids) == 1 else f"{by_name[2]}, the name of {', '.join(sids)}"
        by_name = (sids[0] if len(sids) == 1 else "", by_name[1], how)
    found = [x for x in (by_id, by_name, by_file) if x is not None]
    if not found:
        return replace(base, how=_tried(script, name))
    if len({x[0] for x in found}) > 1 or any(x[0] == "" for x in found):
        return replace(base, status="ambiguous", how="; ".join(x[2] for x in found))
    return replace(base, status="fuzzy", student=found[0][0], how="; ".join(x[2] for x in found))


# Characters a scan or a hand misreads for one another in an id, mapped to one of them.
_MISREAD = str.maketrans("OoDQIlLi|!SsZzBGgqT", "0000111111552286997")


def _id_key(value: str) -> str:
    """An id as a scan may have misread it, reduced to one spelling: `s2O24002` and `s2024002`
    are one key; so are `1234567` and `s1234567` (a letter prefix left off). Two ids that
    differ in any other character (`s1234568`, `s1234567`) are two students, never one."""
    key = re.sub(r"^[^\W\d_]+?(?=[\dOoIl|SZBG])", "", re.sub(r"[\s._-]", "", value))
    return key.translate(_MISREAD)


def _misread_id(queries: Sequence[str], ids: list[str]) -> tuple[str, float, str] | None:
    """(roster id, score, how) for the one roster id a claimed id is a misreading of; ("",
    score, how) when it could be several; None when it is none (see `_id_key`)."""
    keys: dict[str, list[str]] = {}
    for sid in ids:
        keys.setdefault(_id_key(sid), []).append(sid)
    for query in filter(None, queries):
        found = keys.get(_id_key(query), []) if _id_key(query) else []
        if len(found) > 1:
            return "", 100.0, f"id {query!r} may be any of {', '.join(map(repr, found))}"
        if found:
            return found[0], 100.0, f"id {query!r} ≈ {found[0]!r} (characters a scan misreads)"
    return None


def _closest(queries: Sequence[str], choices: list[str]) -> tuple[str, float, str] | None:
    """(name, score, how) for the clearly closest roster name, accents aside; ("", score,
    how) when two tie."""
    from rapidfuzz import fuzz, process, utils

    folded = [_fold(c) for c in choices]
    best: tuple[str, float, str] | None = None
    for query in filter(None, queries):
        ranked = process.extract(
            _fold(query),
            folded,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            limit=2,
        )
        if not ranked or ranked[0][1] < FUZZY_AT_LEAST:
            continue
        top, score = choices[ranked[0][2]], float(ranked[0][1])
        if len(ranked) > 1 and score - ranked[1][1] < CLEAR_MARGIN:
            how = f"name {query!r} is as close to {top!r} as to {choices[ranked[1][2]]!r}"
            return "", score, how
        if best is None or score > best[1]:
            best = (top, score, f"name {query!r} ≈ {top!r} ({score:.0f}%)")
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
    plain = _fold(text.casefold()).replace("'", "").replace("’", "")
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
