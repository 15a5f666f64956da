"""Who a student is on the pages: their id and name, or, when grading anonymously, a pseudonym.

Anonymous pseudonyms ("Student 7") are numbered in an order shuffled afresh for each server
run, so they reveal neither the id order nor the roster order, and they stay the same for the
whole run. The pseudonym is also the key in URLs and forms, so no page or request carries the
student id.
"""

from __future__ import annotations

import random
from collections.abc import Iterable


class Identities:
    """Maps student ids to what pages show (`label`) and to what URLs carry (`key`)."""

    def __init__(self, *, anonymous: bool, seed: int | None = None) -> None:
        self.anonymous = anonymous
        self._random = random.Random(seed) if seed is not None else random.SystemRandom()
        self._names: dict[str, str] = {}
        self._numbers: dict[str, int] = {}
        self._by_key: dict[str, str] = {}

    def learn(self, students: Iterable[tuple[str, str]]) -> None:
        """Take note of (student id, name) pairs; new ones get the next pseudonyms."""
        fresh = []
        for student, name in students:
            self._names[student] = name
            if student not in self._numbers:
                fresh.append(student)
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
        name = self._names.get(student, "")
        return f"{student} · {name}" if name else student

    def student(self, key: str) -> str | None:
        """The student id behind a key from a URL or request (None: nobody known)."""
        return self._by_key.get(key)
