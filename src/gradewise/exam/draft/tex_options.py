"""Options flagged correct by an optional argument, in an exam generator's own environment.

Exam generators that shuffle options mark the right ones on the option itself, in brackets:

    \\begin{answers}
      \\answer x(3)
      \\answer[correct] x(:,3)
      \\answer[fixed] none of these
    \\end{answers}

(`[fixed]` keeps an option in place when the rest are shuffled; `[correct, fixed]` does both).
Such a list is the exam class's `choices` by another name: it is rewritten as one before the
paper is read, `\\choice` for each option and `\\CorrectChoice` for each flagged one, so the
right options become the question's key. Every line stays where it was in the source.
"""

from __future__ import annotations

import re

# An environment and its body (one of the same name nested inside is not looked into).
_ENVIRONMENT = re.compile(r"\\begin\{(?P<name>[A-Za-z]+)\}(?P<body>.*?)\\end\{(?P=name)\}", re.S)
# What may come before the first option: spaces and comment lines.
_LEAD = re.compile(r"(?:\s|%[^\n]*\n)*")
_OPENER = re.compile(r"\\(?P<macro>[A-Za-z]+)(?![A-Za-z])")
# Flags are words ('[correct, fixed]'); a bracket of anything else ('[0, 1]') is the option's
# own text.
_FLAG = re.compile(r"[ \t]*\[(?P<flags>\s*[A-Za-z]+(?:\s*,\s*[A-Za-z]+)*\s*)\]")
_CORRECT = re.compile(r"(?i)\bcorrect\b")
# Openers with a meaning of their own: the exam class's and LaTeX's lists are read as they are.
_OWN = frozenset({"item", "choice", "CorrectChoice", "task", "begin", "end", "question", "part"})


def flagged_options(source: str) -> str:
    """The source with each environment of options flagged `[correct]` written as `choices`."""
    return _ENVIRONMENT.sub(_rewritten, source)


def _rewritten(m: re.Match[str]) -> str:
    body = m["body"]
    macro = _options_macro(body)
    if macro is None:  # not a list of options: one may stand inside it (in a problem)
        inner = flagged_options(body)
        return m[0] if inner == body else f"\\begin{{{m['name']}}}{inner}\\end{{{m['name']}}}"
    opener = re.compile(rf"\\{macro}(?![A-Za-z])(?:{_FLAG.pattern})?")

    def option(found: re.Match[str]) -> str:
        return "\\CorrectChoice " if _CORRECT.search(found["flags"] or "") else "\\choice "

    return f"\\begin{{choices}}{opener.sub(option, body)}\\end{{choices}}"


def _options_macro(body: str) -> str | None:
    """The macro that opens each option, where the body is a list of them (two or more, the
    first at its start) and one or more is flagged correct; None otherwise."""
    first = _OPENER.match(body, _LEAD.match(body).end())  # type: ignore[union-attr]
    if first is None or first["macro"] in _OWN:
        return None
    macro = first["macro"]
    flags = [
        flag["flags"] if (flag := _FLAG.match(body, found.end())) else ""
        for found in re.finditer(rf"\\{macro}(?![A-Za-z])", body)
    ]
    if len(flags) < 2 or not any(_CORRECT.search(f) for f in flags):
        return None
    return macro
