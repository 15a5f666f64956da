"""Greek letters written by name in plain text (`sigma(z)`, `lambda*x`, `exp(-beta t)`): one
symbol each, as `\\sigma` is in LaTeX — never the letters s·i·g·m·a. Shared by the expression
worker (which reads them) and the checker (which counts an expression's letters)."""

from __future__ import annotations

import re

NAMES = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
    "Phi Psi Omega"
).split()

# A name standing alone: not inside a word (`beta` in `betas`, `eta` in `beta`), not after `\`.
PLAIN = re.compile(
    rf"(?<![\\A-Za-z])({'|'.join(sorted(NAMES, key=len, reverse=True))})(?![A-Za-z])"
)


def as_latex(text: str) -> str:
    """`sigma(z)` → `\\sigma (z)`: each Greek name written plainly as its LaTeX command."""
    return PLAIN.sub(lambda m: "\\" + m.group(1) + " ", text)
