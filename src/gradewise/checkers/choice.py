"""The choice checker: which options did the student pick, and what is that worth.

Key (exam file)::

    key: {kind: choice, options: {a: ReLU, b: tanh, c: sigmoid}, correct: [b, c],
          policy: all-or-nothing}

`options` may be omitted (letters a-e are then assumed, more if `correct` names a later one) or
be a list of ids; ids are single letters or numbers ("1", "2", ...). `correct` is a list or a
string ("b", "bc", "b, c"); it may be empty ("none of these"). Policies:
- all-or-nothing (default): met when the picked set is exactly the correct set;
- per-option: fraction = share of options classified right (picked and correct, or neither);
  needs `options`;
- negative: +1/len(correct) per right pick, -penalty per wrong pick (default 1/len(correct)),
  never below `floor` (default 0).

Reading the picks (`read_choice`), in the region of the answer given by `locate.answer_region`
(boxed, after "Ans:"/"Solution:", else the whole text):
- A short answer, made only of option ids, separators (",", ";", "/", "&", "+", "and", "//"),
  filler words ("option", "answer", "correct", "is", ...) and option texts, picks every id in
  it: "Ans: b, c", "B,C //", "ACD", "(c)", "b) and c)", "Options 2 and 3", "tanh and sigmoid".
  "none" alone picks nothing.
- Otherwise (prose) only explicit forms count: "(c)", "c)", circled letters (ⓐ,
  `\\textcircled{a}`), "option c", and a leading list followed by "is/are correct", by
  punctuation or by a justification ("A is correct because ...", "C, since ...", "b, c because
  ..."). Bare letters in prose and "b or c" hedges are not guessed: needs_review.
- Option texts in prose ("tanh and sigmoid, because they saturate") are needs_review too, with
  the mark proposed (the verdict's fraction) that the options named before the justification
  earn, leaving out those ruled out ("not ReLU"); a human confirms or changes it.
- Tick boxes: only options after a ticked box ("[x]", "☑") are picked; an "x)" that closes an
  open "(" is an aside ("B (I first thought A)"), not a mark; a pick changed right after it
  ("A, no wait, B", "A -> B") is needs_review.
- A bracket that names no option ("B (IQR)", "B (the IQR) because ...") is the student's
  gloss: when nothing is read otherwise, the answer is read without it, and the reason says so.
- No pick found, or a pick that is not an option: needs_review, never not_met.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gradewise.checkers.extract import guarded
from gradewise.checkers.locate import answer_region, without_struck, without_unticked
from gradewise.checkers.registry import SimpleChecker
from gradewise.errors import KeyParamsError
from gradewise.hookspecs import hookimpl
from gradewise.model import Key, Outcome, Status

POLICIES = ("all-or-nothing", "per-option", "negative")
_DEFAULT_LETTERS = "abcde"
# Words that may surround the picks in a short answer without making it prose.
_FILLERS = frozenset(
    {
        "option",
        "options",
        "choice",
        "choices",
        "answer",
        "answers",
        "ans",
        "correct",
        "right",
        "is",
        "are",
        "the",
        "only",
        "both",
        "solution",
        "sol",
        "final",
        "my",
        "i",
        "choose",
        "chose",
        "pick",
        "picked",
        "select",
        "selected",
        "tick",
        "ticked",
        "think",
        "one",
    }
)
_SEPARATORS = frozenset(["and", "&", ",", ";", "/", "//", "+", "."])
_CIRCLED_LOWER = {chr(0x24D0 + i): chr(ord("a") + i) for i in range(26)}
_CIRCLED_UPPER = {chr(0x24B6 + i): chr(ord("a") + i) for i in range(26)}
_CIRCLED_DIGITS = {chr(0x2460 + i): str(i + 1) for i in range(20)}
_CIRCLED = {**_CIRCLED_LOWER, **_CIRCLED_UPPER, **_CIRCLED_DIGITS}

# Token kinds: "explicit" = an unmistakable option mark, "bare" = a lone id, "run" = "ACD".
_TOKEN = re.compile(
    r"\\(?:textcircled|circled)\s*\{\s*(?P<tc>[A-Za-z0-9]{1,2})\s*\}"
    r"|(?P<circ>[\u24b6-\u24e9\u2460-\u2473])"
    r"|\(\s*(?P<par>[A-Za-z]|\d{1,2})\s*\)"
    r"|(?<![\w\\(])(?P<half>[A-Za-z]|\d{1,2})\s*\)"
    r"|\\[A-Za-z]+"  # other LaTeX commands: layout, not content
    r"|(?P<word>[A-Za-z]+|\d+)"
    r"|(?P<sep>//|[,;/&+.])"
    r"|(?P<other>[^\s$*{}_~`'\"\[\]():!?-])"
)
_OPTION_WORD = re.compile(r"(?i)\b(?:options?|choices?)\s*[:#]?\s*$")
# The whole list is taken (possessive `*+`): "b, c because ..." is b and c, never b alone.
_LEADING = re.compile(
    r"(?i)^[\s$*>#-]*(?:\\text\w*\{)?(?P<ids>[a-z](?:\s*(?:,|and|&)\s*[a-z](?![a-z]))*+)\}?\s*"
    r"(?:(?:is|are)\s+(?:the\s+)?(?:correct|right|true|answers?)\b|[,.:;]\s+\S"
    r"|(?:because|since|as|due)\b)"
)
# Where the pick ends in prose ("tanh and sigmoid, because ..."): what follows justifies it.
_JUSTIFICATION = re.compile(
    r"(?i)\b(?:because|since|as|due|so|hence|thus|therefore|which|whereas)\b|[.:;!?](?:\s|$)"
)
# The student changes the pick right after it: "A, no wait, B", "A - actually B".
_CHANGED = re.compile(
    r"(?i)\W{0,4}(?:no\b|wait\b|actually\b|sorry\b|oops\b|i\s+mean\b|rather\b|->|→|=>)"
)
# An option judged wrong right after it: "(a) is wrong", "(c) is not correct".
_JUDGED_WRONG = re.compile(
    r"(?i)[\s)]*(?:is|are|=)\s+(?:wrong|incorrect|false|not\b|never\b|out\b|excluded)"
)
# Words that rule out the option named right after them ("not ReLU", "unlike ReLU").
_RULED_OUT = re.compile(
    r"(?i)\b(?:not|no|never|unlike|except|without|rather\s+than|instead\s+of)\W*$"
)


class _ChoiceParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    options: dict[str, str] | list[str] | None = None
    correct: list[str] | str
    policy: Literal["all-or-nothing", "per-option", "negative"] = "all-or-nothing"
    penalty: float | None = Field(default=None, ge=0)
    floor: float | None = None


@dataclass(frozen=True)
class Picks:
    """What was read: the picked ids (None when nothing could be read) and why; for an answer
    only a human can read, the picks proposed to them."""

    ids: frozenset[str] | None
    span: tuple[int, int] | None = None
    reason: str = ""
    confidence: float = 1.0
    proposal: frozenset[str] | None = None  # when ids is None: what a human will likely read


@dataclass(frozen=True)
class _Token:
    kind: str  # explicit, bare, run, aside, text, none, filler, sep, other
    value: str
    start: int
    end: int


# ---------------------------------------------------------------- key params


def _norm_id(raw: Any) -> str:
    return str(raw).strip().strip("()").lower()


def _split_correct(raw: list[str] | str) -> list[str]:
    if isinstance(raw, list):
        return [_norm_id(x) for x in raw]
    text = raw.strip().lower()
    if re.fullmatch(r"[a-z]+", text):
        return list(text)  # "bc" = b and c
    return [x for x in re.split(r"[\s,;/&]+|\band\b", text) if x]


def _option_ids(options: dict[str, str] | list[str] | None) -> list[str] | None:
    if options is None:
        return None
    return [_norm_id(x) for x in options]


def _check_ids(ids: list[str], field: str) -> None:
    for x in ids:
        if not re.fullmatch(r"[a-z]|\d{1,2}", x):
            raise KeyParamsError(
                f"{field}: option id {x!r} is not a letter or a number",
                field=field,
                fix="name options a, b, c ... or 1, 2, 3 ...",
            )
    if len(set(ids)) != len(ids):
        raise KeyParamsError(
            f"{field} names an option twice", field=field, fix="list each option once"
        )
    if len({x.isdigit() for x in ids}) > 1:
        raise KeyParamsError(
            f"{field} mixes letters and numbers",
            field=field,
            fix="use letters only or numbers only",
        )


def validate_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Check a choice key; returns options (id -> text), correct (sorted ids) and the policy."""
    try:
        model = _ChoiceParams.model_validate(dict(params))
    except ValidationError as exc:
        loc = exc.errors()[0].get("loc", ())
        field = str(loc[0]) if loc else "correct"
        raise KeyParamsError(
            f"bad choice key field {field}: {exc.errors()[0]['msg']}",
            field=field,
            fix="e.g. {options: {a: ReLU, b: tanh}, correct: [b], policy: all-or-nothing}",
        ) from None
    correct, ids = _split_correct(model.correct), _option_ids(model.options)
    _check_ids(correct, "correct")
    if ids is not None:
        _check_ids(ids, "options")
        missing = [x for x in correct if x not in ids]
        if missing:
            raise KeyParamsError(
                f"correct names {', '.join(missing)}, which is not among the options",
                field="correct",
                fix=f"choose from {', '.join(ids)}",
            )
    _check_policy(model, correct, ids)
    return _normalised(model, correct, ids)


def _check_policy(model: _ChoiceParams, correct: list[str], ids: list[str] | None) -> None:
    if model.policy != "negative":
        for name in ("penalty", "floor"):
            if getattr(model, name) is not None:
                raise KeyParamsError(
                    f"{name} is only used with policy: negative",
                    field=name,
                    fix=f"remove {name}, or set policy: negative",
                )
    if model.policy == "per-option" and ids is None:
        raise KeyParamsError(
            "policy per-option needs the list of options",
            field="options",
            fix="add options: {a: ..., b: ...} (or a list of ids)",
        )
    if model.policy == "negative" and not correct:
        raise KeyParamsError("policy negative needs at least one correct option", field="correct")


def _normalised(model: _ChoiceParams, correct: list[str], ids: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"correct": sorted(correct), "policy": model.policy}
    if isinstance(model.options, dict):
        out["options"] = {_norm_id(k): str(v) for k, v in model.options.items()}
    elif ids is not None:
        out["options"] = {x: "" for x in ids}
    if model.policy == "negative":
        out["penalty"] = model.penalty if model.penalty is not None else 1 / len(correct)
        out["floor"] = model.floor if model.floor is not None else 0.0
    return out


def universe(params: Mapping[str, Any]) -> list[str]:
    """The option ids: as listed, else a-e stretched to the last correct letter (or 1..n)."""
    if params.get("options"):
        return list(params["options"])
    correct = params["correct"]
    if correct and correct[0].isdigit():
        return [str(i) for i in range(1, max(5, *map(int, correct)) + 1)]
    last = max([_DEFAULT_LETTERS[-1], *correct])
    return [chr(c) for c in range(ord("a"), ord(last) + 1)]


# ---------------------------------------------------------------- reading the picks


def _text_tokens(region: str, texts: Mapping[str, str]) -> list[_Token]:
    """Where option texts ("tanh") appear, longest first, without overlaps."""
    found: list[_Token] = []
    for oid, label in sorted(texts.items(), key=lambda kv: -len(kv[1])):
        if len(label.strip()) < 2:
            continue
        pattern = r"(?i)(?<!\w)" + re.escape(label.strip()) + r"(?!\w)"
        for m in re.finditer(pattern, region):
            if all(m.end() <= t.start or m.start() >= t.end for t in found):
                found.append(_Token("text", oid, m.start(), m.end()))
    return found


def _classify(m: re.Match[str], ids: list[str]) -> _Token:
    """One regex match as a token."""
    g = m.lastgroup
    raw = m.group(g) if g else ""
    if g in ("tc", "circ", "par", "half"):
        return _Token("explicit", _CIRCLED.get(raw, raw).lower(), m.start(), m.end())
    if g == "sep":
        return _Token("sep", raw, m.start(), m.end())
    if g == "word":
        return _word_token(raw, ids, m.start(), m.end())
    if g is None:
        return _Token("latex", raw, m.start(), m.end())
    return _Token("other", raw, m.start(), m.end())


def _word_token(raw: str, ids: list[str], start: int, end: int) -> _Token:
    low = raw.lower()
    if low in ids:
        return _Token("bare", low, start, end)
    if low in _SEPARATORS:
        return _Token("sep", low, start, end)
    if low in _FILLERS:
        return _Token("filler", low, start, end)
    if low == "none":
        return _Token("none", low, start, end)
    if len(low) > 1 and low.isalpha() and len(set(low)) == len(low) and set(low) <= set(ids):
        return _Token("run", low, start, end)  # "ACD"
    return _Token("other", low, start, end)


def tokens(region: str, ids: list[str], texts: Mapping[str, str]) -> list[_Token]:
    """The region as tokens; option texts first, the rest where no text matched."""
    out = _text_tokens(region, texts)
    taken = [(t.start, t.end) for t in out]
    for m in _TOKEN.finditer(region):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        tok = _classify(m, ids)
        if m.lastgroup == "half" and _open_parens(region, m.start()):
            # "B (I first thought A)": the ")" closes the aside, "A)" is no option mark
            tok = _Token("aside", m.group("half").lower(), m.start(), m.end())
        if tok.kind != "latex":
            out.append(tok)
    return sorted(out, key=lambda t: t.start)


# What picks in a short answer ("aside": "A)" closing an open "(", as in "(B, A)").
_MARKS = ("explicit", "bare", "run", "aside")


def _open_parens(region: str, at: int) -> bool:
    """Whether a "(" before `at` is still open."""
    return region.count("(", 0, at) > region.count(")", 0, at)


def _picked(toks: list[_Token], kinds: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        c for t in toks if t.kind in kinds for c in (t.value if t.kind == "run" else [t.value])
    )


def _span(toks: list[_Token], offset: int) -> tuple[int, int] | None:
    if not toks:
        return None
    return offset + toks[0].start, offset + toks[-1].end


def read_choice(text: str, ids: list[str], texts: Mapping[str, str]) -> Picks:
    """The options the answer picks (see the module docstring for the rules)."""
    _, (lo, hi) = answer_region(text)
    # Crossed out (`~~a~~`, `\sout{a}`): not picked. Blanked, so that offsets stay the same.
    # Unticked boxes ("[ ] A [x] B") are not picked either.
    region = without_unticked(without_struck(text[lo:hi]))
    picks = _read_region(region, ids, texts, lo)
    if picks.ids is None and picks.proposal is None:
        return _without_glosses(region, ids, texts, lo) or picks
    return picks


def _read_region(region: str, ids: list[str], texts: Mapping[str, str], lo: int) -> Picks:
    toks = tokens(region, ids, texts)
    content = [t for t in toks if t.kind not in ("sep", "filler")]
    if content and all(t.kind != "other" for t in content):
        marks = [t for t in content if t.kind in _MARKS]
        unsure = [t for t in marks if region[t.end :].lstrip(" )").startswith("?")]
        if unsure:  # 'A? B': the student was not sure of A
            sure = [t for t in marks if t not in unsure] or unsure
            shown = ", ".join(sorted({t.value for t in unsure}))
            return _for_a_human(sure, lo, f"a question mark after option {shown}")
        picks = _read_short(content, lo)
        named = [i for i, t in texts.items() if t.strip().lower().startswith("none")]
        if picks.ids == frozenset() and named:  # "None" beside "None of the above"
            return _for_a_human([], lo, f"'none' may name option {', '.join(named)}")
        return picks
    return _read_prose(region, toks, ids, lo)


_BRACKET = re.compile(r"\(([^()\n]*)\)")


def _without_glosses(
    region: str, ids: list[str], texts: Mapping[str, str], lo: int
) -> Picks | None:
    """'B (IQR)', 'B (the IQR) because ...': brackets that name no option (no option mark,
    no option's text) are the student's gloss; the answer read without them, saying so. A
    bracket that names an option too ('D (or maybe A)') sends the pick to a human."""
    brackets = list(_BRACKET.finditer(region))
    if not brackets:
        return None
    blanked = region
    for m in brackets:
        blanked = blanked[: m.start()] + " " * len(m.group()) + blanked[m.end() :]
    picks = _read_region(blanked, ids, texts, lo)
    if picks.ids is None:
        return None
    naming = [m for m in brackets if _names_option(m.group(), ids, texts)]
    if naming:
        shown = ", ".join(repr(m.group(1).strip()) for m in naming)
        reason = f"picked {_show(picks.ids)}, but the text in brackets ({shown}) names an option"
        return Picks(None, picks.span, f"{reason}: a human decides", 0.5, picks.ids)
    shown = ", ".join(repr(m.group(1).strip()) for m in brackets)
    note = f"the text in brackets ({shown}) read as the student's gloss"
    reason = f"{picks.reason}; {note}" if picks.reason else note
    return Picks(picks.ids, picks.span, reason, min(picks.confidence, 0.8))


def _names_option(text: str, ids: list[str], texts: Mapping[str, str]) -> bool:
    """Whether text marks or names an option: '(c)', 'A)', 'ACD', an option's text, or a
    capital letter or number that is an option id ('I first thought A'; 'a' is a word)."""
    for t in tokens(text, ids, texts):
        if t.kind in ("explicit", "aside", "run", "text"):
            return True
        if t.kind == "bare" and not text[t.start : t.end].islower():
            return True
    return False


def _read_short(content: list[_Token], lo: int) -> Picks:
    marks = [t for t in content if t.kind in _MARKS]
    if marks:
        return Picks(_picked(marks, _MARKS), _span(marks, lo))
    texts = [t for t in content if t.kind == "text"]
    if texts:
        return Picks(_picked(texts, ("text",)), _span(texts, lo), "picked by option text", 0.9)
    return Picks(frozenset(), _span(content, lo), "answered none")


def _read_prose(region: str, toks: list[_Token], ids: list[str], lo: int) -> Picks:
    # In prose "(see figure 2)" is not a pick: explicit marks count only when they name an option.
    marked = [
        t
        for t in toks
        if (t.kind == "explicit" and t.value in ids)
        or _after_option_word(region, t)
        or (t.kind == "aside" and _RULED_OUT.search(region[: t.start]))  # "b, c (not a)"
    ]
    explicit = [
        t
        for t in marked
        if not _RULED_OUT.search(region[: t.start]) and not _JUDGED_WRONG.match(region, t.end)
    ]
    if len(explicit) < len(marked):  # "b, c (not a)": which are picked, a human reads
        out = sorted({t.value for t in marked if t not in explicit})
        kept = [t for t in toks if t.kind in ("explicit", "bare") and t.value in ids]
        chosen = [
            t
            for t in kept
            if not _RULED_OUT.search(region[: t.start]) and not _JUDGED_WRONG.match(region, t.end)
        ]
        return _for_a_human(chosen, lo, f"options ruled out in the answer ({', '.join(out)})")
    reason_starts = _JUSTIFICATION.search(region)
    if reason_starts is not None:
        first = [t for t in explicit if t.end <= reason_starts.start()]
        if first and len(first) < len(explicit):  # "(b) and (c) since (a) saturates ..."
            later = sorted({t.value for t in explicit if t not in first})
            return _for_a_human(
                first, lo, f"options named again after the reason ({', '.join(later)})"
            )
    if explicit:
        return Picks(
            _picked(explicit, ("explicit", "bare")),
            _span(explicit, lo),
            "picked from marks inside a longer text",
            0.8,
        )
    lead = _LEADING.match(region)
    if lead and _CHANGED.match(region, lead.end("ids")):  # "A, no wait, B"
        return Picks(None, reason="the answer changes its pick: a human decides")
    if lead:
        picked = frozenset(re.findall(r"(?i)(?<![a-z])[a-z](?![a-z])", lead.group("ids").lower()))
        if picked and picked <= set(ids):
            return Picks(
                picked,
                (lo + lead.start("ids"), lo + lead.end("ids")),
                "picked from the start of a longer text",
                0.8,
            )
    named = [t for t in toks if t.kind == "text"]
    if named:
        return _proposed(region, named, lo)
    return Picks(None, reason="no option letter found in the answer")


def _for_a_human(proposed: list[_Token], lo: int, why: str) -> Picks:
    """An answer a human reads, with the options `proposed` as what they will likely read."""
    return Picks(
        None,
        _span(proposed, lo),
        f"{why}: a human decides",
        0.5,
        frozenset(t.value for t in proposed),
    )


def _proposed(region: str, named: list[_Token], lo: int) -> Picks:
    """Options named by their text in prose: a human decides, with the options named before
    the justification starts (else all named) proposed, those ruled out ("not ReLU") left out."""
    end = _JUSTIFICATION.search(region)
    first = [t for t in named if end is None or t.end <= end.start()] or named
    picked = [t for t in first if not _RULED_OUT.search(region[: t.start])]
    texts = ", ".join(sorted({t.value for t in named}))
    reason = f"options named inside a longer text ({texts}): a human decides"
    return Picks(None, _span(picked, lo), reason, 0.5, frozenset(t.value for t in picked))


def _after_option_word(region: str, t: _Token) -> bool:
    """A bare id right after "option"/"choice" ("I pick option c") is explicit."""
    return t.kind == "bare" and bool(_OPTION_WORD.search(region[: t.start]))


# ---------------------------------------------------------------- scoring


def score(picked: frozenset[str], params: Mapping[str, Any]) -> tuple[Status, float, str]:
    """Status, fraction and a reason for a set of picks under the key's policy."""
    correct = frozenset(params["correct"])
    policy = params["policy"]
    if policy == "per-option":
        opts = universe(params)
        right = sum((o in picked) == (o in correct) for o in opts)
        fraction = right / len(opts)
        reason = f"{right} of {len(opts)} options classified right"
    elif policy == "negative":
        good, bad = len(picked & correct), len(picked - correct)
        fraction = max(params["floor"], good / len(correct) - bad * params["penalty"])
        reason = f"{good} right pick(s), {bad} wrong pick(s)"
    else:
        fraction = 1.0 if picked == correct else 0.0
        reason = (
            "exactly the correct options"
            if fraction
            else f"the correct options are {_show(correct)}"
        )
    return _status(fraction), fraction, reason


def _status(fraction: float) -> Status:
    if fraction >= 1:
        return Status.MET
    return Status.PARTIAL if fraction > 0 else Status.NOT_MET


def _show(ids: frozenset[str]) -> str:
    return "{" + ", ".join(sorted(ids, key=lambda x: (len(x), x))) + "}"


class ChoiceChecker(SimpleChecker):
    """Multiple choice, one or several correct options, three scoring policies."""

    kind = "choice"
    version = "3"

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return validate_params(params)

    def check(self, answer: str, key: Key) -> Outcome:
        """Decide one answer; never raises (a failure is an `error` outcome)."""
        return guarded(self._check, answer, key, "choice")

    def _check(self, answer: str, key: Key) -> Outcome:
        params = validate_params(key.params)
        if not answer.strip():
            return Outcome(Status.NEEDS_REVIEW, reason="empty answer")
        ids = universe(params)
        picks = read_choice(answer, ids, params.get("options") or {})
        if picks.ids is None and picks.proposal is not None:
            return _proposal(picks, picks.proposal, params)
        if picks.ids is None:
            return Outcome(Status.NEEDS_REVIEW, reason=picks.reason)
        found = _show(picks.ids)
        strange = sorted(picks.ids - set(ids))
        if strange:
            reason = f"picked {', '.join(strange)}, which is not an option ({', '.join(ids)})"
            return Outcome(Status.NEEDS_REVIEW, 0.0, reason, picks.span, found)
        status, fraction, why = score(picks.ids, params)
        reason = f"picked {found}: {why}" + (f" ({picks.reason})" if picks.reason else "")
        return Outcome(status, fraction, reason, picks.span, found, picks.confidence)


def _proposal(picks: Picks, proposal: frozenset[str], params: Mapping[str, Any]) -> Outcome:
    """needs_review, carrying the mark the proposed picks earn as its fraction."""
    _, fraction, why = score(proposal, params)
    found = _show(proposal)
    reason = f"{picks.reason}; proposed {found}: {why} ({fraction:g} of the marks)"
    return Outcome(Status.NEEDS_REVIEW, fraction, reason, picks.span, found, picks.confidence)


@hookimpl
def register_checkers(register: Callable[..., None]) -> None:
    register(ChoiceChecker())
