"""Where the final answer is in a student's text, and the values read there.

`answer_region` and `final_readings` apply one written-down rule, in this order:
a. the content of the last `\\boxed{...}` (or `\\fbox{...}`);
b. the text after the last marker "Final answer", "Answer:", "Ans:", "Solution:" (also with
   "-", "=", "." , "is" or an arrow instead of the colon), up to the next blank line;
c. named components ending with the last value ("w1 = 1, w2 = 3", `w_1 = 1,\\; w_2 = 3`,
   "x = 2 and y = -1", one per line, each written `name = working = value`): one vector
   (or matrix, for named rows) in the order written, its names kept (`named_runs`);
d. the right-hand side after the last "=" (or `\\Rightarrow`, "→", `\\approx`, ...) on the
   line of the last value in the text;
e. else the last value in the text.
Under b-e, values on a check line ("Check: f'(3) = 0", "Sanity check: ...", "(I checked:
2.84 - 2.84 = 0)") are not the answer, unless nothing else is left (`check_spans`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gradewise.checkers.extract import Reading, close_brace, scan
from gradewise.checkers.named import named_runs

_RELATION = re.compile(
    r"=|≈|⇒|→|⟹|\\(?:Rightarrow|Longrightarrow|implies|rightarrow|longrightarrow|to|approx)"
    r"(?![A-Za-z])"
)
_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_MARKER = re.compile(
    r"(?i)(?<![A-Za-z])(?:"
    r"final\s+ans(?:wer)?(?![A-Za-z])\s*(?:\*\*)?\s*(?:is\b|:|-|=|\.)?"
    r"|(?:answer|ans|solution|sol)(?![A-Za-z])\s*(?:\*\*)?\s*"
    r"(?::|-|=|\.|is\b|⇒|→|\\Rightarrow|\\implies|\\to(?![A-Za-z])|\\rightarrow)"
    r")"
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CHECK_WORD = re.compile(
    r"(?i)(?<![A-Za-z])(?:check(?:s|ed|ing)?|verif(?:y|ied|ying|ication)|sanity"
    r"|substitut\w*|plug(?:ging)?)(?![A-Za-z])"
)
_ALPHA_WORD = re.compile(r"[A-Za-z]+")
# How a value was rounded, said beside it: '(3 s.f.)', 'to 2 decimal places', '4 dp'. Its
# number is no value of the answer.
_ROUNDING = re.compile(
    r"(?i)(?:correct\s+)?(?:to\s+)?\d{1,2}\s*(?:s\.?\s?f\.?|d\.?\s?p\.?"
    r"|sig(?:nificant|\.)?\s*(?:fig(?:ure)?s?\.?|digits)|decimal\s+(?:places?|digits)|dec\.?\s*pl\.?)"
    r"(?![A-Za-z])"
)
# Two values offered as alternatives at the end: '0.714 or 0.8'; both are the final answer.
_ALTERNATIVE = re.compile(r"\s*(?:,\s*)?(?:or|oder|ou|o)\s*$", re.I)


@dataclass(frozen=True)
class FinalAnswer:
    """Where the final answer is (`rule`: boxed, marker, named, relation, last, none) and its
    readings."""

    rule: str
    region: tuple[int, int]
    readings: tuple[Reading, ...]


def boxed_span(text: str) -> tuple[int, int] | None:
    """The content span of the last `\\boxed{...}`."""
    last = None
    for m in _BOXED.finditer(text):
        close = close_brace(text, m.end() - 1)
        if close is not None:
            last = (m.end(), close)
    return last


def marker_span(text: str) -> tuple[int, int] | None:
    """The text after the last answer marker ("Ans:", "Final answer", ...) up to a blank line."""
    last = None
    for m in _MARKER.finditer(text):
        last = m
    if last is None:
        return None
    start = len(text) - len(text[last.end() :].lstrip())
    blank = _BLANK_LINE.search(text, start)
    return start, (blank.start() if blank else len(text))


# What a student crossed out (Markdown `~~a~~`, LaTeX `\sout{a}`, `\cancel{a}`): not the answer.
_STRUCK = re.compile(r"~~[^~\n]*~~|\\(?:sout|st|xout|cancel|bcancel|xcancel)\s*\{[^{}\n]*\}")


def without_struck(text: str) -> str:
    """The text with what was crossed out blanked, so that offsets into it stay the same."""
    return _STRUCK.sub(lambda m: " " * len(m.group()), text)


# Tick boxes (Markdown task lists, printed forms): an unticked box and what follows it, up to
# the next box or the end of its line, is not chosen; a ticked box is only a mark.
_UNTICKED = re.compile(r"(?<!\S)(?:\[ \]|☐|□)[^\n\[☐□☑☒]*")
_TICKED = re.compile(r"(?<!\S)(?:\[[xX✓✔]\]|[☑☒])")


def without_unticked(text: str) -> str:
    """The text with unticked boxes and their options, and the ticked boxes' marks, blanked
    ("[ ] True [x] False" reads "False"), so that offsets into it stay the same."""
    text = _UNTICKED.sub(lambda m: " " * len(m.group()), text)
    return _TICKED.sub(lambda m: " " * len(m.group()), text)


def answer_region(text: str) -> tuple[str, tuple[int, int]]:
    """Rules a and b: ("boxed" | "marker", span), else ("all", the whole text)."""
    span = boxed_span(text)
    if span is not None:
        return "boxed", span
    span = marker_span(text)
    if span is not None:
        return "marker", span
    return "all", (0, len(text))


def final_readings(text: str) -> FinalAnswer:
    """The final answer by the module's rules a-e, with the values read there."""
    rule, (lo, hi) = answer_region(text)
    readings = answer_readings(text, lo, hi, checks=rule != "boxed")
    if rule != "all":
        return FinalAnswer(rule, (lo, hi), tuple(readings))
    if not readings:
        return FinalAnswer("none", (0, len(text)), ())
    last = readings[-1]
    if last.names:
        return FinalAnswer("named", (last.start, last.end), (last,))
    line_start = text.rfind("\n", 0, last.start) + 1
    relations = list(_RELATION.finditer(text, line_start, last.start))
    if not relations:
        offered = [last]
        for before in reversed(readings[:-1]):  # '0.714 or 0.8': each one offered
            if not _ALTERNATIVE.fullmatch(text, before.end, offered[0].start):
                break
            offered.insert(0, before)
        return FinalAnswer("last", (offered[0].start, last.end), tuple(offered))
    lo = relations[-1].end()
    line_end = text.find("\n", last.end)
    hi = max(last.end, len(text) if line_end < 0 else line_end)
    return FinalAnswer("relation", (lo, hi), tuple(r for r in readings if r.start >= lo))


def answer_readings(text: str, start: int, end: int, *, checks: bool = True) -> list[Reading]:
    """The values in text[start:end] with named components joined into one reading each, and
    (when `checks`) without the values of check lines, unless nothing else is left."""
    runs = named_runs(text, start, end)
    inside = [(r.start, r.end) for r in runs]
    inside += [m.span() for m in _ROUNDING.finditer(text, start, end)]
    loose = [r for r in scan(text, start, end) if not any(a <= r.start < b for a, b in inside)]
    readings = sorted([*loose, *runs], key=lambda r: r.start)
    if not checks:
        return readings
    spans = check_spans(text, start, end)
    kept = [r for r in readings if not any(a <= r.start < b for a, b in spans)]
    return kept or readings


# ---------------------------------------------------------------- checks after the answer


def check_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Where the answer checks itself: a line that starts with a check word ("Check:", "Sanity
    check:", "To verify, ...") to its end, or a parenthesis holding one ("(I checked: ...)")."""
    end = len(text) if end is None else end
    spans = []
    for m in _CHECK_WORD.finditer(text, start, end):
        line_start = max(start, text.rfind("\n", 0, m.start()) + 1)
        line_end = text.find("\n", m.end(), end)
        line_end = end if line_end < 0 else line_end
        opened = text.rfind("(", line_start, m.start())
        if opened >= 0 and text.find(")", opened, m.start()) < 0:
            closed = text.find(")", m.end(), line_end)
            spans.append((opened, closed + 1 if closed >= 0 else line_end))
        elif _opens_line(text[line_start : m.start()]):
            spans.append((line_start, line_end))
    return spans


def _opens_line(before: str) -> bool:
    """At most two words and no number before the check word on its line."""
    return len(_ALPHA_WORD.findall(before)) <= 2 and not any(c.isdigit() for c in before)
