"""LaTeX formulas → inline SVG images (matplotlib's mathtext), for renderers without MathML.

The PDF renderer (WeasyPrint) draws SVG but not MathML, so a printed feedback page carries each
formula as an SVG image, glyphs drawn as paths (no font needed on the reader's machine), sized
in points and sunk by the formula's depth so it sits on the text's baseline. mathtext covers
TeX's math subset (fractions, roots, sub/superscripts, Greek, operators, accents, `\\mathbf`,
`\\mathbb`, `\\text`); what it cannot parse (environments such as `pmatrix`) comes back None and
the caller shows the LaTeX source instead.
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache

from markupsafe import Markup

FONT_SIZE = 11.0  # points, the body text's size in print

# TeX spellings mathtext lacks, rewritten to ones it has (whole control words only).
_ALIASES = {
    r"\le": r"\leq",
    r"\ge": r"\geq",
    r"\tfrac": r"\frac",
    r"\bm": r"\boldsymbol",
    r"\lVert": r"\Vert",
    r"\rVert": r"\Vert",
    r"\lvert": "|",
    r"\rvert": "|",
    r"\argmax": r"\operatorname{arg\,max}",
    r"\argmin": r"\operatorname{arg\,min}",
    r"\operatorname*": r"\operatorname",
}
_CONTROL_WORD = re.compile(r"\\[A-Za-z]+\*?")


@lru_cache(maxsize=4096)
def to_svg(latex: str, *, block: bool = False) -> Markup | None:
    """An <img> holding the formula as SVG, or None when mathtext cannot parse it."""
    svg, depth = _draw(_CONTROL_WORD.sub(lambda m: _ALIASES.get(m.group(0), m.group(0)), latex))
    if svg is None:
        return None
    data = base64.b64encode(svg).decode("ascii")
    style = "display:block;margin:0.3em auto" if block else f"vertical-align:-{depth:.1f}pt"
    return Markup(
        '<img class="formula" alt="{}" style="{}" src="data:image/svg+xml;base64,{}">'
    ).format(latex, style, data)


def _draw(latex: str) -> tuple[bytes | None, float]:
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit
    from matplotlib import mathtext, rc_context
    from matplotlib.font_manager import FontProperties

    latex = latex.strip()
    if not latex or "\n\n" in latex:
        return None, 0.0
    source = f"${latex}$"
    font = FontProperties(size=FONT_SIZE)
    try:
        with rc_context({"svg.fonttype": "path", "svg.hashsalt": "gradewise"}):
            depth = mathtext.MathTextParser("path").parse(source, dpi=72, prop=font)[2]
            out = io.BytesIO()
            mathtext.math_to_image(source, out, prop=font, format="svg")
    except Exception:  # any mathtext failure: the caller shows the source instead
        return None, 0.0
    return out.getvalue(), float(depth)
