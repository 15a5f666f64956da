"""Numbers as typed with Unicode, one table for every reader (numbers and expressions):
superscript exponents (`10⁻³`, `x²`) and fraction characters (`½`, `2¾`)."""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
SUPER_EXPONENT = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _fraction(char: str) -> Fraction:
    top, bottom = unicodedata.normalize("NFKD", char).split("⁄")  # '½' is '1⁄2'
    return Fraction(int(top), int(bottom))


VULGAR = {char: _fraction(char) for char in "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"}
VULGAR_CHAR = re.compile(f"[{''.join(VULGAR)}]")


def exponent(superscript: str) -> str:
    """'⁻³' → '-3'."""
    return superscript.translate(SUPERSCRIPT)
