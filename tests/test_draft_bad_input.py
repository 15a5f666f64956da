"""Documents as they come: a .docx with tracked changes, a .tex that would not compile.
Drafted as far as possible with what was odd said at the top (a PDF that is a scan is refused
in one line naming the OCR step: `test_bad_documents` in test_draft.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.exam.draft import draft_exam, render
from gradewise.exam.load import load_exam_text

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MARK = 'w:author="TA" w:date="2025-01-10T10:00:00Z"'


def _tracked_docx(path: Path) -> Path:
    """A paper whose marks were changed from 4 to 5 with track changes on, one paragraph
    added (the key) and one deleted (an old key), none of them accepted."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Quiz on sums")
    first = document.add_paragraph("Question 1 (")
    first._p.append(
        parse_xml(f'<w:del {_W} w:id="1" {_MARK}><w:r><w:delText>4</w:delText></w:r></w:del>')
    )
    first._p.append(parse_xml(f'<w:ins {_W} w:id="2" {_MARK}><w:r><w:t>5</w:t></w:r></w:ins>'))
    first.add_run(" marks) What is 2 + 3?")
    added = document.add_paragraph()
    added._p.append(
        parse_xml(f'<w:ins {_W} w:id="3" {_MARK}><w:r><w:t>Answer: 5</w:t></w:r></w:ins>')
    )
    dropped = document.add_paragraph()
    dropped._p.append(
        parse_xml(
            f'<w:del {_W} w:id="4" {_MARK}><w:r><w:delText>Answer: 6</w:delText></w:r></w:del>'
        )
    )
    document.save(str(path))
    return path


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    path = _tracked_docx(tmp_path / "quiz.docx")
    text = render(draft_exam([path]))
    header = text.split("schema_version", 1)[0]
    assert "tracked changes" in header and "accepted" in header  # said at the top
    exam = load_exam_text(text)
    part = exam.part("I.1")
    assert part.marks == 5  # the insertion kept, the deletion dropped
    assert part.key is not None and part.key.params["value"] == 5  # not the deleted 6


def test_docx_without_tracked_changes_says_nothing_of_them(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Question 1 (2 marks) What is 1 + 1?")
    document.save(str(tmp_path / "plain.docx"))
    assert "tracked changes" not in render(draft_exam([tmp_path / "plain.docx"]))


@pytest.mark.parametrize(
    "source, note, marks",
    [
        # \end{questions} and \end{document} missing: drafted to the end of the file
        (
            "\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n"
            "\\question[2] What is $x$?\n\\question[3] Why?\n",
            "line 3: \\begin{questions} is never ended",
            {"I.1": 2, "I.2": 3},
        ),
        # an \end that ends nothing
        (
            "\\begin{document}\n\\begin{questions}\n\\question[2] What is $x$?\n\\end{parts}\n"
            "\\question[3] Why?\n\\end{questions}\n\\end{document}\n",
            "line 4: \\end{parts} ends no \\begin{parts}",
            {"I.1": 2, "I.2": 3},
        ),
        # a macro from a package gradewise has not read: kept as written, named
        (
            "\\begin{document}\n\\begin{questions}\n\\question[2] \\answerline{x}\n"
            "\\question[3] \\shade{Why}?\n\\end{questions}\n\\end{document}\n",
            "line 4: \\shade is defined nowhere",
            {"I.1": 2, "I.2": 3},
        ),
    ],
)
def test_tex_that_would_not_compile(
    tmp_path: Path, source: str, note: str, marks: dict[str, int]
) -> None:
    path = tmp_path / "paper.tex"
    path.write_text(source, encoding="utf-8")
    result = CliRunner().invoke(cli, ["exam", "draft", str(path)])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert note in result.output.split("schema_version", 1)[0]
    exam = load_exam_text(render(draft_exam([path])))
    assert {address: exam.part(address).marks for address in marks} == marks


@pytest.mark.parametrize(
    "text",
    [
        # a link with its text
        "See (or refer to \\href{https://example.org/x}{the notes}) first.",
        # a link macro missing its arguments
        "See \\href for details.",
    ],
)
def test_links_in_latex_never_stop_the_draft(tmp_path: Path, text: str) -> None:
    paper = tmp_path / "paper.tex"
    paper.write_text(
        "\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n"
        f"\\question[3] {text}\n\\question[2] Next.\n\\end{{questions}}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    drafted = render(draft_exam([paper]))
    assert "marks: 3" in drafted and "marks: 2" in drafted
    assert "example.org" not in drafted  # the text a reader sees, not the address
