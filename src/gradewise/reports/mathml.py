"""Text with LaTeX math → safe HTML with MathML, rendered offline (no CDN, no script).

Math is delimited as `$...$`, `$$...$$`, `\\(...\\)` or `\\[...\\]`. latex2mathml converts it;
its output is then rebuilt from a whitelist of MathML elements and attributes, because the
converter passes `\\text{<script>}` and `\\href{javascript:...}` straight through. Anything that
does not convert or does not pass the whitelist is shown as its LaTeX source, escaped: a
student's answer is always shown, never dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from latex2mathml.converter import convert
from markupsafe import Markup, escape

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

# Longest delimiters first, so `$$` is not read as two empty `$` spans.
_MATH = re.compile(
    r"\$\$(?P<d1>.+?)\$\$|\\\[(?P<d2>.+?)\\\]|\\\((?P<i1>.+?)\\\)|(?<!\\)\$(?P<i2>[^$]+?)(?<!\\)\$",
    re.DOTALL,
)

_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mover munder"
    " munderover mtable mtr mtd mstyle mpadded mphantom menclose mfenced semantics"
    " annotation merror".split()
)
_ATTRIBUTES = frozenset(
    "display mathvariant stretchy fence separator form lspace rspace largeop movablelimits"
    " accent accentunder columnalign columnspacing rowspacing columnlines rowlines linethickness"
    " displaystyle scriptlevel width height depth notation open close separators encoding"
    " minsize maxsize symmetric".split()
)


# A formula renderer: LaTeX (without delimiters) and whether it is a display formula → safe
# HTML, or None when it cannot render it (the source is shown instead).
Formula = Callable[..., "Markup | None"]


def render(text: str) -> Markup:
    """HTML for `text`: plain parts escaped, math parts as MathML (or escaped source)."""
    return render_with(text, to_mathml)


def render_with(text: str, formula: Formula) -> Markup:
    """HTML for `text`: plain parts escaped, math parts through `formula` (or escaped source)."""
    out: list[str] = []
    last = 0
    for match in _MATH.finditer(text):
        out.append(escape(text[last : match.start()]))
        block = match.group("d1") is not None or match.group("d2") is not None
        latex = next(g for g in match.groups() if g is not None)
        out.append(formula(latex, block=block) or _source(match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("".join(out))


def to_mathml(latex: str, *, block: bool = False) -> Markup | None:
    """Safe MathML for one formula, or None when it cannot be converted safely."""
    try:
        raw = convert(latex.strip(), display="block" if block else "inline")
        tree = ET.fromstring(raw)
    except Exception:  # any converter or parse failure: the caller shows the source instead
        return None
    clean = _rebuild(tree)
    if clean is None:
        return None
    clean.set("xmlns", MATHML_NS)
    return Markup(ET.tostring(clean, encoding="unicode"))


def _rebuild(node: ET.Element) -> ET.Element | None:
    """A copy holding only whitelisted tags and attributes; None if a tag is not allowed."""
    tag = node.tag.rpartition("}")[2]
    if tag not in _TAGS:
        return None
    copy = ET.Element(tag, {k: v for k, v in node.attrib.items() if k in _ATTRIBUTES})
    copy.text, copy.tail = node.text, node.tail
    for child in node:
        kept = _rebuild(child)
        if kept is None:
            return None
        copy.append(kept)
    return copy


def _source(latex: str) -> Markup:
    return Markup('<code class="tex">{}</code>').format(latex)
