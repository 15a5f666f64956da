"""The metadata block opening a Markdown file: one reader for scripts, drafts and Quarto papers."""

from __future__ import annotations

import pytest

from gradewise import frontmatter


@pytest.mark.parametrize(
    ("text", "end", "fields", "stray"),
    [
        ("---\nstudent: s1\nname: Ada\n---\nQ1: b", 4, {"student": "s1", "name": "Ada"}, None),
        ("---\ntitle: 'Midterm: part 1'\n...\nbody", 3, {"title": "Midterm: part 1"}, None),
        (
            '+++\ntitle = "Quiz 3"\ndate = 2026-03-01\n+++\n',
            4,
            {"title": "Quiz 3", "date": "2026-03-01"},
            None,
        ),
        (
            "---\nformat:\n  pdf:\n    documentclass: exam\ntitle: Final\n---",
            6,
            {"format": "", "title": "Final"},
            None,
        ),
        ("---\nauthors:\n- Ada\n- Bo\n---", 5, {"authors": ""}, None),
        ("---\n# a comment\n\nStudent: S9\n---", 5, {"student": "S9"}, None),
        ("---\n  name: Ada\n  student: s1\n---", 4, {"name": "Ada", "student": "s1"}, None),
        (
            "---\nformat:\n  pdf: default\n  title: no\nid: 7\n---",
            6,
            {"format": "", "id": "7"},
            None,
        ),
        ("---\nname: Ada\nthis line is prose\n---", 4, {"name": "Ada"}, 2),
        ("---\nQuestion 1. What is a prior?\n---", 3, {}, 1),
        ("\r\n".join(["---", "student: s1", "---"]).replace("\r", ""), 3, {"student": "s1"}, None),
    ],
)
def test_a_closed_block_opening_the_file(text, end, fields, stray):
    block = frontmatter.opening(text.split("\n"))
    assert block is not None
    assert (block.end, block.values(), block.stray) == (end, fields, stray)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Q1: b\n---\nname: Ada\n---",  # not the first line
        " ---\nname: Ada\n---",  # an indented fence
        "---\nname: Ada\n+++",  # closed by the other fence
        "+++\ntitle = 'x'\n...",  # '...' closes only '---'
        "---\nname: Ada\nQ1: b\nQ2: c",  # never closed
        "***\nname: Ada\n***",
    ],
)
def test_no_block(text):
    assert frontmatter.opening(text.split("\n")) is None


def test_a_block_closed_past_its_reach_is_a_rule_unless_the_reader_says_how_far():
    lines = ["---", *(f"k{i}: v" for i in range(frontmatter.REACH)), "---"]
    assert frontmatter.opening(lines) is None
    block = frontmatter.opening(lines, reach=len(lines))
    assert block is not None and block.end == len(lines)


def test_the_line_of_a_field_is_kept():
    block = frontmatter.opening(["---", "", "title: Exam", "---"])
    assert block is not None and block.get("title") == frontmatter.Field("title", "Exam", 2)
    assert block.get("author") is None
