"""The truefalse checker: did the student say true or false.

Key (exam file)::

    key: {kind: truefalse, value: false}     # also "true"/"false"/"T"/"F"/"yes"/"no"

Reading (`read_truefalse`), in the region of the answer given by `locate.answer_region`
(boxed, after "Ans:"/"Solution:", else the whole text), after a leading label such as "(a)",
"ii)", "ii." or "3.":
- the decisive segment runs to the first sentence break (".", ",", ";", ":", a new line, "//"
  or a spaced "/" not followed by another true/false word, or "because", "since", "as", "so",
  "but", ...);
- words: TRUE, T, yes, correct, right, ✓ / FALSE, F, no, incorrect, wrong, ✗ (any case, also
  inside `\\text{...}` or bold); T and F count only when the segment holds nothing but
  such letters and marks; yes, no, correct, incorrect, right and wrong only where they end
  the segment ("No.", "It is correct") or, for yes and no, before a pronoun ("Yes it is"):
  "No gradient flows ...", "Right-hand side ..." are sentences, not answers;
  "not true" is false and "not false" is true;
- the first word of the segment decides ("False, because the ReLU ..."); when the first word is
  not one of them, a single true/false word later in the segment decides with less confidence
  ("The statement is false");
- tick boxes: an unticked box and its word are not the answer ("[ ] True [x] False" is false);
  blank lines and bullets before the first word are skipped; a "T/F:" label is skipped;
- a question mark right after the word ("true?"), a hedge in the segment ("Probably true",
  "true (I guess)") or a statement judged after it ("It is false that SGD ...", which may
  differ from the one asked): needs_review;
- both polarities in the segment ("TRUE FALSE", "true/false"), a negation we cannot resolve
  ("it is not always true"), a condition right after the word ("True only if ...", "false
  in general", "true for convex f"), or none: needs_review, never not_met.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gradewise.checkers.extract import guarded
from gradewise.checkers.locate import answer_region, without_struck, without_unticked
from gradewise.checkers.registry import SimpleChecker
from gradewise.errors import KeyParamsError
from gradewise.hookspecs import hookimpl
from gradewise.model import Key, Outcome, Status

# ... and in the languages courses are taught in beside English (German, French, Spanish)
_TRUE = frozenset(
    ["true", "yes", "correct", "right", "✓", "✔", "wahr", "richtig", "vrai", "verdadero"]
)
_FALSE = frozenset(["false", "no", "incorrect", "wrong", "✗", "✘", "falsch", "faux", "falso"])
# Words that are also ordinary words of a sentence ("No gradient flows", "Right-hand side",
# "Wrong sign convention aside"): they answer only where they end the clause ("No.", "It is
# correct", "Wrong: ..."), or yes/no before a pronoun ("Yes it is").
_SENTENCE_WORDS = frozenset(["yes", "no", "correct", "incorrect", "right", "wrong"])
_PRONOUNS = frozenset(["it", "this", "that", "they", "these", "i", "we", "the"])
# A condition right after the word ("True only if ...", "false in general"): a human reads it.
_QUALIFIER = re.compile(
    r"\s*[(\[,;—–-]?\s*(?:only|if|iff|when|whenever|unless|for|provided|except|under|in|sometimes|"
    r"partially|partly|mostly|generally|usually|assuming|depending|given)\b",
    re.IGNORECASE,
)
_LETTERS = {"t": True, "f": False}
_MARKS = frozenset(["✓", "✔", "✗", "✘"])
_NEGATIONS = frozenset(["not", "isn't", "isnt", "never", "neither", "nor"])
_BREAK_WORDS = frozenset(
    ["because", "since", "as", "so", "but", "hence", "therefore", "thus", "if", "when"]
)
_KEY_WORDS = {"true": True, "t": True, "yes": True, "false": False, "f": False, "no": False}
# The other answer after a word that corrects what came before: "True? No, false".
_CORRECTION = re.compile(
    r"(?i)(?:\b(?:no|actually|i mean|rather|correction|sorry|wait|oops|changed? to)\b\W{0,3}"
    r"|(?:→|->|=>)\s*)(?P<word>true|false|t|f)\b"
)
# "//" (OCR of a handwritten slash or end mark) or a spaced "/" ends the clause ("F // pooling
# has a kernel"), unless a true/false word follows: "T // F", "yes / no" are both written.
_SLASH = (
    r"(?://+|(?<=\s)/(?=\s))"
    r"(?!\s*(?:(?i:t|f|true|false)\b|[✓✔✗✘]"
    r"|(?i:yes|no|correct|incorrect|right|wrong)\b(?!\s+[A-Za-z])))"  # not "// no weights"
)
_TOKEN = re.compile(
    r"\\[A-Za-z]+"  # LaTeX commands: \text, \textbf ...
    r"|(?P<word>[A-Za-z]+(?:'[a-z]+)?)"
    r"|(?P<sym>[✓✔✗✘])"
    r"|(?P<brk>[.,;:!?\n—–]|\s-\s|" + _SLASH + ")"
)
# A leading label: "(a)", "ii)", "3.", "ii.", "b.", "Q3:", or the question's type "T/F:",
# "True/False:"; never a lone "t"/"f" (the answer).
_LABEL = re.compile(
    r"\s*(?:\(?(?:[a-eg-su-z]|[ivx]+|\d{1,2})\)|(?:\d{1,2}|[ivx]+|[a-e])\.(?!\d)|Q\d+\w*[:.)]?"
    r"|(?:T\s*/\s*F|True\s*/\s*False|True\s+or\s+false)\s*[:?])\s+",
    re.IGNORECASE,
)
# Words that say the student is unsure ("Probably true", "true (I guess)"): a human decides.
_HEDGES = frozenset(
    "probably maybe perhaps possibly likely unlikely guess unsure mostly partly partially somewhat"
    " kinda vielleicht".split()
)
# The word judges a statement written after it ("It is false that SGD always converges"),
# which may differ from the one asked: a human compares them.
_CLAUSE_AFTER = re.compile(r"\s+that\b", re.IGNORECASE)
# A question mark right after the word ("true?", "False??"): the student was not sure.
_UNSURE = re.compile(r"[\s*_)}]*\?")
# A hedge or a retraction in the clause right after the word: "true, I guess", "True. Wait, no".
_AFTERTHOUGHT = re.compile(
    r"(?i)[\s,;:.(—–-]*(?:i\s+guess|maybe|probably|perhaps|not\s+(?:sure|certain)|unsure|idk"
    r"|i'?m\s+not\s+sure|wait|hmm+|oops|sorry)(?![A-Za-z])"
)
# A later line that is only the other word ("true.\nfalse"): both written.
_LONE_WORD = re.compile(r"(?im)^[ \t*>•-]*(true|false|t|f)[ \t.!*]*$")
# Blank lines, bullets and list marks before the first word ("- [ ] True\n- [x] False").
_LEAD = re.compile(r"(?:[\s*>•-]*\n)?[ \t*>•-]*")


@dataclass(frozen=True)
class TrueFalse:
    """What was read: value None when undecided, with the reason and the word's span."""

    value: bool | None
    span: tuple[int, int] | None = None
    reason: str = ""
    confidence: float = 1.0


def key_value(raw: Any) -> bool:
    """The key's value: a YAML boolean or one of true/false/t/f/yes/no."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _KEY_WORDS:
        return _KEY_WORDS[raw.strip().lower()]
    raise KeyParamsError(
        f"value must be true or false, not {raw!r}",
        field="value",
        fix="write value: true or value: false",
    )


def validate_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Check a truefalse key; returns {"value": bool}."""
    extra = sorted(set(params) - {"value"})
    if extra:
        raise KeyParamsError(
            f"unknown truefalse key field {extra[0]}",
            field=extra[0],
            fix="a truefalse key has only value: true or value: false",
        )
    if "value" not in params:
        raise KeyParamsError(
            "truefalse key needs a value", field="value", fix="add value: true or value: false"
        )
    return {"value": key_value(params["value"])}


def _segment(region: str) -> list[tuple[str, int, int]]:
    """The words of the first clause of the region, as (word, start, end), lower case."""
    label = _LABEL.match(region)
    words: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(region, label.end() if label else 0):
        if m.group("brk") is not None:
            break
        word = (m.group("word") or m.group("sym") or "").lower()
        if not word:
            continue  # a LaTeX command
        if word in _BREAK_WORDS and words:
            break
        words.append((word, m.start(), m.end()))
    return words


def _answers(words: list[tuple[str, int, int]], i: int) -> bool:
    """Whether the i-th word may be the answer, not an ordinary word of a sentence."""
    if words[i][0] not in _SENTENCE_WORDS or i + 1 == len(words):
        return True
    after = words[i + 1][0]
    if after in _TRUE or after in _FALSE:
        return True  # "yes no": both written, which the caller sends to a human
    return words[i][0] in ("yes", "no") and after in _PRONOUNS


def _polarity(word: str, alone: bool) -> bool | None:
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return _LETTERS.get(word) if alone else None


def read_truefalse(text: str) -> TrueFalse:
    """True, false or undecided, by the module's rules."""
    _, (lo, hi) = answer_region(text)
    # Crossed out (`~~True~~ False`): not the answer. Blanked, so that offsets stay the same.
    # Unticked boxes ("[ ] True [x] False") are not chosen; the answer starts at its first word.
    text = without_unticked(without_struck(text))
    lead = _LEAD.match(text, lo, hi)
    lo = lead.end() if lead else lo
    words = _segment(text[lo:hi])
    # T and F count when nothing but letters and marks is in the clause: "F" alone, or
    # "T F" / "F ✓" (both written: review), never the "f" of "f(x) is convex".
    alone = all(w in _LETTERS or w in _MARKS for w, _, _ in words)
    polar = [
        (p, s, e)
        for i, (w, s, e) in enumerate(words)
        if _answers(words, i) and (p := _polarity(w, alone)) is not None
    ]
    negated = any(w in _NEGATIONS for w, _, _ in words)
    if not polar:
        return TrueFalse(None, reason="no true/false word at the start of the answer")
    if len({p for p, _, _ in polar}) > 1:
        return TrueFalse(None, reason="both true and false written at the decisive place")
    value, start, end = polar[0]
    if _QUALIFIER.match(text, lo + end):
        return TrueFalse(None, reason="a condition follows the true/false word: a human decides")
    if _UNSURE.match(text, lo + end):
        return TrueFalse(None, reason="a question mark after the true/false word: a human decides")
    hedges = sorted({w for w, _, _ in words if w in _HEDGES})
    if hedges:
        return TrueFalse(None, reason=f"the answer hedges ({hedges[0]!r}): a human decides")
    if _AFTERTHOUGHT.match(text, lo + end):
        return TrueFalse(None, reason="the answer doubts or takes back the word: a human decides")
    if any(_KEY_WORDS[m[1].lower()] != value for m in _LONE_WORD.finditer(text, lo + end, hi)):
        return TrueFalse(
            None, reason="the other answer stands alone on a later line: a human decides"
        )
    if _CLAUSE_AFTER.match(text, lo + end):
        return TrueFalse(
            None,
            reason="the word judges a statement written after it ('that ...'): a human reads it",
        )
    if negated:
        return _negated(words, value, lo)
    corrected = [
        m
        for m in _CORRECTION.finditer(text, lo + end, hi)
        if _KEY_WORDS[m["word"].lower()] != value
    ]
    if corrected:  # "True? No, false", "true - actually false"
        said = corrected[-1]["word"]
        return TrueFalse(None, reason=f"the answer goes back on itself ({said!r}): a human decides")
    confidence = 1.0 if words[0][1] == start else 0.8
    return TrueFalse(value, (lo + start, lo + end), confidence=confidence)


def _negated(words: list[tuple[str, int, int]], value: bool, lo: int) -> TrueFalse:
    """Only "not true" / "not false" as the whole clause is read; other negations go to a human."""
    if len(words) == 2 and words[0][0] == "not":
        return TrueFalse(not value, (lo + words[0][1], lo + words[1][2]), confidence=0.9)
    return TrueFalse(None, reason="a negation next to the true/false word: a human decides")


class TrueFalseChecker(SimpleChecker):
    """True/false questions, with or without a justification."""

    kind = "truefalse"
    version = "2"

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return validate_params(params)

    def check(self, answer: str, key: Key) -> Outcome:
        """Decide one answer; never raises (a failure is an `error` outcome)."""
        return guarded(self._check, answer, key, "truefalse")

    def _check(self, answer: str, key: Key) -> Outcome:
        expected = validate_params(key.params)["value"]
        if not answer.strip():
            return Outcome(Status.NEEDS_REVIEW, reason="empty answer")
        got = read_truefalse(answer)
        if got.value is None:
            return Outcome(Status.NEEDS_REVIEW, reason=got.reason)
        found = "true" if got.value else "false"
        if got.value == expected:
            return Outcome(Status.MET, 1.0, f"answered {found}", got.span, found, got.confidence)
        reason = f"answered {found}, the key is {'true' if expected else 'false'}"
        return Outcome(Status.NOT_MET, 0.0, reason, got.span, found, got.confidence)


@hookimpl
def register_checkers(register: Callable[..., None]) -> None:
    register(TrueFalseChecker())
