"""Text utilities every free-text judge shares: content words, gibberish, formulas, other
languages, references and sentences. Plain functions of strings, no model but py3langid's
(loaded only for an answer that does not plainly read as English)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LETTERS = re.compile(r"[^\W\d_]+")  # words of any alphabet
_STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just me more
    most my no nor not of off on once only or other our out over own same she should so some such
    than that the their them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours also may
    might must shall one use used using get gets make makes""".split()
)
_SUFFIXES = ("ation", "ing", "ness", "ment", "ied", "ed", "ly", "er")
_VOWELS = set("aeiouy")
# Language identification (py3langid) must be this sure before an answer counts as written in
# another language than its exam: on the 17,236 answers of ../shared/data it flags the 50 German
# answers in SAF's English set and nothing else (0.8 added one false alarm, "We hear it harder").
LANGUAGE_SURE = 0.9
# Words common in German, French and Spanish text and rare in English: without one of them
# (or a letter outside ASCII) an answer is not sent to the language model at all.
_HINTS = frozenset(
    """der die das und ist nicht ein eine zu mit von wird den dem sich auch wir
    le la les et est une des du pas que qui dans pour sur au ce sont
    el los las es una por para con del lo como pero su""".split()
)
FORMULA = "the answer is only a formula: a text judge cannot read it"
LONG_ANSWER_WORDS = 1000  # beyond this an answer is unusual: never judged with confidence


def stem(word: str) -> str:
    """Crude suffix stripping: enough to match 'computes'/'computing'/'computation'."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


@lru_cache(maxsize=50_000)
def terms(text: str) -> frozenset[str]:
    """Content-word stems of a text."""
    return frozenset(stem(w) for w in WORD.findall(text.lower()) if w not in _STOP)


def looks_like_words(text: str) -> bool:
    """False for gibberish: most words of three letters or more lack vowels or are one long run
    of letters. Shorter tokens (variables such as n or x, "by", "of") and numbers say nothing
    either way, so an answer made only of them is not called gibberish."""
    words = [w for w in WORD.findall(text.lower()) if len(w) >= 3 and not w.isdigit()]
    if not words:
        return bool(WORD.search(text.lower()))
    plausible = [w for w in words if _VOWELS & set(w) and len(w) <= 20]
    return len(plausible) >= 0.6 * len(words)


def foreign(answer: str, exam_text: str = "") -> bool:
    """True when the answer is surely in another language than the exam's (its question and
    reference; English when they give too little to tell), by py3langid's model. An answer and
    exam that both plainly read as English (see `_plainly_english`) skip the model."""
    if len(_LETTERS.findall(answer)) < 3:
        return False
    if _plainly_english(answer) and (not exam_text.strip() or _plainly_english(exam_text)):
        return False
    language, sure = _language(answer)
    if sure < LANGUAGE_SURE:
        return False
    expected, expected_sure = _language(exam_text) if exam_text.strip() else ("en", 1.0)
    return language != (expected if expected_sure >= LANGUAGE_SURE else "en")


def _plainly_english(text: str) -> bool:
    """No letters beyond ASCII (ä, é, ß, …), and either a quarter or more English function words
    or none of the commonest German, French or Spanish ones: then there is no need to load the
    language model (about a second)."""
    words = _LETTERS.findall(text.lower())
    if any(not c.isascii() for w in words for c in w):
        return False
    return sum(w in _STOP for w in words) >= 0.25 * len(words) or not _HINTS.intersection(words)


def _language(text: str) -> tuple[str, float]:
    code, probability = _identifier().classify(text)
    return str(code), float(probability)


@cache
def _identifier() -> Any:
    """py3langid's model (shipped in its wheel; loading it takes about a second, so only once
    and only when an answer does not plainly read as English)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


_MATH = re.compile(r"\\[a-zA-Z]+|[=^+*<>$∑∫∂∇≤≥±×·→←]")
# Signs of a bare expression without math operators: digits, brackets, minus, slash.
_EXPRESSION = re.compile(r"[\d()\[\]/-]")
_FUNCTIONS = frozenset("log ln lg exp sin cos tan tanh max min sqrt sum argmax argmin det".split())


def formula_only(text: str) -> bool:
    """True when the answer is mathematics rather than prose: math signs and few real words, or
    a short expression with no word at all (O(n), n-1, log n, 2/3). A text judge cannot read
    it, so a human (or a math checker) must."""
    prose = re.sub(r"\$[^$]*\$|\\[a-zA-Z]+", " ", text)  # drop inline math and commands
    tokens = WORD.findall(prose.lower())
    words = [w for w in tokens if len(w) > 2 and not w.isdigit()]
    if _MATH.search(text):
        return len(words) <= 2
    expression = _EXPRESSION.search(text) or any(w in _FUNCTIONS for w in tokens)
    return bool(expression) and 0 < len(tokens) <= 6 and all(w in _FUNCTIONS for w in words)


_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")
MAX_EVIDENCE_SENTENCES = 12


def references(reference: str) -> list[str]:
    """The references of a ` || `-separated reference text, trimmed, empty ones left out."""
    return [r.strip() for r in reference.split("||") if r.strip()]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text's sentences (the first MAX_EVIDENCE_SENTENCES), trimmed; none
    when it is one sentence."""
    spans = []
    for m in _SENTENCE.finditer(text):
        chunk = m.group()
        if chunk.strip():
            start = m.start() + len(chunk) - len(chunk.lstrip())
            spans.append((start, m.start() + len(chunk.rstrip())))
    return spans[:MAX_EVIDENCE_SENTENCES] if len(spans) > 1 else []
