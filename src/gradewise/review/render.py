"""A student's answer as safe HTML: Markdown, LaTeX as MathML, and the evidence highlighted.

Markdown would mangle LaTeX (`_` and `*` are emphasis to it) and knows nothing of evidence
spans, so before it runs every formula and every highlight boundary is replaced by a
placeholder made of private-use characters, which Markdown passes through as plain text.
Afterwards the placeholders become MathML (`gradewise.reports.mathml`) and `<mark>` tags.
A highlight that touches a formula covers the whole formula (MathML cannot be cut in two), and
highlights are split at line ends so that they never straddle two paragraphs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from gradewise.reports.mathml import render as render_math

# The delimiters gradewise.reports.mathml.render reads, longest first.
_MATH = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<!\\)\$[^$]+?(?<!\\)\$",
    re.DOTALL,
)
_FORMULA, _END_FORMULA, _OPEN, _END_OPEN, _CLOSE = "\ue000\ue001\ue002\ue003\ue004"
_PRIVATE = re.compile("[\ue000-\ue004]")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001|\ue002(\\d+)\ue003|\ue004")

# Raw HTML is escaped (a student's `<script>` is text); images are off because an image link
# would be fetched from wherever it points; line breaks are kept, as OCR'd scripts mean them.
_MARKDOWN = (
    MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table").disable("image")
)


# Answers to one part repeat the same formulas, and converting one is the slow step.
_formula = lru_cache(maxsize=8192)(render_math)


@dataclass(frozen=True)
class Highlight:
    """Evidence to mark: (start, end) in the answer text, and the criteria it decided."""

    start: int
    end: int
    criteria: tuple[str, ...]


def render_answer(text: str, highlights: Sequence[Highlight] = ()) -> Markup:
    """The answer as HTML, each highlight wrapped in `<mark data-criterion="ids">`."""
    return _render(text, tuple(highlights))


@lru_cache(maxsize=4096)
def _render(text: str, highlights: tuple[Highlight, ...]) -> Markup:
    # Same length, so every span still points at the same characters.
    text = _PRIVATE.sub("\ufffd", text)
    formulas = [(m.start(), m.end()) for m in _MATH.finditer(text)]
    marks = _split_lines(text, _merge(_cover(highlights, formulas, len(text))), formulas)
    source, rendered = _protect(text, formulas, marks)
    html = _MARKDOWN.render(source)
    return Markup(_PLACEHOLDER.sub(lambda m: _restore(m, rendered, marks), html))


def _cover(
    highlights: Sequence[Highlight], formulas: Sequence[tuple[int, int]], size: int
) -> list[Highlight]:
    """Highlights clipped to the text and widened to whole formulas."""
    out = []
    for h in highlights:
        start, end = max(0, h.start), min(size, h.end)
        for f_start, f_end in formulas:
            if f_start < end and start < f_end:
                start, end = min(start, f_start), max(end, f_end)
        if start < end:
            out.append(Highlight(start, end, h.criteria))
    return out


def _merge(highlights: Sequence[Highlight]) -> list[Highlight]:
    """Non-overlapping highlights (tags cannot overlap), each naming every criterion over it."""
    points = sorted({p for h in highlights for p in (h.start, h.end)})
    out: list[Highlight] = []
    for start, end in itertools.pairwise(points):
        over = (h.criteria for h in highlights if h.start <= start and end <= h.end)
        criteria = tuple(dict.fromkeys(c for ids in over for c in ids))
        if not criteria:
            continue
        if out and out[-1].end == start and out[-1].criteria == criteria:
            out[-1] = Highlight(out[-1].start, end, criteria)
        else:
            out.append(Highlight(start, end, criteria))
    return out


def _split_lines(
    text: str, highlights: Sequence[Highlight], formulas: Sequence[tuple[int, int]]
) -> list[Highlight]:
    """Each highlight cut at the line ends inside it that are not inside a formula."""
    out = []
    for h in highlights:
        start = h.start
        for i in range(h.start, h.end):
            if text[i] == "\n" and not any(s <= i < e for s, e in formulas):
                if start < i:
                    out.append(Highlight(start, i, h.criteria))
                start = i + 1
        if start < h.end:
            out.append(Highlight(start, h.end, h.criteria))
    return out


def _protect(
    text: str, formulas: Sequence[tuple[int, int]], marks: Sequence[Highlight]
) -> tuple[str, list[Markup]]:
    """The text with placeholders for formulas and mark boundaries; the formulas' HTML."""
    opens = {m.start: i for i, m in enumerate(marks)}
    closes = {m.end for m in marks}
    formula_end = dict(formulas)
    cuts = sorted({0, len(text), *opens, *closes, *(p for f in formulas for p in f)})
    out: list[str] = []
    rendered: list[Markup] = []
    for here, following in itertools.pairwise([*cuts, len(text)]):
        if here in closes:
            out.append(_CLOSE)
        if here in opens:
            out.append(f"{_OPEN}{opens[here]}{_END_OPEN}")
        if here in formula_end:
            out.append(f"{_FORMULA}{len(rendered)}{_END_FORMULA}")
            rendered.append(_formula(text[here : formula_end[here]]))
        else:
            out.append(text[here:following])
    return "".join(out), rendered


def _restore(match: re.Match[str], rendered: Sequence[Markup], marks: Sequence[Highlight]) -> str:
    formula, mark = match.group(1), match.group(2)
    if formula is not None:
        return str(rendered[int(formula)])
    if mark is not None:
        criteria = " ".join(marks[int(mark)].criteria)
        return str(Markup('<mark class="evidence" data-criterion="{}">').format(criteria))
    return "</mark>"
