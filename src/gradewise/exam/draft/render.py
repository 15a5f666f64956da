"""Write a Draft as exam YAML (ruamel, round-trip types) with `# from line N` on every value.

What the instructor must fill in and what the drafter could not place are listed in a comment
block at the top. Text with LaTeX goes in single quotes or literal blocks, never double quotes,
where YAML would read `\\frac` as a form feed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

from gradewise.exam.draft.collect import Val
from gradewise.exam.draft.documents import Loc
from gradewise.exam.draft.resolve import CriterionDraft, Draft, PartDraft, QuestionDraft
from gradewise.exam.schema import CURRENT_VERSION


class _Writer:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.many = len(set(draft.sources)) > 1

    def where(self, loc: Loc) -> str:
        return "from " + loc.where(with_source=self.many)

    def put(self, node: CommentedMap, key: str, val: Val[Any] | None, value: Any = None) -> None:
        """node[key] = the value (or `value`), with where it came from as a comment.

        A block of text has no line end to carry the comment: its place goes on the id line.
        """
        if val is None:
            return
        node[key] = _scalar(val.value if value is None else value)
        if isinstance(node[key], LiteralScalarString):
            self.on_id(node, f"{key} {self.where(val.loc)}")
        else:
            node.yaml_add_eol_comment(self.where(val.loc), key)

    def on_id(self, node: CommentedMap, comment: str) -> None:
        """Add `comment` to the one on the node's id line (unless it says the same)."""
        old = node.ca.items.get("id", [None, None, None])[2]
        text = old.value.strip().lstrip("#").strip() if old is not None else ""
        parts = [x for x in (text, comment) if x]
        if old is not None:
            del node.ca.items["id"]
        node.yaml_add_eol_comment("; ".join(parts), "id")

    def tree(self) -> CommentedMap:
        draft = self.draft
        root = CommentedMap()
        root["schema_version"] = CURRENT_VERSION
        exam = CommentedMap()
        exam["id"] = draft.id
        self.put(exam, "title", draft.title)
        exam.setdefault("title", draft.id)
        root["exam"] = exam
        root["sections"] = CommentedSeq(self.section(s) for s in draft.sections)
        root.yaml_set_start_comment(self.header())
        return root

    def section(self, section: Any) -> CommentedMap:
        node = CommentedMap()
        node["id"] = section.id
        node.yaml_add_eol_comment(self.where(section.loc), "id")
        self.put(node, "title", section.title)
        node.setdefault("title", f"Section {section.id}")
        if section.rule is not None:
            rule = CommentedMap(best=section.rule.value)
            rule.fa.set_flow_style()
            node["rule"] = rule
            node.yaml_add_eol_comment(self.where(section.rule.loc), "rule")
        node["questions"] = CommentedSeq(self.question(q) for q in section.questions)
        return node

    def question(self, question: QuestionDraft) -> CommentedMap:
        node = CommentedMap()
        node["id"] = SingleQuotedScalarString(question.id)
        node.yaml_add_eol_comment(self.where(question.loc), "id")
        self.put(node, "marks", question.own.marks)
        self.put(node, "prompt", question.own.prompt)
        if question.parts:
            node["parts"] = CommentedSeq(self.part(part) for part in question.parts)
        else:
            self.fields(node, question.own)
        return node

    def part(self, part: PartDraft) -> CommentedMap:
        node = CommentedMap()
        node["id"] = part.id
        node.yaml_add_eol_comment(self.where(part.loc), "id")
        self.put(node, "marks", part.marks)
        self.put(node, "prompt", part.prompt)
        self.fields(node, part)
        return node

    def fields(self, node: CommentedMap, part: PartDraft) -> None:
        if part.key is not None:
            self.put(node, "key", part.key, _mapping(part.key.value))
            if part.key_note:
                node.yaml_add_eol_comment(f"{self.where(part.key.loc)}; {part.key_note}", "key")
        if part.rubric:
            node["rubric"] = CommentedSeq(self.criterion(c) for c in part.rubric)
        self.put(node, "reference", part.reference)
        self.put(node, "guidance", part.guidance)

    def criterion(self, criterion: CriterionDraft) -> CommentedMap:
        node = CommentedMap()
        node["id"] = criterion.id
        node.yaml_add_eol_comment(self.where(criterion.loc), "id")
        node["text"] = _scalar(criterion.text)
        node["marks"] = _scalar(criterion.marks)
        return node

    def header(self) -> str:
        draft = self.draft
        # File names, as the values' comments give them: the draft reads the same anywhere.
        names = ", ".join(dict.fromkeys(Path(s).name for s in draft.sources))
        lines = [
            f"Drafted by 'gradewise exam draft' from {names}: check every value before grading.",
            "Each value says where in the document it was found ('from line N').",
        ]
        if draft.todo:
            lines += ["", "To fill in ('gradewise exam check' names the first one left):"]
            lines += [f"  - {v.value} ({v.loc.where(with_source=self.many)})" for v in draft.todo]
        if draft.notes:
            lines += ["", "Could not place (check these in the document):"]
            lines += [f"  - {v.loc.where(with_source=self.many)}: {v.value}" for v in draft.notes]
        return "\n".join(lines)


def _mapping(value: dict[str, Any]) -> CommentedMap:
    node = CommentedMap()
    for key, item in value.items():
        if isinstance(item, dict):
            node[key] = _mapping(item)
        elif isinstance(item, list):
            seq = CommentedSeq(_scalar(x) for x in item)
            seq.fa.set_flow_style()
            node[key] = seq
        else:
            node[key] = _scalar(item)
    return node


def _scalar(value: Any) -> Any:
    """Strings that YAML could misread (LaTeX, ': ', '#', leading marks) get safe quoting."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        return value
    if "\n" in value:
        return LiteralScalarString(value)
    return SingleQuotedScalarString(value)


def render(draft: Draft) -> str:
    """The draft as exam YAML text."""
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(_Writer(draft).tree(), out)
    return out.getvalue()
