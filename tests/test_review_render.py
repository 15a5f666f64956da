"""Truth tables for the review page's pure parts: answer groups and answer rendering."""

from __future__ import annotations

import pytest

from gradewise.groups import group_answers, jaccard, normalise, shingles
from gradewise.model import Answer
from gradewise.review.pages import page_label
from gradewise.review.render import Highlight, render_answer


@pytest.mark.parametrize(
    "a, b, together",
    [
        ("B, C", "b,c.", True),  # case and punctuation carry nothing
        ("Ans: B, C", "Ans:  B ,C", True),  # spacing neither
        ("[32, 128, 26, 26]", "(32,128,26,26)", True),  # brackets neither
        ("[32, 128, 26, 26]", "[32, 26, 26, 128]", False),  # same numbers, another order
        ("w3 = 1.464", "w3 = 1.272", False),  # one number differs in a short answer
        ("1.464", "1464", False),  # the point inside a number counts
        ("B, C", "A, B, C", False),  # one more option chosen
        ("", "   ", True),  # two empty answers
        ("", "0", False),  # an empty answer is never grouped with an answer
        (
            "the L1 penalty pushes small weights to exactly zero because its gradient is constant",
            "the L1 penalty pushes small weights to exactly zero because the gradient is constant",
            True,
        ),  # one word changed in a long answer
        ("ｂ，ｃ", "b, c", True),  # full-width letters (NFKC)
    ],
)
def test_grouping(a: str, b: str, together: bool) -> None:
    groups = group_answers([Answer("s1", "I.1", a), Answer("s2", "I.1", b)])
    assert (len(groups) == 1) == together


def test_groups_largest_first_then_first_student() -> None:
    texts = {"s1": "b", "s2": "a", "s3": "a", "s4": "c", "s5": "A."}
    groups = group_answers([Answer(s, "I.1", t) for s, t in texts.items()])
    assert [[a.student for a in g.answers] for g in groups] == [["s2", "s3", "s5"], ["s1"], ["s4"]]
    assert groups[0].key == normalise("a")


def test_jaccard_edges() -> None:
    assert jaccard(frozenset(), frozenset()) == 1.0
    assert jaccard(shingles("a b"), shingles("c d")) == 0.0


def mark(criterion: str) -> str:
    return f'<mark class="evidence" data-criterion="{criterion}">'


@pytest.mark.parametrize(
    "text, highlights, present, absent",
    [
        # Markdown: emphasis, line breaks kept (OCR'd lines mean them).
        ("**w3** = 1.464\nnext line", [], ["<strong>w3</strong>", "<br />"], []),
        # LaTeX becomes MathML; its underscores are not Markdown emphasis.
        ("$w_1 = a_b$ and $x_2$", [], ["<math", "<msub>"], ["<em>"]),
        # Display math.
        ("$$\\frac{5}{7}$$", [], ['display="block"', "<mfrac>"], []),
        # Evidence in plain text is marked exactly.
        ("Ans: B, C", [(5, 9, "key")], [f"{mark('key')}B, C</mark>"], []),
        # Evidence inside a formula marks the whole formula.
        ("so $f'(0) = -6$ here", [(13, 15, "grad")], [f"{mark('grad')}<math"], []),
        # Overlapping evidence: one mark per stretch, naming every criterion over it.
        (
            "x 1.464",
            [(2, 7, "w3"), (2, 6, "x")],
            [f"{mark('w3 x')}1.46</mark>{mark('w3')}4</mark>"],
            [],
        ),
        # Evidence across lines is cut at the line end (never straddles paragraphs).
        (
            "ab\n\ncd",
            [(0, 6, "c")],
            [f"<p>{mark('c')}ab</mark></p>", f"<p>{mark('c')}cd</mark></p>"],
            [],
        ),
        # Out-of-range spans are clipped, empty ones dropped.
        ("abc", [(1, 99, "c"), (2, 2, "d")], [f"a{mark('c')}bc</mark>"], ['data-criterion="d"']),
        # A student's HTML is text, never markup.
        ("<script>alert(1)</script>", [], ["&lt;script&gt;"], ["<script>"]),
        # Images would be fetched from wherever they point: off.
        ("![x](http://example.com/x.png)", [], [], ["<img"]),
        # javascript: links are not links.
        ("[x](javascript:alert(1))", [], [], ['href="javascript']),
        # LaTeX that cannot be converted stays visible as source.
        ("$\\frac{$", [], ['<code class="tex">$\\frac{$</code>'], []),
        # Our placeholder characters in the text cannot forge a formula or a mark.
        ("\ue0000\ue001 \ue004", [], ["\ufffd"], ["</mark>", "<math"]),
    ],
)
def test_render(
    text: str, highlights: list[tuple[int, int, str]], present: list[str], absent: list[str]
) -> None:
    html = render_answer(text, [Highlight(s, e, (c,)) for s, e, c in highlights])
    for piece in present:
        assert piece in html
    for piece in absent:
        assert piece not in html
    assert html.count("<mark") == html.count("</mark>")


@pytest.mark.parametrize(
    "text, spans, label",
    [
        ("one page only", ((0, 4),), ""),  # a typed script: no pages to speak of
        ("p1 text\fQ2 answer\fp3", ((8, 17),), "page 2"),  # inside the second page
        ("p1 Q1 starts\fgoes on", ((3, 20),), "pages 1–2"),  # across a page break
        ("a\fb", (), ""),  # no span: nothing to say
        ("", ((0, 1),), ""),  # no text (not a paged script)
    ],
)
def test_page_label(text: str, spans: tuple[tuple[int, int], ...], label: str) -> None:
    assert page_label(text, spans) == label


def scrubbed(text: str) -> str:
    return '<span class="scrubbed">' + text + "</span>"


@pytest.mark.parametrize(
    "text, hidden, highlights, present, absent",
    [
        # At a line's start "[name]: x" would be a Markdown link definition, and vanish.
        ("[name]: 0.714", [(0, 6)], [], [f"<p>{scrubbed('[name]')}: 0.714</p>"], []),
        # "[name]([id])" would be a link.
        ("[name]([id])", [(0, 6), (7, 11)], [], [scrubbed("[id]")], ["<a "]),
        # Evidence over a placeholder marks it with the rest.
        (
            "[name] says 5",
            [(0, 6)],
            [(0, 13, "k")],
            [f"{mark('k')}{scrubbed('[name]')} says 5"],
            [],
        ),
        # A placeholder inside a formula is the formula's text.
        ("$x = [name]$", [(5, 11)], [], ["<math"], [scrubbed("[name]")]),
    ],
)
def test_render_keeps_placeholders_as_text(
    text: str,
    hidden: list[tuple[int, int]],
    highlights: list[tuple[int, int, str]],
    present: list[str],
    absent: list[str],
) -> None:
    html = render_answer(text, [Highlight(s, e, (c,)) for s, e, c in highlights], hidden=hidden)
    for piece in present:
        assert piece in html
    for piece in absent:
        assert piece not in html


@pytest.mark.parametrize(
    ("text", "imaged", "label"),
    [
        ("Q1 a", True, "page 1"),  # a one-page scan with its image kept
        ("Q1 a", False, ""),  # a typed script: no page to show
        ("Q1 a\fQ2 b", False, "page 1"),  # several pages: labelled either way
    ],
)
def test_page_label_of_imaged_scripts(text: str, imaged: bool, label: str) -> None:
    assert page_label(text, ((0, 2),), imaged=imaged) == label
