"""The llm judge's pure parts: finding the quote, reading the reply, the verdict's probability."""

from __future__ import annotations

import math

import pytest

from gradewise.judges.llm_config import LLMSettings
from gradewise.judges.llm_prompt import (
    Unreadable,
    find_quote,
    read_reply,
    request,
    spread,
    user_message,
    verdict_probability,
)
from gradewise.judges.registry import Example, JudgeItem

ANSWER = (
    "The L1 penalty has a constant gradient,\n  so it pushes small weights to “zero”.\nL2 doesn't."
)


@pytest.mark.parametrize(
    "quote, found",
    [
        ("constant gradient", "constant gradient"),  # verbatim
        ("CONSTANT Gradient", "constant gradient"),  # case
        ("gradient, so it", "gradient,\n  so it"),  # a line break and indentation in the answer
        ('"constant gradient"', "constant gradient"),  # quoted by the model
        ("<<<constant gradient>>>", "constant gradient"),  # inside the prompt's answer markers
        ('weights to "zero"', "weights to “zero”"),  # typographic quotes in the answer
        (
            "The L1 penalty ... small weights",
            "The L1 penalty has a constant gradient,\n  so it pushes small weights",
        ),  # pieces joined by an ellipsis, in order
        ("L2 doesn’t", "L2 doesn't"),  # typographic apostrophe from the model
        ("small weights ... The L1", None),  # pieces out of order
        ("sparse solutions", None),  # not in the answer
        ("constant  gradient  of lambda", None),  # begins in the answer, goes on elsewhere
        ("", None),  # nothing quoted
        ("...", None),  # only an ellipsis
    ],
)
def test_find_quote(quote: str, found: str | None) -> None:
    span = find_quote(ANSWER, quote)
    assert (ANSWER[span[0] : span[1]] if span else None) == found


@pytest.mark.parametrize(
    "content, verdict, evidence",
    [
        ('{"evidence": "x", "reason": "r", "verdict": "met"}', "met", "x"),
        ('{"verdict": "Not Met", "evidence": "", "reason": ""}', "not_met", ""),  # spelling
        ('{"verdict": "not-met"}', "not_met", ""),  # missing fields default to ""
        ('```json\n{"verdict": "partial", "evidence": "x"}\n```', "partial", "x"),  # fenced
        ('<think>{maybe "met"}</think>{"verdict": "met"}', "met", ""),  # a reasoning model
        ('Sure! {"note": 1} then {"verdict": "met"}', None, None),  # first object has no verdict
        ('{"verdict": "met", "evidence": 3}', None, None),  # evidence not a string
        ('{"verdict": "yes"}', None, None),  # outside the schema
        ('{"verdict": "met"', None, None),  # cut short
        ("[1, 2]", None, None),  # not an object
        ("", None, None),
    ],
)
def test_read_reply(content: str, verdict: str | None, evidence: str | None) -> None:
    if verdict is None:
        with pytest.raises(Unreadable):
            read_reply(content)
        return
    reading = read_reply(content)
    assert (reading.verdict, reading.evidence) == (verdict, evidence)


def lp(p: float) -> float:
    return math.log(p)


@pytest.mark.parametrize(
    "tokens, probability",
    [
        # the verdict's one token
        ([('{"', 0.0), ("verdict", 0.0), ('":"', 0.0), ("met", lp(0.9)), ('"}', 0.0)], 0.9),
        # a verdict spelled over several tokens: their probabilities multiply
        (
            [('{"verdict": "', 0.0), ("not", lp(0.8)), ("_m", lp(0.9)), ("et", 0.0), ('"}', 0.0)],
            0.72,
        ),
        # a token holding the quote and the start of the value counts too
        ([('{"verdict":', 0.0), (' "met', lp(0.6)), ('"}', 0.0)], 0.6),
        # the evidence's tokens do not count
        (
            [
                ('{"evidence": "', 0.0),
                ("x", lp(0.1)),
                ('", "verdict": "', 0.0),
                ("met", 0.0),
                ('"}', 0.0),
            ],
            1.0,
        ),
        ([("no json", 0.0)], None),  # no verdict field
        (None, None),  # the endpoint sent no log-probabilities
    ],
)
def test_verdict_probability(
    tokens: list[tuple[str, float]] | None, probability: float | None
) -> None:
    got = verdict_probability(tokens)
    assert got == pytest.approx(probability) if probability is not None else got is None


def test_spread_covers_the_scale() -> None:
    examples = [Example(f"a{i}", i / 10) for i in range(11)]
    assert [e.fraction for e in spread(examples, 3)] == [0.0, 0.5, 1.0]
    assert len(spread(examples, 20)) == 11 and spread(examples, 0) == []


SETTINGS = LLMSettings(url="http://h/v1", model="m")


@pytest.mark.parametrize(
    "options, response_format, logprobs",
    [
        ({}, "json_schema", True),  # the default: structured output and token probabilities
        ({"response_format": "json_object"}, "json_object", True),  # servers without schemas
        ({"response_format": "none", "logprobs": False}, None, None),  # the plainest endpoint
    ],
)
def test_request_body(
    options: dict[str, object], response_format: str | None, logprobs: object
) -> None:
    settings = SETTINGS.model_copy(update=options)
    body = request(JudgeItem("q", "r", "a"), settings, sample=2)
    assert body["seed"] == 2 and body["temperature"] == 0 and body["model"] == "m"
    assert body.get("response_format", {}).get("type") == response_format
    assert body.get("logprobs") == logprobs
    if response_format == "json_schema":
        schema = body["response_format"]["json_schema"]["schema"]
        assert schema["properties"]["verdict"]["enum"] == ["met", "partial", "not_met"]


def test_whole_part_prompt_and_endpoint() -> None:
    text = user_message(JudgeItem("Why?", "", "Because.", max_marks=1), max_examples=8)
    assert "judge the answer as a whole" in text and "Reference answer" not in text
    assert "(1 mark)" in text and text.endswith("<<<\nBecause.\n>>>")
    assert SETTINGS.endpoint == "http://h/v1/chat/completions"
    full = LLMSettings(url="http://h/v1/chat/completions/", model="m")
    assert full.endpoint == "http://h/v1/chat/completions"
