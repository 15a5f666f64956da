"""Scripts matched to the roster by the name in their file's name, as LMS downloads name them
(an outside check: Canvas's `lastfirst_userid_submissionid_file.md` and `Kemi Adeyemi - Quiz
3.md` were all "unmatched", though the roster held each name)."""

from __future__ import annotations

import pytest

from gradewise.model import Script
from gradewise.scripts.ingest import Roster, RosterEntry
from gradewise.scripts.roster_match import match_script
from test_roster import ROSTER

ACCENTED = Roster(
    {
        "u1": RosterEntry("u1", "Inès Duarte"),
        "u2": RosterEntry("u2", "Liam O'Connor"),
        "u3": RosterEntry("u3", "Mary Ann Smith"),
        "u4": RosterEntry("u4", "Anna Smith-Jones"),
    }
)


@pytest.mark.parametrize(
    "roster, file, status, student",
    [
        (ROSTER, "lovelaceada_88101_554433_quiz3.md", "fuzzy", "s2024001"),  # Canvas: last first
        (ROSTER, "hoppergrace_late_88102_5544_q-1.md", "fuzzy", "s2024002"),  # late, resubmitted
        (ROSTER, "adalovelace_1_2_quiz.md", "fuzzy", "s2024001"),  # first then last
        (ROSTER, "Grace Hopper - Quiz 3.md", "fuzzy", "s2024002"),  # the whole name in it
        (ROSTER, "quiz3-Hopper_Grace.md", "fuzzy", "s2024002"),  # in any order
        (ROSTER, "Alan Turing.md", "fuzzy", "s2024003"),  # the twin name is not all there
        (ROSTER, "turing_88.md", "unmatched", ""),  # a last name alone names nobody
        (ROSTER, "alan_88.md", "unmatched", ""),  # nor a first name
        (ROSTER, "scan7.md", "unmatched", ""),  # nothing of a name
        (ACCENTED, "duarteines_1_2_q.md", "fuzzy", "u1"),  # Canvas drops the accent
        (ACCENTED, "oconnorliam_1_2_q.md", "fuzzy", "u2"),  # and the apostrophe
        (ACCENTED, "smithmaryann_1_2_q.md", "fuzzy", "u3"),  # a two-word first name
        (ACCENTED, "smithjonesanna_1_2_q.md", "fuzzy", "u4"),  # a two-word last name
        (ACCENTED, "Liam O'Connor quiz.md", "fuzzy", "u2"),  # the name as written
    ],
)
def test_a_file_named_for_a_student_is_theirs(
    roster: Roster, file: str, status: str, student: str
) -> None:
    claimed = file.split("_")[0].split(" ")[0].removesuffix(".md")
    found = match_script(Script(claimed, "", f"scripts/{file}", "Q1 b\n"), roster)
    assert (found.status, found.student) == (status, student), found.how


def test_a_file_name_fitting_two_students_is_for_a_human() -> None:
    twins = Roster({"a": RosterEntry("a", "Ada Lovelace"), "b": RosterEntry("b", "Ada Lovelace")})
    found = match_script(Script("lovelaceada", "", "lovelaceada_1_2.md", ""), twins)
    assert found.status == "ambiguous" and found.student == ""
