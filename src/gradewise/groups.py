"""Answer groups: identical and similar answers to one part, so a grader can mark them at once.

Two answers are in one group when their normalised texts are equal, or when their sets of
tokens and token pairs overlap by a Jaccard index of at least `SIMILAR` ("B, C" and "b,c." are
one group; a worked answer with one different number is another). The pairs keep order in
view: (32, 26, 26, 128) has the tokens of [32, 128, 26, 26] but is a different answer. A group
marked at once must not hide a different answer, so the test errs towards splitting. Grouping
is greedy, most common text first, so a group opens with its most common wording.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from gradewise.model import Answer

SIMILAR = 0.8

# Numbers stay whole (1.464, -6), so "w3 = 1.464" and "w3 = 1.272" differ by a token.
_TOKEN = re.compile(r"-?\d+(?:\.\d+)?|\w+|[^\w\s]")
# Spacing and punctuation that carry no meaning in an answer ("B, C" = "b,c."), but not the
# point inside a number.
_NOISE = re.compile(r"(?:\s|[,;:!?'\"`*_~()\[\]{}$]|(?<!\d)\.|\.(?!\d))+")


@dataclass(frozen=True)
class Group:
    """Answers to one part that read the same; `key` is the normalised text of the first."""

    key: str
    answers: tuple[Answer, ...]


def normalise(text: str) -> str:
    """The text as compared: Unicode NFKC, case-folded, punctuation and spacing dropped."""
    return _NOISE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def shingles(text: str) -> frozenset[str]:
    """The words, numbers and symbols of a normalised text, and each adjacent pair of them."""
    found = _TOKEN.findall(text)
    return frozenset(found) | {f"{a} {b}" for a, b in itertools.pairwise(found)}


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are identical."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def group_answers(answers: Sequence[Answer], *, similar: float = SIMILAR) -> list[Group]:
    """Group answers to one part, largest group first (ties: the first student's id)."""
    by_text: dict[str, list[Answer]] = {}
    for answer in sorted(answers, key=lambda a: a.student):
        by_text.setdefault(normalise(answer.text), []).append(answer)
    seeds: list[tuple[str, frozenset[str], list[Answer]]] = []
    for text, same in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[1][0].student)):
        words = shingles(text)
        home = next((g for g in seeds if _close(text, words, g[0], g[1], similar)), None)
        if home is None:
            seeds.append((text, words, list(same)))
        else:
            home[2].extend(same)
    groups = [Group(text, tuple(found)) for text, _, found in seeds]
    return sorted(groups, key=lambda g: (-len(g.answers), g.answers[0].student))


def _close(
    text: str, words: frozenset[str], seed: str, seed_words: frozenset[str], similar: float
) -> bool:
    # An empty answer is only ever grouped with other empty answers.
    if not text or not seed:
        return text == seed
    return jaccard(words, seed_words) >= similar
