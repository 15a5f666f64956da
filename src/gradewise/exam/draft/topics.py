"""Problems headed by a topic rather than a number: a review sheet whose problems are 'Counting',
'Conditional Probability', 'Min and Max', ..., each a topic line over a setup and parts (a),
(b), ... (then perhaps a 'Solutions' line and the answers labelled (a), (b) again).

Read only where the paper numbers no question at all (the drafter found none): each run of
parts starting again at (a), outside a solution, opens a problem, and the last topic line
before it since the problem before opened is its heading. The lines are given back with those
headings written 'Problem N: <topic>', numbered in reading order, for the drafter to read again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.documents import Line

# A topic: a few words from a capital, letters only (an apostrophe, a comma, '&', a colon
# inside), ending in a word or '!'; never a sentence's end ('.'), a wrapped line ('-', ','),
# an introduction (':') or math ('=', brackets, digits).
_TOPIC = re.compile(r"[A-Z][A-Za-z'’&,: ]*[A-Za-z!]")
_MAX_WORDS = 12


def _topic(text: str) -> bool:
    return bool(_TOPIC.fullmatch(text)) and len(text.split()) <= _MAX_WORDS


def topic_headed(lines: list[Line]) -> list[Line] | None:
    """The lines with each problem's topic written 'Problem N: <topic>'; None where fewer than
    two problems are headed so (the paper is not of this kind)."""
    heads: list[int] = []
    topic: int | None = None  # the last topic line since the last problem opened
    answers = False  # after 'Solution(s)': parts labelled again are answers
    for index, line in enumerate(lines):
        text = p.clean(line.text).strip()
        if not text:
            continue
        if p.solution_start(text) is not None:
            answers = True
            continue
        item = p.lettered_item(text)
        if item is not None and item.id == "a" and not answers and topic is not None:
            heads.append(topic)
            topic = None
        elif item is None and _topic(text):
            topic = index
            answers = False
    if len(heads) < 2:
        return None
    out = list(lines)
    for number, index in enumerate(heads, 1):
        title = p.clean(lines[index].text).strip()
        out[index] = replace(lines[index], text=f"Problem {number}: {title}")
    return out
