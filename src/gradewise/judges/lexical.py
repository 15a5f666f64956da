"""The `lexical` judge: which of the reference's ideas does the answer use, in words.

Zero-shot, an answer is scored by the reference's content words it contains (light stemming, stop
words out); words the question already gives away count less, so repeating the question earns
little. With human-marked answers of the same part (`examples`), two things are learned: an
offset that calibrates the word score to this grader's scale, and a nearest-neighbour estimate
from the marked answers most like this one; they are blended by how alike the neighbours are.
Confidence is high far from the middle of the scale and when close neighbours agree.

A rubric criterion with content words of its own replaces the reference as what must be matched.
Empty answers and gibberish get 0 with high confidence; an answer made only of the question's
words never gets more than a quarter (half, and a human's review, where those words are what the
reference wants); answers in another language and answers over 1,000 words go to review with a
tentative fraction. The judge never raises: a failure is a needs_review judgement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from gradewise.hookspecs import hookimpl
from gradewise.judges._calibrate import calibrate
from gradewise.judges._learn import blend, neighbours, offset, zero_shot_confidence
from gradewise.judges.registry import Judge, JudgeItem, Judgement
from gradewise.judges.text import (
    FORMULA,
    LONG_ANSWER_WORDS,
    WORD,
    foreign,
    formula_only,
    looks_like_words,
    stem,
    terms,
)
from gradewise.model import Status

_SENTENCE = re.compile(r"[^.!?\n;]+")
# Repeated words from the question count this much of a reference word.
QUESTION_WEIGHT = 0.25
# Words a rubric criterion uses to talk about the answer rather than its content.
_RUBRIC_WORDS = frozenset(
    "mention state explain say name give describe note identify correct correctly answer"
    " student show".split()
)


def _target(item: JudgeItem) -> JudgeItem:
    """A rubric criterion with content words of its own is what the answer must match;
    without one, the whole reference."""
    if not terms(item.criterion) - {stem(w) for w in _RUBRIC_WORDS}:
        return item
    return JudgeItem(item.question, item.criterion, item.answer, group=item.group)


@dataclass(frozen=True)
class WordScore:
    value: float  # 0..1, the share of the reference's new ideas found, weighted
    evidence: tuple[int, int] | None


def word_score(item: JudgeItem) -> WordScore:
    """The best score over the ` || `-separated references."""
    best = WordScore(0.0, None)
    for reference in item.reference.split("||") or [""]:
        score = _one_reference(item.answer, reference, item.question)
        if score.value > best.value:
            best = score
    return best


def _one_reference(answer: str, reference: str, question: str) -> WordScore:
    ref, asked, said = terms(reference), terms(question), terms(answer)
    if not ref or not said:
        return WordScore(0.0, None)
    weights = {t: (QUESTION_WEIGHT if t in asked else 1.0) for t in ref}
    recall = sum(weights[t] for t in ref & said) / sum(weights.values())
    relevant = len(said & (ref | asked)) / len(said)
    value = 0.8 * recall + 0.2 * relevant * recall
    return WordScore(value, _evidence(answer, ref - asked or ref))


def _evidence(answer: str, wanted: frozenset[str]) -> tuple[int, int] | None:
    best, span = 0, None
    for m in _SENTENCE.finditer(answer):
        hits = len(terms(m.group()) & wanted)
        if hits > best:
            best, span = hits, _trim(answer, m.span())
    return span


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def zero_shot_fraction(value: float) -> float:
    """Word score → fraction of the marks: a logistic curve centred where about half the
    reference's new ideas are present."""
    return 1 / (1 + math.exp(-9 * (value - 0.4)))


def similarity(a: str, b: str) -> float:
    """Dice overlap of content-word stems."""
    ta, tb = terms(a), terms(b)
    return 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0


class LexicalJudge:
    """Word overlap with the reference, calibrated and sharpened by the human's marks."""

    id = "lexical"
    version = "2"

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        offsets: dict[str, float] = {}
        return [self._safe(item, offsets) for item in items]

    def _safe(self, item: JudgeItem, offsets: dict[str, float]) -> Judgement:
        try:
            return self._judge(item, offsets)
        except Exception as exc:  # a judge failure goes to a human, never to zero marks
            return Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, f"lexical judge failed: {exc!r}")

    def _judge(self, item: JudgeItem, offsets: dict[str, float]) -> Judgement:
        if not item.answer.strip():
            return Judgement(Status.NOT_MET, 0.0, 0.99, "empty answer")
        formula = formula_only(item.answer)
        if not formula and not looks_like_words(item.answer):
            return Judgement(Status.NOT_MET, 0.0, 0.9, "no recognisable words")
        target = _target(item)
        score = word_score(target)
        fraction = zero_shot_fraction(score.value)
        if item.examples:
            fraction, confidence = _learned(target, item, fraction, offsets)
            confidence = calibrate(self.id, "shots", confidence)
        else:
            confidence = calibrate(self.id, "zero", zero_shot_confidence(fraction))
        if formula:  # read as words it may look wrong; it may well be right
            return _review(fraction, score, FORMULA)
        if foreign(item.answer, f"{item.question} {item.reference}"):
            return _review(fraction, score, "the answer seems to be in another language")
        if terms(item.answer) <= terms(item.question):
            return _repeat(fraction, confidence, score)
        if len(WORD.findall(item.answer)) > LONG_ANSWER_WORDS:
            return _review(fraction, score, "an unusually long answer")
        return _judgement(fraction, confidence, score)


def _repeat(fraction: float, confidence: float, score: WordScore) -> Judgement:
    """Only the question's own words: never full marks. Where those words are also what the
    reference wants (a choice the question offers), a human decides."""
    if score.value < 0.5:
        return _judgement(min(fraction, 0.25), confidence, score)
    return _review(min(fraction, 0.5), score, "the answer only uses the question's words")


def _review(fraction: float, score: WordScore, why: str) -> Judgement:
    """A case word overlap cannot decide: a tentative fraction, low confidence, for a human."""
    reason = f"{why}; uses {score.value:.0%} of the reference's ideas (weighted words)"
    return Judgement(Status.NEEDS_REVIEW, round(fraction, 4), 0.3, reason, score.evidence)


def _learned(
    target: JudgeItem, item: JudgeItem, zero: float, offsets: dict[str, float]
) -> tuple[float, float]:
    """Calibrate to the marked examples (one offset per group) and blend in their neighbours."""
    key = f"{item.group}\n{target.reference}"  # one part may have several criteria
    if key not in offsets:
        zeros = [
            zero_shot_fraction(word_score(replace(target, answer=e.answer)).value)
            for e in item.examples
        ]
        offsets[key] = offset(zeros, [e.fraction for e in item.examples])
    sims = [similarity(item.answer, e.answer) for e in item.examples]
    near = neighbours(sims, [e.fraction for e in item.examples])
    return blend(zero, offsets[key], near)


def _judgement(fraction: float, confidence: float, score: WordScore) -> Judgement:
    if fraction >= 0.75:
        status = Status.MET
    elif fraction <= 0.25:
        status = Status.NOT_MET
    else:
        status = Status.PARTIAL
    reason = f"uses {score.value:.0%} of the reference's ideas (weighted words)"
    return Judgement(
        status, round(fraction, 4), round(min(confidence, 0.97), 4), reason, score.evidence
    )


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(LexicalJudge())
