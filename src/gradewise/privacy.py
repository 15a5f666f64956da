"""Who wrote an answer, kept out of what a model or an anonymous page sees.

Students write their names, ids and emails into answers ("Ada Lovelace, s2024001" at the top
of a page is common). `scrub` replaces, in one pass, each as a whole word and in any case:
- any email-like string, and the student's roster email however written, with [email];
- the student's full roster name, and each word of it of three letters or more, with [name];
- the student's id, when it has three characters or more, with [id].
Shorter name words and ids are left: "Li" or "s9" in an answer is far more often an ordinary
word or symbol than its writer. So is a name word the part's own texts use (`part_words`): a
student called Adam writing of the Adam optimiser keeps the optimiser, and his marks for it.

Every judge (any model, local or remote) gets answers scrubbed (gradewise.grading), and so do
anonymous review pages (gradewise.review): the placeholders show that something was there.
`Scrubbed` maps spans between the text as written and the scrubbed text, so a judge's evidence
points at the student's own words and a page's highlights at what the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from gradewise.model import Part

NAME, ID, EMAIL = "[name]", "[id]", "[email]"
PLACEHOLDERS = {"email": EMAIL, "name": NAME, "id": ID}
SHORTEST = 3  # characters: shorter name words and ids are left (see above)
# Starting only where no address character comes before, so a long run of letters with no '@'
# is read once, not again from each of its letters.
_EMAIL_LIKE = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"

Span = tuple[int, int]


@dataclass(frozen=True)
class Identity:
    """A student as the roster knows them ('' where it gives no name or email)."""

    student: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Cut:
    """One replacement: where it was in the text as written, where it is in the scrubbed one."""

    start: int
    end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class Scrubbed:
    """A text with its writer's identity replaced by placeholders, and where each one went."""

    text: str
    cuts: tuple[Cut, ...] = ()

    @property
    def hidden(self) -> tuple[Span, ...]:
        """Where the placeholders are in the scrubbed text."""
        return tuple((c.new_start, c.new_end) for c in self.cuts)

    def original(self, span: Span) -> Span:
        """A span of the scrubbed text as a span of the text as written; a placeholder it
        touches stands for all it replaced."""
        pairs = [((c.new_start, c.new_end), (c.start, c.end)) for c in self.cuts]
        return _move(span[0], pairs, end=False), _move(span[1], pairs, end=True)

    def scrubbed(self, span: Span) -> Span:
        """A span of the text as written as a span of the scrubbed text; a name or id it
        touches is its whole placeholder."""
        pairs = [((c.start, c.end), (c.new_start, c.new_end)) for c in self.cuts]
        return _move(span[0], pairs, end=False), _move(span[1], pairs, end=True)


def scrub(
    text: str, who: Identity | None = None, *, keep: frozenset[str] = frozenset()
) -> Scrubbed:
    """`text` without its writer's name, id or email, nor any email address (see above); a
    single name word in `keep` (case-folded words, e.g. `part_words`) is left."""
    pattern = _pattern(who or Identity(""), keep)
    out: list[str] = []
    cuts: list[Cut] = []
    pos = size = 0
    for match in pattern.finditer(text):
        kept = text[pos : match.start()]
        placeholder = PLACEHOLDERS[match.lastgroup or "name"]
        start = size + len(kept)
        out += [kept, placeholder]
        cuts.append(Cut(match.start(), match.end(), start, start + len(placeholder)))
        pos, size = match.end(), start + len(placeholder)
    if not cuts:
        return Scrubbed(text)
    out.append(text[pos:])
    return Scrubbed("".join(out), tuple(cuts))


@lru_cache(maxsize=256)
def part_words(part: Part) -> frozenset[str]:
    """The words a part's own texts use, case-folded: its prompt, reference, guidance, rubric
    and key."""
    texts = [part.prompt, part.reference, part.guidance, *(c.text for c in part.rubric)]
    if part.key is not None:
        texts.append(repr(dict(part.key.params)))
    return frozenset(w.casefold() for t in texts for w in re.findall(r"\w+", t))


@lru_cache(maxsize=4096)
def _pattern(who: Identity, keep: frozenset[str]) -> re.Pattern[str]:
    email, student = who.email.strip(), who.student.strip()
    groups = {
        "email": [_EMAIL_LIKE, *([_word(re.escape(email))] if email else [])],
        "name": [_word(p) for p in _name_patterns(who.name, keep)],
        "id": [_word(re.escape(student))] if len(student) >= SHORTEST else [],
    }
    alternatives = [f"(?P<{g}>{'|'.join(found)})" for g, found in groups.items() if found]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _name_patterns(name: str, keep: frozenset[str]) -> list[str]:
    """The full name (its words joined by anything not a letter), then its words not in `keep`,
    longest first."""
    tokens = [t.strip("'’.-") for t in re.split(r"[\s,;]+", name)]
    tokens = [t for t in tokens if t]
    words = {*tokens, *(part for t in tokens for part in t.split("-"))}
    words = {w for w in words if w.casefold() not in keep}
    found = [r"\W+".join(map(re.escape, tokens))] if len(" ".join(tokens)) >= SHORTEST else []
    return found + [
        re.escape(w) for w in sorted(words, key=len, reverse=True) if len(w) >= SHORTEST
    ]


def _word(pattern: str) -> str:
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def _move(pos: int, pairs: Sequence[tuple[Span, Span]], *, end: bool) -> int:
    """`pos` carried from one text to the other across the replacements (`pairs`, in order)."""
    shift = 0
    for (start, stop), (to_start, to_stop) in pairs:
        if pos <= start:
            break
        if pos < stop:  # inside a replacement: the whole of the other side
            return to_stop if end else to_start
        shift = to_stop - stop
    return pos + shift
