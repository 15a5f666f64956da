"""Names read whole in plain text: Greek letters by name (`sigma(z)`, `lambda*x`), one
symbol each as `\\sigma` is in LaTeX — never the letters s·i·g·m·a — and the functions read by
name. Shared by the expression worker (which reads them) and the checker (which counts an
expression's letters)."""

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


# The functions the checker reads by their names in plain text ('exp(-x)', 'max(0, x)'): one
# list for the worker that reads them and the checker that tells them from letters.
FUNCTIONS = frozenset("exp log ln sin cos tan tanh sqrt sigmoid max min".split())


def as_latex(text: str) -> str:
    """`sigma(z)` → `\\sigma (z)`: each Greek name written plainly as its LaTeX command."""
    return PLAIN.sub(lambda m: "\\" + m.group(1) + " ", text)
