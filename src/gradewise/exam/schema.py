"""The exam file's shape (schema version 1) as pydantic models: the edge, never the domain.

These models check field names, required fields and types. Everything that needs more than
one field at a time (duplicate ids, marks that must add up, kinds known to the registry) is
checked by `load.py`, which then builds the frozen domain values of `gradewise.model`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

CURRENT_VERSION = 1

# Ids may be written as numbers (`id: 7`); they are read as strings.
_STRICT = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


def _non_zero(value: float) -> float:
    if value == 0:
        raise ValueError("a criterion's marks must not be zero")
    return value


# strict: "5" or `true` is not a number of marks.
Marks = Annotated[float, Field(strict=True, gt=0)]
CriterionMarks = Annotated[float, Field(strict=True), AfterValidator(_non_zero)]
Where = Literal["final", "anywhere"]
Id = Annotated[str, Field(min_length=1)]


class KeyModel(BaseModel):
    """A key or a criterion's check: `kind`, `where`, and the kind's own params (extra)."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    kind: str
    where: Where = "final"

    def params(self) -> dict[str, Any]:
        """The kind's own params, as written (without kind and where)."""
        return dict(self.model_extra or {})


class CriterionModel(BaseModel):
    model_config = _STRICT

    id: Id
    text: str
    marks: CriterionMarks
    check: KeyModel | None = None
    group: str | None = None


class PartFields(BaseModel):
    """What a part says; a question without `parts` says it directly."""

    model_config = _STRICT

    prompt: str = ""
    kind: str | None = None
    key: KeyModel | None = None
    rubric: list[CriterionModel] = []
    reference: str = ""
    guidance: str = ""
    compute: str | None = None
    review_below: Annotated[float, Field(ge=0, le=1)] = 0.8


class PartModel(PartFields):
    id: Id
    marks: Marks


class QuestionModel(PartFields):
    id: Id
    marks: Marks | None = None
    parts: Annotated[list[PartModel], Field(min_length=1)] | None = None


class RuleModel(BaseModel):
    model_config = _STRICT

    best: Annotated[int, Field(strict=True, ge=1)] | None = None


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
}
