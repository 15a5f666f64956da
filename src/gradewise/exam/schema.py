"""The exam file's shape (schema version 1) as pydantic models: the edge, never the domain.

These models check field names, required fields and types. Everything that needs more than
one field at a time (duplicate ids, marks that must add up, kinds known to the registry) is
checked by `load.py`, which then builds the frozen domain values of `gradewise.model`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

CURRENT_VERSION = 1

# Ids may be written as numbers (`id: 7`); they are read as strings.
_STRICT = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


def _non_zero(value: float) -> float:
    if value == 0:
        raise ValueError("a criterion's marks must not be zero")
    return value


# strict: "5" or `true` is not a number of marks.
Marks = Annotated[float, Field(strict=True, gt=0, description="Marks for this part (> 0).")]
CriterionMarks = Annotated[
    float,
    Field(
        strict=True,
        description="Positive adds, negative deducts; never 0.",
        json_schema_extra={"not": {"const": 0}},
    ),
    AfterValidator(_non_zero),
]
Where = Literal["final", "anywhere"]
Id = Annotated[str, Field(min_length=1)]


class KeyModel(BaseModel):
    """A key or a criterion's check: `kind`, `where`, and the kind's own params (extra)."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    kind: str = Field(
        description="choice, truefalse, numeric or expression (or a plugin's kind); the kind's"
        " own fields follow: options/correct/policy, value, tol, variables."
    )
    where: Where = Field(
        "final", description="final: the answer's final result; anywhere: any value in it."
    )

    def params(self) -> dict[str, Any]:
        """The kind's own params, as written (without kind and where)."""
        return dict(self.model_extra or {})


class CriterionModel(BaseModel):
    model_config = _STRICT

    id: Id
    text: str = Field(description="What the grader looks for (shown in feedback).")
    marks: CriterionMarks
    check: KeyModel | None = Field(None, description="A deterministic check deciding it.")
    group: str | None = Field(None, description="At most one criterion of a group applies.")


Fraction = Annotated[float, Field(ge=0, le=1)]


def _ordered_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    if not (x0 < x1 and y0 < y1):
        raise ValueError("a box is [x0, y0, x1, y1] with x0 < x1 and y0 < y1")
    return box


class RegionModel(BaseModel):
    """Where a part's answer space is on the blank paper (`gradewise exam template`)."""

    model_config = ConfigDict(extra="forbid")

    page: Annotated[int, Field(strict=True, ge=1)] = Field(description="The page, from 1.")
    box: Annotated[tuple[Fraction, Fraction, Fraction, Fraction], AfterValidator(_ordered_box)] = (
        Field(
            description="[x0, y0, x1, y1] in fractions of the page's width and height, measured"
            " from its top left corner."
        )
    )


class TemplateModel(BaseModel):
    """The blank paper scans are aligned to, written by `gradewise exam template`."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field("", description="The blank paper's file, as given.")
    pages: list[Annotated[str, Field(pattern="^[0-9a-f]{64}$")]] = Field(
        [], description="SHA-256 of each page's image, kept in the workspace's pages/."
    )


class PartFields(BaseModel):
    """What a part says; a question without `parts` says it directly."""

    model_config = _STRICT

    prompt: str = ""
    kind: str | None = Field(None, description="The key's kind, or text (no key).")
    key: KeyModel | None = Field(None, description="What a right final answer is.")
    rubric: list[CriterionModel] = []
    reference: str = Field("", description="A model answer, for graders and judges.")
    guidance: str = Field("", description="Notes for graders; never shown to students.")
    compute: str | None = Field(
        None, description="Python that recomputes the key into `result` (gradewise exam check)."
    )
    review_below: Annotated[float, Field(ge=0, le=1)] = Field(
        0.8, description="Answers judged with less confidence go to review."
    )
    regions: list[RegionModel] = Field(
        [], description="Where the answer is written on the paper, in reading order."
    )


class PartModel(PartFields):
    id: Id
    marks: Marks


class QuestionModel(PartFields):
    id: Id
    marks: Marks | None = None
    parts: Annotated[list[PartModel], Field(min_length=1)] | None = None


class RuleModel(BaseModel):
    model_config = _STRICT

    best: Annotated[int, Field(strict=True, ge=1)] | None = Field(
        None, description="Only the best this many questions count."
    )


class SectionModel(BaseModel):
    model_config = _STRICT

    id: Id
    title: str
    rule: RuleModel | None = None
    questions: Annotated[list[QuestionModel], Field(min_length=1)]


class ExamInfo(BaseModel):
    model_config = _STRICT

    id: Id
    title: str


class Conventions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    log_base: Literal["e", 10, 2] | None = None


class ExamFile(BaseModel):
    """The whole file, after upgrading to the current schema version."""

    model_config = _STRICT

    schema_version: Annotated[int, Field(strict=True)]
    exam: ExamInfo
    conventions: Conventions = Conventions()
    template: TemplateModel | None = None
    sections: Annotated[list[SectionModel], Field(min_length=1)]


# Which model describes the mapping found under a field, for "did you mean" suggestions.
MODEL_OF_FIELD: dict[str, type[BaseModel]] = {
    "exam": ExamInfo,
    "conventions": Conventions,
    "sections": SectionModel,
    "rule": RuleModel,
    "questions": QuestionModel,
    "parts": PartModel,
    "rubric": CriterionModel,
    "regions": RegionModel,
    "template": TemplateModel,
}

# What a mapping under a field is called in messages.
NOUN_OF_FIELD: dict[str, str] = {
    "exam": "exam",
    "conventions": "conventions",
    "sections": "section",
    "rule": "rule",
    "questions": "question",
    "parts": "part",
    "rubric": "criterion",
    "key": "key",
    "check": "check",
    "regions": "region",
    "template": "template",
}


# --- the JSON Schema for editors -------------------------------------------------------------


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema, saying what the loader accepts: ids and texts may be numbers."""

    def str_schema(self, schema: Any) -> JsonSchemaValue:  # pydantic-core's StringSchema
        written = super().str_schema(schema)
        written["type"] = ["string", "number"]
        return written


def json_schema() -> dict[str, Any]:
    """The exam file's JSON Schema (draft 2020-12), generated from these models.

    Editors (e.g. VS Code's YAML extension) use it to complete and check exam.yaml. What needs
    more than one field (duplicate ids, marks adding up, the params of each key kind) is left
    to `gradewise exam check`.
    """
    schema = ExamFile.model_json_schema(schema_generator=_Generator)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": f"gradewise exam file (schema_version {CURRENT_VERSION})",
    }


def schema_text() -> str:
    """`json_schema` as the file `gradewise exam schema` writes (and the repo keeps)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
