"""The lexical judge on hand-written questions: right > partial ≥ wrong; bad input never scores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gradewise.judges.lexical import LexicalJudge
from gradewise.judges.registry import Example, JudgeItem, judges
from gradewise.judges.text import foreign, formula_only, looks_like_words, stem, terms
from gradewise.model import Status

# (question, reference, right answer in the student's words, partial answer, wrong answer on topic)
RAW: list[dict[str, str]] = YAML(typ="safe").load(
    (Path(__file__).parent / "fixtures" / "freetext" / "questions.yaml").read_text()
)
QUESTIONS = [(q["question"], q["reference"], q["right"], q["partial"], q["wrong"]) for q in RAW]

JUDGE = LexicalJudge()


def fraction(question: str, reference: str, answer: str, **kw: object) -> float:
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer, **kw)])  # type: ignore[arg-type]
    return j.fraction


@pytest.mark.parametrize("question, reference, right, partial, wrong", QUESTIONS)
def test_right_beats_partial_beats_wrong(
    question: str, reference: str, right: str, partial: str, wrong: str
) -> None:
    f_right, f_partial, f_wrong = (
        fraction(question, reference, a) for a in (right, partial, wrong)
    )
    assert f_right > f_partial >= f_wrong
    assert f_right >= 0.5 and f_wrong < 0.5


@pytest.mark.parametrize(
    "answer, at_most, status",
    [
        ("", 0.0, Status.NOT_MET),  # empty: nothing, surely
        ("   \n ", 0.0, Status.NOT_MET),  # whitespace only
        ("xkcdqrt zzkj bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb qwrtp", 0.0, Status.NOT_MET),  # gibberish
        ("Why use dropout?", 0.25, None),  # only repeats the question: never full marks
        (
            "Dropout verhindert Überanpassung, indem Aktivierungen zufällig genullt werden.",
            0.5,
            None,
        ),  # German
        ("$$\\frac{\\partial L}{\\partial w} = 0$$", 0.5, None),  # only a formula
    ],
)
def test_bad_input_never_earns(answer: str, at_most: float, status: Status | None) -> None:
    question, reference = QUESTIONS[1][:2]
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer)])
    assert j.fraction <= at_most
    if status is not None:
        assert j.status is status and j.confidence >= 0.9


def test_a_10000_word_answer_is_judged_quickly_and_not_rewarded_for_length() -> None:
    question, reference = QUESTIONS[1][:2]
    padding = " ".join(["the network has many weights and layers"] * 1250)
    [j] = JUDGE.judge_many([JudgeItem(question, reference, padding)])
    assert j.fraction < 0.5


def test_examples_calibrate_to_the_graders_scale() -> None:
    question, reference, _, partial, wrong = QUESTIONS[0]
    generous = tuple(Example(a, 1.0) for a in (partial, wrong, "It is a setting."))
    assert fraction(
        question, reference, "It is about descent.", examples=generous, group="g"
    ) > fraction(question, reference, "It is about descent.")


def test_evidence_quotes_the_answer() -> None:
    question, reference, right = QUESTIONS[1][:3]
    answer = "First some words. " + right
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer)])
    assert (
        j.evidence is not None
        and "zeroes some activations" in answer[j.evidence[0] : j.evidence[1]]
    )


def test_stemming_and_registration() -> None:
    assert stem("computing") == stem("computes") == "comput"
    assert terms("The gradients vanish") == frozenset({"gradient", "vanish"})
    assert judges().get("lexical") is not None


def _ten_thousand_words(text: str) -> str:
    words = text.split()
    return " ".join(words * (10_000 // len(words) + 1))


# (how the answer is made from the question's row, the most it may earn, the status it must get)
BAD_INPUT = [
    (lambda q: "", 0.0, Status.NOT_MET),  # empty: no marks, surely
    (lambda q: "qwxz brrrt zzkjv hjkl xkcdqrtp", 0.0, Status.NOT_MET),  # gibberish: no marks
    (lambda q: q["question"], 0.5, None),  # the question repeated: never full marks
    (lambda q: "Well, " + q["question"].lower(), 0.5, None),  # ... nor with a word added
    (lambda q: _ten_thousand_words(q["wrong"]), 0.49, Status.NEEDS_REVIEW),  # 10,000 wrong words
    (lambda q: _ten_thousand_words(q["right"]), 1.0, Status.NEEDS_REVIEW),  # long: a human looks
]


@pytest.mark.parametrize("make, at_most, status", BAD_INPUT)
def test_bad_input_on_every_question(
    make: Callable[[dict[str, str]], str], at_most: float, status: Status | None
) -> None:
    for q in RAW:
        [j] = JUDGE.judge_many([JudgeItem(q["question"], q["reference"], make(q))])
        assert j.fraction <= at_most, q["question"]
        assert j.status is not Status.MET, q["question"]
        if status is not None:
            assert j.status is status, q["question"]
        if status is Status.NOT_MET:
            assert j.confidence >= 0.9  # sure of the zero
        if status is Status.NEEDS_REVIEW:
            assert j.confidence <= 0.5  # not accepted without a human


@pytest.mark.parametrize(
    "index, answer",
    [
        (0, "Sie bestimmt die Größe jedes Schrittes, mit dem die Parameter aktualisiert werden."),
        # German, learning rate
        (1, "Le dropout met au hasard des activations à zéro pour réduire le surapprentissage."),
        # French, dropout
        (5, "El modelo aprende el ruido de los datos y no generaliza bien a datos nuevos."),
        # Spanish, overfitting
        (12, "Ein vollständiger Durchlauf über den gesamten Trainingsdatensatz."),  # German, epoch
        (7, "Une distribution de probabilité sur les classes dont la somme est un."),
        # French, softmax
        (15, "Se detiene el entrenamiento cuando la pérdida de validación deja de mejorar."),
        # Spanish, early stopping
    ],
)
def test_another_language_goes_to_a_human(index: int, answer: str) -> None:
    q = RAW[index]
    [j] = JUDGE.judge_many([JudgeItem(q["question"], q["reference"], answer)])
    assert j.status is Status.NEEDS_REVIEW and j.confidence <= 0.5 and j.fraction < 1


def test_english_answers_are_not_taken_for_another_language() -> None:
    for q in RAW:
        for kind in ("right", "partial", "wrong"):
            assert not foreign(q[kind], f"{q['question']} {q['reference']}"), q[kind]


GERMAN_EXAM = "Was verhindert Dropout? Dropout verhindert eine Überanpassung an die Trainingsdaten."


@pytest.mark.parametrize(
    "answer, exam, expected",
    [
        ("Der Gradient zeigt bergauf, also gehen wir in die Gegenrichtung.", "", True),  # no ä/ö/ü
        ("It fits the noise in the training data.", "", False),
        ("LIFO order", "", False),  # too short to tell
        (
            "Es verhindert Überanpassung, weil zufällig Neuronen abgeschaltet werden.",
            GERMAN_EXAM,
            False,
        ),  # a German exam answered in German
        ("It stops the network from overfitting the training data.", GERMAN_EXAM, True),
    ],
)
def test_another_language_is_another_than_the_exams(answer: str, exam: str, expected: bool) -> None:
    assert foreign(answer, exam) is expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("$w \\leftarrow w - \\eta \\nabla L(w)$", True),
        ("w = w - lr * grad(L)", True),
        ("n^2", True),
        ("The gradient $\\nabla L$ points uphill, so we step against it.", False),  # prose
        ("a stack (LIFO)", False),
        ("f(x) = x^2 is convex because its second derivative is positive", False),
        ("O(n)", True),  # an expression without math operators
        ("n-1", True),
        ("log n", True),
        ("No", False),  # a short word, not an expression
        ("O(n log n) time", False),
    ],
)
def test_formula_only_answers_are_told_from_prose(answer: str, expected: bool) -> None:
    assert formula_only(answer) is expected


@pytest.mark.parametrize("judge_id", ["lexical", "similarity", "learned"])
def test_a_formula_only_answer_goes_to_a_human_never_to_zero(judge_id: str) -> None:
    item = JudgeItem(
        "Write the gradient descent update.",
        "w minus the learning rate times the gradient of the loss",
        "$w \\leftarrow w - \\eta \\nabla L(w)$",
    )
    [j] = judges().get(judge_id).judge_many([item])  # type: ignore[union-attr]
    assert j.status is Status.NEEDS_REVIEW and j.confidence <= 0.5


@pytest.mark.parametrize(
    "answer, with_criterion_higher",
    [
        ("It reduces overfitting.", True),  # meets the criterion, only part of the reference
        ("It randomly zeroes activations during training.", False),  # the rest, not the criterion
    ],
)
def test_a_criterion_is_what_the_answer_must_match(
    answer: str, with_criterion_higher: bool
) -> None:
    question, reference = QUESTIONS[1][:2]
    whole = fraction(question, reference, answer)
    criterion = fraction(question, reference, answer, criterion="Mentions reducing overfitting")
    assert (criterion > whole) is with_criterion_higher


@pytest.mark.parametrize(
    "answer, status",
    [
        ("Is a stack LIFO or FIFO?", Status.NEEDS_REVIEW),  # the question back: a human decides
        ("LIFO", Status.NEEDS_REVIEW),  # a choice the question offers: not decidable by words
        ("FIFO", Status.NOT_MET),  # the other choice: none of the reference's words
    ],
)
def test_answers_made_of_the_questions_words_never_get_full_marks(
    answer: str, status: Status
) -> None:
    [j] = JUDGE.judge_many([JudgeItem("Is a stack LIFO or FIFO?", "LIFO", answer)])
    assert j.status is status and j.fraction <= 0.5


def test_a_judge_failure_goes_to_review_not_to_zero() -> None:
    broken = JudgeItem("q", "r", None)  # type: ignore[arg-type]
    [j] = JUDGE.judge_many([broken])
    assert j.status is Status.NEEDS_REVIEW and j.confidence == 0.0


def test_two_criteria_of_one_part_calibrate_separately() -> None:
    question, reference = QUESTIONS[1][:2]
    answers = ("Dropout lowers overfitting a lot.", "It makes training slower.")
    answer = "Overfitting goes down with it."
    items = [
        JudgeItem(
            question,
            reference,
            answer,
            criterion=criterion,
            group="part",
            examples=tuple(Example(a, mark) for a in answers),
        )
        for criterion, mark in (("Mentions less overfitting", 1.0), ("Names zeroing", 0.0))
    ]
    first, second = JUDGE.judge_many(items)
    [alone] = JUDGE.judge_many(items[1:])
    assert second.fraction == alone.fraction  # the first criterion's calibration did not leak
    assert first.fraction > second.fraction


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("xkcd pqrst zzzz", False),  # consonant runs
        ("qwxz bbbbbbbbbbbbbbbbbbbbbbbbbbbbb zzkkj", False),
        ("Element b[ n ] can be accessed by *( bPtr + n ).", True),  # variables are not gibberish
        ("void inorder(ptNode ptr) { if (ptr) { inorder(ptr->left); } }", True),  # code
        ("O(n)", True),  # no word to judge by: not called gibberish
        ("?", False),  # nothing at all
    ],
)
def test_gibberish_is_told_from_variables_and_code(answer: str, expected: bool) -> None:
    assert looks_like_words(answer) is expected
