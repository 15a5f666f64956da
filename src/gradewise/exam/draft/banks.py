"""Question banks written in Moodle's plain-text formats, written out as the numbered questions
the drafter reads: Aiken (a question, its options 'A.'/'A)', then 'ANSWER: B') and GIFT
('::Title:: Question {=right ~wrong}', '{T}', '{#4:0.1}', '{}')."""

from __future__ import annotations

import re

from gradewise.exam.draft.documents import Line

_AIKEN_OPTION = re.compile(r"^(?P<letter>[A-Z])[.)]\s+(?P<text>\S.*)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER:\s*(?P<letters>[A-Z](?:\s*,\s*[A-Z])*)\s*$")
_NUMBERED = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):]\s", re.IGNORECASE)


def aiken_questions(lines: list[Line]) -> list[Line]:
    """Aiken blocks ('What is ...?' / 'A. ...' / 'B. ...' / 'ANSWER: B') as 'N. What is ...?',
    '(a) ...', 'Answer: b'; a document without such a block is returned as it was."""
    blocks = _blocks(lines)
    if not any(_aiken(block) is not None for block in blocks):
        return lines
    out: list[Line] = []
    number = 0
    for block in blocks:
        read = _aiken(block)
        if read is None:
            out.extend(block)
            continue
        stem, options, answer = read
        number += 1
        first = stem[0]
        text = first.text.strip()
        out.append(Line(text if _NUMBERED.match(text) else f"{number}. {text}", first.loc))
        out.extend(stem[1:])
        for at, option in enumerate(options):
            m = _AIKEN_OPTION.match(option.text.strip())
            assert m is not None
            out.append(Line(f"({chr(ord('a') + at)}) {m['text']}", option.loc))
        out.append(Line(f"Answer: {answer.text.split(':', 1)[1].strip().lower()}", answer.loc))
        out.append(Line("", answer.loc))
    return out


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """The lines in runs split after each blank line (the blank kept at its run's end)."""
    blocks: list[list[Line]] = [[]]
    for line in lines:
        blocks[-1].append(line)
        if not line.text.strip():
            blocks.append([])
    return [block for block in blocks if block]


def _aiken(block: list[Line]) -> tuple[list[Line], list[Line], Line] | None:
    """(stem lines, option lines, answer line) of an Aiken question; None for other text."""
    filled = [line for line in block if line.text.strip()]
    if len(filled) < 4 or not _AIKEN_ANSWER.match(filled[-1].text.strip()):
        return None
    at = len(filled) - 1
    while at > 0 and _AIKEN_OPTION.match(filled[at - 1].text.strip()):
        at -= 1
    options = filled[at:-1]
    letters = [line.text.strip()[0] for line in options]
    if len(options) < 2 or letters != [chr(ord("A") + i) for i in range(len(options))] or at == 0:
        return None
    said = _AIKEN_ANSWER.match(filled[-1].text.strip())
    assert said is not None
    if any(letter.strip() not in letters for letter in said["letters"].split(",")):
        return None
    return filled[:at], options, filled[-1]


# GIFT: '// comment', '$CATEGORY: ...', '::Title:: [markdown]Question text {answers} more text'
_GIFT_COMMENT = re.compile(r"^\s*//")
_GIFT_CATEGORY = re.compile(r"^\s*\$CATEGORY:", re.IGNORECASE)
_GIFT_TITLE = re.compile(r"^\s*::(?P<title>(?:[^:\\]|\\.|:(?!:))*)::")
_GIFT_FORMAT = re.compile(r"^\s*\[(?:html|moodle|plain|markdown)\]", re.IGNORECASE)
_GIFT_ESCAPED = re.compile(r"\\([~=#{}:\\])")
_GIFT_ENTRY = re.compile(r"(?<!\\)([=~])")
_GIFT_WEIGHT = re.compile(r"^%(?P<w>-?\d+(?:\.\d+)?)%")
_GIFT_FEEDBACK = re.compile(r"(?<!\\)#.*$", re.DOTALL)
_GIFT_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?"
_GIFT_NUMERIC = re.compile(
    rf"^\s*(?P<v>{_GIFT_NUMBER})\s*(?::\s*(?P<tol>{_GIFT_NUMBER})|\.\.\s*(?P<hi>{_GIFT_NUMBER}))?\s*$"
)
_GIFT_TRUTH = {"t": "True", "true": "True", "f": "False", "false": "False"}


def gift_questions(lines: list[Line]) -> list[Line]:
    """GIFT questions written out as 'N. text' with their options '(a) ...' and 'Answer: ...'
    (true/false, the right options, a number with its tolerance, the first accepted short
    answer; none for an essay '{}' or a matching question, whose pairs stay in its text). A
    document without a GIFT answer block is returned as it was."""
    blocks = [block for block in _blocks(lines) if any(x.text.strip() for x in block)]
    read = [_gift(block) for block in blocks]
    answered = sum(r is not None and bool(r[2]) for r in read)
    if answered == 0 or sum(r is not None for r in read) < max(1, len(blocks) // 2):
        return lines
    out: list[Line] = []
    number = 0
    for block, question in zip(blocks, read, strict=True):
        if question is None:
            out.extend(x for x in block if not _gift_furniture(x))
            continue
        number += 1
        text, options, answer = question
        loc = next(x.loc for x in block if x.text.strip() and not _gift_furniture(x))
        out.append(Line(f"{number}. {text}", loc))
        out.extend(Line(f"({chr(ord('a') + i)}) {o}", loc) for i, o in enumerate(options))
        if answer:
            out.append(Line(f"Answer: {answer}", loc))
        out.append(Line("", loc))
    return out


def _gift(block: list[Line]) -> tuple[str, list[str], str] | None:
    """(question text, options, answer as the drafter reads it) of one GIFT question."""
    kept = [x.text for x in block if not _gift_furniture(x)]
    source = "\n".join(kept).strip()
    opened = _unescaped(source, "{")
    closed = _unescaped(source, "}", opened + 1) if opened >= 0 else -1
    if opened < 0 or closed < 0:
        return None
    head, body, tail = source[:opened], source[opened + 1 : closed], source[closed + 1 :]
    title = _GIFT_TITLE.match(head)
    if title is not None:
        head = head[title.end() :]
    head = _GIFT_FORMAT.sub("", head)
    blank = " _____ " if tail.strip() else ""
    text = _plain_gift(" ".join(f"{head}{blank}{tail}".split()))
    if not text:
        text = _plain_gift(title["title"]) if title is not None else ""
    body = body.strip()
    if text and "->" in body:  # matching: drafted with its pairs in the text, no key
        pairs = "; ".join(_plain_gift(x) for x in _GIFT_ENTRY.split(body) if x.strip())
        return f"{text} (match: {pairs})", [], ""
    if not text or not _gift_body(body):
        return None
    options, answer = _gift_answer(body)
    return text, options, answer


def _gift_body(body: str) -> bool:
    """Whether an answer block is GIFT's: empty (an essay), a truth value, a number ('#'), or
    answers each opened by '=' or '~' ('{2}' in LaTeX is none)."""
    plain = _GIFT_FEEDBACK.sub("", body).strip().lower() if not body.startswith("#") else body
    return not body or plain in _GIFT_TRUTH or body[0] in "#=~"


def _gift_furniture(line: Line) -> bool:
    """A comment ('// ...') or a category line ('$CATEGORY: ...'): no question's text."""
    return bool(_GIFT_COMMENT.match(line.text) or _GIFT_CATEGORY.match(line.text))


def _unescaped(text: str, char: str, start: int = 0) -> int:
    at = start
    while (at := text.find(char, at)) >= 0:
        if at == 0 or text[at - 1] != "\\":
            return at
        at += 1
    return -1


def _plain_gift(text: str) -> str:
    return _GIFT_ESCAPED.sub(r"\1", text).strip()


def _gift_answer(body: str) -> tuple[list[str], str]:
    """(options, answer) of a GIFT answer block."""
    if not body:
        return [], ""  # an essay
    if (truth := _GIFT_TRUTH.get(_GIFT_FEEDBACK.sub("", body).strip().lower())) is not None:
        return [], truth
    if body.startswith("#"):
        first = _GIFT_ENTRY.split(body[1:])[0] if "=" in body else body[1:]
        m = _GIFT_NUMERIC.match(_GIFT_FEEDBACK.sub("", first.lstrip("=")))
        if m is None:
            return [], ""
        if m["hi"] is not None:  # '3..5': the middle, half the width either side
            low, high = float(m["v"]), float(m["hi"])
            return [], f"{(low + high) / 2:g} ± {(high - low) / 2:g}"
        return [], f"{m['v']} ± {m['tol']}" if m["tol"] else m["v"]
    parts = _GIFT_ENTRY.split(body)
    entries = [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    texts: list[str] = []
    right: list[str] = []
    for mark, raw in entries:
        weight = _GIFT_WEIGHT.match(raw.strip())
        text = _plain_gift(_GIFT_FEEDBACK.sub("", raw.strip()[weight.end() :] if weight else raw))
        texts.append(text)
        if mark == "=" or (weight is not None and float(weight["w"]) > 0):
            right.append(text)
    if all(mark == "=" for mark, _ in entries):
        return [], right[0] if right else ""  # short answer: the first accepted
    letters = [chr(ord("a") + texts.index(text)) for text in right]
    return texts, ", ".join(letters)
