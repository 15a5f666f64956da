"""The review app's request bodies: read within a size limit, parsed, held to one model each.

`read(request, Model)` is the one way a route gets its body:
- Content-Type must be application/json (415): a form posted from another site cannot be;
- a body over MAX_BODY is refused (413) before any of it is parsed, by its Content-Length and
  by the bytes actually read (a Content-Length may be missing, or lie);
- it must be UTF-8 JSON, nested no deeper than Python's parser goes, and an object (400);
- its fields are the model's, no others, each of its type (400): strict pydantic models, so
  `true` is no score, "0" no version, and a number too large for SQLite or a float no number.
What a value means for the workspace (a score within the part's marks, a criterion that
exists, an answer's version still current) is checked where it is used: marking, rubric,
student. Every refusal is one line naming the field, what is wrong and what to send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    model_validator,
)
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

from gradewise.review.errors import BadInput

# A mark for a whole group names each answer in about 50 bytes: a mebibyte holds some 20,000.
MAX_BODY = 1024 * 1024
TOO_LARGE = f"the request body is too large (over {MAX_BODY // 2**20} MiB): nothing was changed"
LARGEST_INT = 2**63 - 1  # SQLite's integers
SHOWN = 3  # errors told in one refusal; the rest are counted
# pydantic's words for the errors a client makes most, said as this app says things.
PHRASES = {
    "missing": "missing",
    "extra_forbidden": "unknown field",
    "model_type": "must be an object",
    "list_type": "must be a list",
    "int_type": "must be a whole number",
    "too_short": "must not be empty",
}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{_short(value)} is not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no file or database can hold it
        raise ValueError("the text is not valid UTF-8") from None
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _number(value: Any, blank: tuple[str, ...]) -> float | None:
    """A number, or a number as text; None for null or the `blank` words."""
    if value is None or (isinstance(value, str) and value.strip().lower() in blank):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{_short(value)} is not a number")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{_short(value)} is too large") from None
    except ValueError:
        raise ValueError(f"{_short(value)} is not a number") from None


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 24 else shown[:20] + "…"


Text = Annotated[str, PlainValidator(_text)]
OptionalText = Annotated[str | None, PlainValidator(_optional_text)]
Whole = Annotated[int, Field(ge=0, le=LARGEST_INT)]
# A score: a number, as text too; null or "auto" for the automatic score.
Score = Annotated[float | None, PlainValidator(lambda v: _number(v, ("auto",)))]
# A criterion's marks: a number, as text too; null or "" when unchanged.
Marks = Annotated[float | None, PlainValidator(lambda v: _number(v, ("",)))]
# An adjustment to rubric items: a number, as text too; null or "" for none.
Adjustment = Annotated[float, PlainValidator(lambda v: _number(v, ("",)) or 0.0)]


class Body(BaseModel):
    """A request body: these fields and no others, each of its type."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    example: ClassVar[str] = "{...}"


class AnswerRef(Body):
    """An answer as the page names it: the student's key and the version the page showed."""

    student: Text
    version: Whole


class Mark(Body):
    """POST /part/{address}/mark: one mark for every answer named, either rubric `items` (with
    an adjustment, its reason and a comment) or a plain `score` (null or "auto": none)."""

    example = (
        '{"answers": [{"student": ..., "version": ...}], "items": [...], "adjust": 0,'
        ' "reason": ..., "comment": ..., "why": ...} (or "score": 2.5 instead of items)'
    )
    answers: list[AnswerRef] = Field(min_length=1)
    items: list[Text] | None = None
    adjust: Adjustment = 0.0
    reason: Text = ""
    comment: Text = ""
    score: Score = None
    why: Text = ""

    @model_validator(mode="after")
    def _items_or_score(self) -> Mark:
        given = self.model_fields_set
        if (self.items is None) == ("score" not in given):
            raise ValueError("send either items or score, not both and not neither")
        if self.items is None and given & {"adjust", "reason"}:
            raise ValueError("adjust and reason go with items; a plain score is the mark itself")
        return self


class Accept(Body):
    """POST /part/{address}/accept: the machine's proposal, as rubric items, for each answer."""

    example = '{"answers": [{"student": ..., "version": ...}], "why": ...}'
    answers: list[AnswerRef] = Field(min_length=1)
    why: Text = ""


class GiveComment(Body):
    """POST /part/{address}/comment: comment `number` of the part's library, to each answer."""

    example = '{"answers": [{"student": ..., "version": ...}], "number": 1, "why": ...}'
    answers: list[AnswerRef] = Field(min_length=1)
    number: Whole
    why: Text = ""


class Given(Body):
    """A mark as a reply gave it, sent back to restore it: items, adjustment, reason, comment."""

    items: list[Text] = []
    adjustment: Adjustment = 0.0
    reason: Text = ""
    comment: Text = ""
    by_items: bool = False


class Restore(AnswerRef):
    """An answer to undo, with the mark it had (null: none)."""

    mark: Given | None = None


class Undo(Body):
    """POST /part/{address}/undo: each answer back to its earlier mark."""

    example = '{"answers": [{"student": ..., "version": ..., "mark": {"items": ...} or null}]}'
    answers: list[Restore] = Field(min_length=1)


class Resolve(Body):
    """POST /part/{address}/regrade: the answer to a student's open request, with the mark
    kept, the machine's proposal accepted, or rubric `items` applied (to the version shown)."""

    example = (
        '{"student": ..., "version": ..., "answer": ..., "mark": "keep" | "accept" | "items",'
        ' "items": [...] (with "items" only)}'
    )
    student: Text
    version: Whole
    answer: Text
    mark: Literal["keep", "accept", "items"]
    items: list[Text] | None = None

    @model_validator(mode="after")
    def _items_with_items(self) -> Resolve:
        if (self.items is not None) != (self.mark == "items"):
            raise ValueError('items go with "mark": "items", and only with it')
        return self


class Change(Body):
    """One rubric change: edit a criterion's text, marks or group, add one, delete one."""

    op: Literal["edit", "add", "delete"]
    criterion: Text = ""
    text: OptionalText = None
    marks: Marks = None
    group: OptionalText = None  # an exclusive group; "": out of its group


class RubricEdit(Body):
    """POST /part/{address}/rubric (and /rubric/preview): a change to the version seen."""

    example = '{"version": ..., "change": {"op": "edit", "criterion": ..., "marks": 2}}'
    version: Text
    change: Change
    why: Text = ""


class Move(Body):
    """POST /student/{student}/move: the piece starting at `piece` to `part`."""

    example = '{"piece": ..., "part": ..., "version": ..., "why": ...}'
    piece: Whole
    part: Text
    version: Whole
    why: Text = ""


B = TypeVar("B", bound=Body)


async def read(request: Request, model: type[B]) -> B:
    """The request's body as `model`; else the HTTP error (413, 415, 400) that says why not."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise HTTPException(415, "send the request as JSON (Content-Type: application/json)")
    payload = _parse(await _bytes(request), model)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise _refusal(exc.errors(), model) from None


async def _bytes(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        raise BadInput(f"Content-Length {declared[:20]!r} is not a number of bytes")
    if declared is not None and (len(declared) > 12 or int(declared) > MAX_BODY):
        raise HTTPException(413, TOO_LARGE)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:  # counted as it comes: a Content-Length may be missing or lie
                raise HTTPException(413, TOO_LARGE)
            chunks.append(chunk)
    except ClientDisconnect:
        raise BadInput("the client left before the whole body came") from None
    return b"".join(chunks)


def _parse(raw: bytes, model: type[Body]) -> dict[str, Any]:
    try:
        payload = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise BadInput("the request body is nested too deeply", fix=_send(model)) from None
    except ValueError:  # not UTF-8, not JSON, or a number of more digits than Python reads
        raise BadInput("the request body is not JSON", fix=_send(model)) from None
    if not isinstance(payload, dict):
        raise BadInput("the request body is not a JSON object", fix=_send(model))
    return payload


def _refusal(errors: Sequence[Mapping[str, Any]], model: type[Body]) -> BadInput:
    """One line for what pydantic found: unknown fields first, then the others in order."""
    errors = sorted(errors, key=lambda e: e["type"] != "extra_forbidden")
    said = "; ".join(f"{_where(e['loc'])}: {_what(e)}" for e in errors[:SHOWN])
    more = f" (and {len(errors) - SHOWN} more)" if len(errors) > SHOWN else ""
    return BadInput(said + more, fix=_send(model))


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        else:  # a client's own key: quoted, ASCII, short
            name = step if step.isidentifier() and len(step) <= 30 else json.dumps(step[:30])
            out += f".{name}" if out else name
    return out or "the body"


def _what(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx", {})
    if error["type"] == "value_error":
        return str(ctx.get("error", error["msg"]))
    if error["type"] in ("greater_than_equal", "less_than_equal"):
        return f"must be {'at least' if 'ge' in ctx else 'at most'} {ctx.get('ge', ctx.get('le'))}"
    return PHRASES.get(error["type"], error["msg"])


def _send(model: type[Body]) -> str:
    return f"send {model.example}"
