"""How well `exam draft` places questions, part marks and keys on real exam documents.

The documents are listed in benchmarks/corpus/sources.yaml and fetched (by a person with a
network, never at run time) with `python benchmarks/fetch_corpus.py`; each has its expected
parts, marks and keys written by hand in benchmarks/corpus/expected/ (keys compared by kind and
value, numbers and expressions by their checker: 0.25 is "1/4"). Parts are compared by
question number and part label ('3', '1.a'), whatever section the drafter put them in, or, in
papers that number their questions again in each section, with the section's place ('S2:1').
Documents held out while the rules were written are reported on a separate row per batch
(`batch: 2` ... `batch: 10` in sources.yaml, each gathered after the one before had been looked at).

    .venv/bin/python benchmarks/bench_draft.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fetch_corpus import targets  # benchmarks/, beside this file
from ruamel.yaml import YAML

from gradewise.exam.draft import DocumentError, draft_exam, render
from gradewise.exam.draft.agree import same_key
from gradewise.exam.draft.unplaced import says_missed

CORPUS = Path(__file__).parent / "corpus"


@dataclass
class Score:
    """Counts over expected parts: found, right marks, right keys (of those with a key)."""

    documents: int = 0
    parts: int = 0
    found: int = 0
    marks: int = 0
    keys: int = 0
    keyed: int = 0
    silent: int = 0  # expected parts not found in a draft that says nothing of what it missed
    extra: int = 0  # drafted questions (or parts) no expected address names

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self, label: str) -> str:
        def pct(n: int, d: int) -> str:
            return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "—"

        return (
            f"| {label} | {self.documents} | {pct(self.found, self.parts)} | "
            f"{pct(self.marks, self.parts)} | {pct(self.keys, self.keyed)} | "
            f"{self.parts - self.found - self.silent} / {self.silent} | {self.extra} |"
        )


# What else a draft says at its top of questions it may have missed (`exam draft`'s notes).
_SAYS_LEFT_OUT = ("read as instructions", "has no questions; left out")


def drafted_parts(path: Path) -> dict[str, dict[str, Any]]:
    """The draft's parts by 'question[.part]' and by 'S<n>:question[.part]' (n counts the
    sections from 1, for papers that number questions again in each), with marks and key as
    the draft writes them."""
    return _parts_of(YAML(typ="safe").load(render(draft_exam([path]))))


def _parts_of(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for number, section in enumerate(tree.get("sections") or [], start=1):
        for question in section.get("questions") or []:
            qid = str(question["id"])
            found = {qid: {"marks": _question_marks(question), "key": question.get("key")}}
            for part in question.get("parts") or []:
                found[f"{qid}.{part['id']}"] = {"marks": part.get("marks"), "key": part.get("key")}
            for address, drafted in found.items():
                out.setdefault(address, drafted)
                out[f"S{number}:{address}"] = drafted
    return out


def _question_marks(question: dict[str, Any]) -> Any:
    """A question's marks as drafted: its own, or its parts' added up (None if one has none).
    A paper that gives marks only to the whole question is compared on this."""
    parts = question.get("parts") or []
    if question.get("marks") is not None or not parts:
        return question.get("marks")
    marks = [part.get("marks") for part in parts]
    return None if None in marks else sum(marks)


def score(path: Path, expected: dict[str, dict[str, Any]]) -> Score:
    listed = True  # a refusal says so in one line: never silent
    tree: dict[str, Any] = {}
    try:
        draft = draft_exam([path])
        tree = YAML(typ="safe").load(render(draft))
        got = _parts_of(tree)
        listed = any(
            says_missed(note.value) or any(s in note.value for s in _SAYS_LEFT_OUT)
            for note in draft.notes
        )
    except DocumentError as exc:
        print(f"{path.name}: refused: {exc}", file=sys.stderr)
        got = {}
    except Exception as exc:  # a drafter crash is a finding: counted as nothing found
        print(f"{path.name}: drafter crashed: {type(exc).__name__}: {exc}", file=sys.stderr)
        got, listed = {}, False
    result = Score(documents=1, parts=len(expected))
    result.extra = extra(tree, expected)
    for address, want in expected.items():
        drafted = got.get(str(address))
        result.keyed += "key" in want  # a part not found counts as wrong below, not as absent
        if drafted is None:
            continue
        result.found += 1
        result.marks += drafted["marks"] == want["marks"]
        if "key" in want:
            result.keys += same_key(want["key"], drafted["key"])  # 0.25 is "1/4"
    if not listed:
        result.silent = result.parts - result.found
    return result


def extra(tree: dict[str, Any], expected: dict[str, Any]) -> int:
    """What the draft holds that the paper does not: each drafted question no expected
    address names, and, in a question whose parts the expected file lists, each drafted part
    it does not list (where it gives the question's marks only, its parts are not counted)."""
    count = 0
    for number, section in enumerate(tree.get("sections") or [], start=1):
        for question in section.get("questions") or []:
            named = _named_under(f"S{number}", str(question["id"]), expected)
            if not named:
                count += 1
                continue
            listed = [rest for rest in named if rest]
            for part in question.get("parts") or [] if listed else []:
                pid = str(part["id"])
                count += not any(rest == pid or rest.startswith(f"{pid}.") for rest in listed)
    return count


def _named_under(section: str, qid: str, expected: dict[str, Any]) -> list[str]:
    """The expected addresses naming this question ('S2:3', or '3' alone), each as what
    follows the question's id: '' for the question itself, 'a' for '3.a'."""
    found = []
    for address in map(str, expected):
        if address.startswith(f"{section}:"):
            address = address.partition(":")[2]
        elif ":" in address:
            continue
        if address == qid:
            found.append("")
        elif address.startswith(f"{qid}."):
            found.append(address[len(qid) + 1 :])
    return found


def _document(doc: dict[str, Any]) -> Path | None:
    """The fetched document: docs/NAME.EXT, or docs/NAME/FILE with the files beside it."""
    folder = CORPUS / "docs" / doc["name"]
    if folder.is_dir():
        inside = targets(doc, CORPUS / "docs")[0][0]
        return inside if inside.exists() else None
    return next((CORPUS / "docs").glob(f"{doc['name']}.*"), None)


_GROUPS = {
    None: "held out, batch 1 (since looked at)",
    2: "held out, batch 2 (since looked at)",
    3: "held out, batch 3 (since looked at)",
    4: "held out, batch 4 (since looked at)",
    5: "held out, batch 5 (since looked at)",
    6: "held out, batch 6 (since looked at)",
    7: "held out, batch 7 (since looked at)",
    8: "held out, batch 8 (since looked at)",
    9: "held out, batch 9 (since looked at)",
    10: "held out, batch 10",
    11: "held out, batch 11",
}


def _group(doc: dict[str, Any]) -> str:
    """The row a document is counted on: each held-out batch on its own."""
    if not doc.get("held_out"):
        return "written with the rules"
    return _GROUPS[doc.get("batch")]


def main() -> None:
    yaml = YAML(typ="safe")
    sources = yaml.load((CORPUS / "sources.yaml").read_text())["documents"]
    groups = {"written with the rules": Score(), **{label: Score() for label in _GROUPS.values()}}
    missing = []
    for doc in sources:
        path = _document(doc)
        if path is None:
            missing.append(doc["name"])
            continue
        expected = yaml.load((CORPUS / "expected" / f"{doc['name']}.yaml").read_text())["parts"]
        result = score(path, {str(k): v for k, v in expected.items()})
        print(result.row(doc["name"]), file=sys.stderr)
        groups[_group(doc)].add(result)
    if missing and len(missing) == len(sources):
        print(
            "No corpus documents here: run `python benchmarks/fetch_corpus.py` (needs a network)."
        )
        return
    print(
        "| documents | n | questions/parts found | marks right | keys right "
        "| missed: listed / silent | extra questions/parts |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, group in groups.items():
        if group.documents:
            print(group.row(label))
    if missing:
        print(f"\n(not fetched, left out: {', '.join(missing)})")


if __name__ == "__main__":
    main()
