"""Who a student is on the pages: their id and name, or, when grading anonymously, a pseudonym.

Anonymous pseudonyms ("Student 7") are numbered in an order shuffled afresh for each server
run, so they reveal neither the id order nor the roster order, and they stay the same for the
whole run. The pseudonym is also the key in URLs and forms, so no page or request carries the
student id. Nor does what a student wrote: a name, id or email inside an answer is shown as
[name], [id] or [email] (`scrub`, by gradewise.privacy).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from gradewise.privacy import Identity, Scrubbed, scrub


class Identities:
    """Maps student ids to what pages show (`label`) and to what URLs carry (`key`)."""

    def __init__(self, *, anonymous: bool, seed: int | None = None) -> None:
        self.anonymous = anonymous
        self._random = random.Random(seed) if seed is not None else random.SystemRandom()
        self._people: dict[str, Identity] = {}
        self._numbers: dict[str, int] = {}
        self._by_key: dict[str, str] = {}

    def learn(self, students: Iterable[Identity]) -> None:
        """Take note of students (id, name, email); new ones get the next pseudonyms."""
        fresh = []
        for person in students:
            self._people[person.student] = person
            if person.student not in self._numbers:
                fresh.append(person.student)
        self._random.shuffle(fresh)
        for student in fresh:
            self._numbers[student] = len(self._numbers) + 1
            self._by_key[self.key(student)] = student

    def key(self, student: str) -> str:
        """The student's stand-in in URLs and requests."""
        return f"anon-{self._numbers[student]}" if self.anonymous else student

    def label(self, student: str) -> str:
        """What a page shows for the student."""
        if self.anonymous:
            return f"Student {self._numbers[student]}"
        found = self._people.get(student)
        return f"{student} · {found.name}" if found and found.name else student

    def scrub(self, student: str, text: str, keep: frozenset[str] = frozenset()) -> Scrubbed:
        """Text the student wrote as a page may show it: their name, id and email (and any
        email address) hidden when anonymous, as written otherwise; see privacy.scrub."""
        if not self.anonymous:
            return Scrubbed(text)
        return scrub(text, self._people.get(student) or Identity(student), keep=keep)

    def student(self, key: str) -> str | None:
        """The student id behind a key from a URL or request (None: nobody known)."""
        return self._by_key.get(key)
