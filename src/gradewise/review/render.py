"""A student's answer as safe HTML: Markdown, LaTeX as MathML, and the evidence highlighted.

Markdown would mangle LaTeX (`_` and `*` are emphasis to it) and knows nothing of evidence
spans, so before it runs every formula and every highlight boundary is replaced by a
placeholder made of private-use characters, which Markdown passes through as plain text.
Afterwards the placeholders become MathML (`gradewise.reports.mathml`) and `<mark>` tags.
A highlight that touches a formula covers the whole formula (MathML cannot be cut in two), and
highlights are split at line ends so that they never straddle two paragraphs.

Spans named `hidden` are where an anonymous page scrubbed its writer's identity ("[name]",
gradewise.privacy): they are shown as they are, in a `<span class="scrubbed">`, and never read
as Markdown ("[name]: 5" at a line's start would be a link definition, and vanish).
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

Span = tuple[int, int]
_SCRUBBED = Markup('<span class="scrubbed">{}</span>')
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


def render_answer(
    text: str, highlights: Sequence[Highlight] = (), *, hidden: Sequence[Span] = ()
) -> Markup:
    """The answer as HTML, each highlight wrapped in `<mark data-criterion="ids">`, each hidden
    span as it is in `<span class="scrubbed">`."""
    return _render(text, tuple(highlights), tuple(hidden))


@lru_cache(maxsize=4096)
def _render(text: str, highlights: tuple[Highlight, ...], hidden: tuple[Span, ...]) -> Markup:
    # Same length, so every span still points at the same characters.
    text = _PRIVATE.sub("\ufffd", text)
    formulas = [(m.start(), m.end()) for m in _MATH.finditer(text)]
    # One inside a formula is the formula's text: MathML shows it as written.
    shown = [h for h in hidden if not any(s < h[1] and h[0] < e for s, e in formulas)]
    atoms = sorted([*formulas, *shown])
    marks = _split_lines(text, _merge(_cover(highlights, atoms, len(text))), atoms)
    source, rendered = _protect(text, atoms, set(shown), marks)
    html = _MARKDOWN.render(source)
    return Markup(_PLACEHOLDER.sub(lambda m: _restore(m, rendered, marks), html))


def _cover(highlights: Sequence[Highlight], atoms: Sequence[Span], size: int) -> list[Highlight]:
    """Highlights clipped to the text and widened to whole atoms (formulas, hidden spans)."""
    out = []
    for h in highlights:
        start, end = max(0, h.start), min(size, h.end)
        for f_start, f_end in atoms:
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
    text: str, highlights: Sequence[Highlight], atoms: Sequence[Span]
) -> list[Highlight]:
    """Each highlight cut at the line ends inside it that are not inside a formula."""
    out = []
    for h in highlights:
        start = h.start
        for i in range(h.start, h.end):
            if text[i] == "\n" and not any(s <= i < e for s, e in atoms):
                if start < i:
                    out.append(Highlight(start, i, h.criteria))
                start = i + 1
        if start < h.end:
            out.append(Highlight(start, h.end, h.criteria))
    return out


def _protect(
    text: str, atoms: Sequence[Span], hidden: set[Span], marks: Sequence[Highlight]
) -> tuple[str, list[Markup]]:
    """The text with placeholders for atoms (formulas, hidden spans) and mark boundaries; the
    atoms' HTML."""
    opens = {m.start: i for i, m in enumerate(marks)}
    closes = {m.end for m in marks}
    atom_end = dict(atoms)
    cuts = sorted({0, len(text), *opens, *closes, *(p for f in atoms for p in f)})
    out: list[str] = []
    rendered: list[Markup] = []
    for here, following in itertools.pairwise([*cuts, len(text)]):
        if here in closes:
            out.append(_CLOSE)
        if here in opens:
            out.append(f"{_OPEN}{opens[here]}{_END_OPEN}")
        if here in atom_end:
            out.append(f"{_FORMULA}{len(rendered)}{_END_FORMULA}")
            atom = text[here : atom_end[here]]
            hides = (here, atom_end[here]) in hidden
            rendered.append(_SCRUBBED.format(atom) if hides else _formula(atom))
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
