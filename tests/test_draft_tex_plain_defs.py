"""Macros a paper makes with TeX's `\\def` (`\\def\\course{Algebra 101}`, `\\def\\half#1{#1/2}`)
are known like its `\\newcommand`s: a short plain one is read as it says where it is used, none
is said to be 'defined nowhere', and a `\\def` in the body (`\\def\\labelenumii{...}` before a
list) puts no words in the question."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.exam.draft import draft_exam, render


def _draft(tmp_path: Path, preamble: str, body: str) -> tuple[str, list[str]]:
    text = (
        f"\\documentclass{{exam}}\n{preamble}\\begin{{document}}\n\\begin{{questions}}\n"
        f"{body}\\end{{questions}}\n\\end{{document}}\n"
    )
    path = tmp_path / "paper.tex"
    path.write_text(text, encoding="utf-8")
    draft = draft_exam([path])
    return render(draft), [note.value for note in draft.notes]


@pytest.mark.parametrize(
    "preamble, body, shown, hidden",
    [
        (
            "\\def\\course{Algebra 101}\n",
            "\\question[2] In \\course, add 2 and 3.\n",
            "In Algebra 101,",
            "\\course",
        ),
        ("\\def\\half#1{#1/2}\n", "\\question[2] What is \\half{8}?\n", "What is 8/2?", "\\half"),
        ("\\gdef\\unit{cm}\n", "\\question[2] Give the side in \\unit.\n", "side in cm", "\\unit"),
        # a \def inside the body, before a list: its name and body are no words of the question
        (
            "",
            "\\question[2] Name two primes.\n\\def\\labelenumi{(\\roman{enumi})}\n"
            "\\begin{enumerate}\\item small ones\\end{enumerate}\n",
            "Name two primes.",
            "labelenumi",
        ),
    ],
)
def test_defs_are_known(tmp_path: Path, preamble: str, body: str, shown: str, hidden: str) -> None:
    written, notes = _draft(tmp_path, preamble, body)
    assert shown in written
    assert hidden not in written
    assert not any("defined nowhere" in note for note in notes)


def test_a_def_with_delimited_parameters_is_known_but_kept(tmp_path: Path) -> None:
    """`\\def\\pair(#1,#2){...}` takes what TeX would: not read here, kept as written, but
    never said to be defined nowhere."""
    written, notes = _draft(
        tmp_path, "\\def\\pair(#1,#2){#1 and #2}\n", "\\question[2] Compare \\pair(3,4).\n"
    )
    assert "\\pair(3,4)" in written
    assert not any("defined nowhere" in note for note in notes)
