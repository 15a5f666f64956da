"""An exam workspace: a folder with exam.yaml, scripts/, gradewise.db and exports/.

This module runs the stages in order (ingest → segment → grade → score) over a workspace; the
CLI and the review app are thin layers over it.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import random
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradewise.errors import WorkspaceError
from gradewise.judges.registry import (
    Configurable,
    Example,
    Judge,
    JudgeItem,
    Selector,
    judges,
)
from gradewise.model import UNREAD_PAGE, Answer, Exam, PartGrade, Result, Script, Section, Status
from gradewise.privacy import Identity, part_words, scrub
from gradewise.scoring import results, skipped
from gradewise.store import ScriptPage, ScriptRegion, Store, open_store

# Imported where used, so that a command loads only what it needs (a read-only command starts
# fast): grading, segmentation, ingest and the review queue's order.
if TYPE_CHECKING:
    from gradewise.scripts.gather import Gathered
    from gradewise.scripts.ingest import Roster
    from gradewise.scripts.pages import PageImage
    from gradewise.scripts.segment import Segmentation
    from gradewise.scripts.templated import Carried
    from gradewise.scripts.transcribe import Transcriber

EXAM_FILE = "exam.yaml"
DB_FILE = "gradewise.db"
PAGES_DIR = "pages"  # page images of scanned scripts, <sha256>.png

STARTER_EXAM = """\
schema_version: 1
exam: {id: my-exam, title: "My exam"}
sections:
  - id: I
    title: Short questions
    questions:
      - id: "1"
        marks: 2
        prompt: "Which activation is zero-centred? (a) ReLU (b) tanh (c) sigmoid"
        key: {kind: choice, options: {a: ReLU, b: tanh, c: sigmoid}, correct: [b]}
"""


@dataclass(frozen=True)
class AddReport:
    student: str
    source: str
    status: str
    error: str = ""  # why it was not stored, or (stored) which pages could not be read
    why: str = ""  # why it was held for a human
    note: str = ""  # what became of a human's moves of a re-cut scan's boxes


class Workspace:
    """One exam's folder and database."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.exam_path = root / EXAM_FILE
        self._transcriber: Transcriber | None = None
        if not self.exam_path.is_file():
            raise WorkspaceError(
                f"no {EXAM_FILE} in {root}",
                fix="run 'gradewise init DIR' to make a workspace, or pass -w DIR",
            )

    @cached_property
    def exam(self) -> Exam:
        """The exam file, read and validated in full only when it changed (see exam_cache)."""
        from gradewise.exam_cache import load_exam_cached

        return load_exam_cached(self.exam_path)

    @cached_property
    def store(self) -> Store:
        return open_store(self.root / DB_FILE)

    @property
    def exports(self) -> Path:
        path = self.root / "exports"
        path.mkdir(exist_ok=True)
        return path

    def add_scripts(
        self,
        paths: Iterable[Path],
        roster_path: Path | None = None,
        *,
        engine: str = "tesseract",
        replace: bool = False,
    ) -> list[AddReport]:
        """Ingest script files — text, PDFs, scans (OCR through `engine`) — matched to the
        roster when there is one (raw text kept unchanged), and segment them. A file for a
        student who has a script from another file is held for a human unless `replace`."""
        from gradewise.scripts.ingest import read_roster

        roster = read_roster(roster_path) if roster_path else None
        found = self.gather_scripts(paths, roster, engine=engine, replace=replace)
        return self.store_scripts(found, roster)

    def gather_scripts(
        self,
        paths: Iterable[Path],
        roster: Roster | None = None,
        *,
        engine: str = "tesseract",
        replace: bool = False,
        transcribe: bool = False,
        on_start: Callable[[int], None] | None = None,
        on_file: Callable[[Path], None] | None = None,
    ) -> Gathered:
        """Read script files for this workspace, nothing stored yet (`gather`): held against
        the scripts it already has, its own files known wherever the workspace now lies.
        `transcribe`: pages are read by the vision model of gradewise.toml's [transcribe].
        Scans are cut by the exam's blank paper when exam.yaml has a template; `on_start` and
        `on_file` report progress (`gather`)."""
        from gradewise.scripts.gather import gather  # PDF and OCR readers: only when adding
        from gradewise.scripts.templated import load_paper

        stored = self.store.scripts()
        reader = self.transcriber() if transcribe else None
        paper = load_paper(self.exam, self.root / PAGES_DIR)
        return gather(
            paths,
            roster,
            engine=engine,
            stored=stored,
            replace=replace,
            root=self.root,
            transcriber=reader,
            paper=(paper, self.exam) if paper else None,
            on_start=on_start,
            on_file=on_file,
        )

    def transcriber(self) -> Transcriber:
        """The vision model configured in gradewise.toml's [transcribe] (an error if none)."""
        from gradewise.scripts.transcribe import Transcriber, load_settings

        if self._transcriber is None:
            self._transcriber = Transcriber(*load_settings(self.root), self.root)
        return self._transcriber

    def page_path(self, image: str) -> Path:
        """Where the page image with this SHA-256 lies in the workspace."""
        return self.root / PAGES_DIR / f"{image}.png"

    def store_scripts(
        self, found: Gathered, roster: Roster | None = None, *, who: str = ""
    ) -> list[AddReport]:
        """Store what `gather` read (a script held for a human is not stored) and segment;
        `who` is named in the audit log beside the human moves a new version undid."""
        reports = [AddReport("", source, "error", message) for source, message in found.errors]
        for script in found.scripts:
            email = roster.email(script.student) if roster else ""
            # A text file has no pages: one replacing a scan (its transcription) drops its images.
            pages = self.save_pages(found.pages.get(script.source, ()))
            regions = [
                ScriptRegion(box.address, box.start, box.end, self._saved(box.image), box.flag)
                for box in found.boxes.get(script.source, ())
            ]
            carried = self._carried(script.student, regions)
            status = self.store.add_script(
                script,
                email=email,
                pages=pages,
                regions=regions,
                moves=carried.kept if carried else None,
                dropped=carried.dropped if carried else (),
                who=who or getpass.getuser(),
            )
            unread = [f"page {n}: {p.error}" for n, p in enumerate(pages, 1) if p.error]
            note = carried.note if carried and status != "unchanged" else ""
            reports.append(
                AddReport(script.student, script.source, status, "; ".join(unread), note=note)
            )
        reports += [
            AddReport(m.student or m.claimed, m.source, "held for a human", why=m.how)
            for m in found.held
        ]
        self.segment_all()
        return sorted(reports, key=lambda r: r.source)

    def _carried(self, student: str, regions: Sequence[ScriptRegion]) -> Carried | None:
        """The human moves of a cut scan's boxes, carried to the boxes cut now (None: the
        stored script was not cut, so its moves go as they always have)."""
        old = self.store.regions(student)
        if not old:
            return None
        from gradewise.scripts.templated import carried_moves

        def spots(found: Sequence[ScriptRegion]) -> list[tuple[str, int, int]]:
            return [(r.address, r.start, r.end) for r in found]

        return carried_moves(spots(old), spots(regions), self.store.overrides(student))

    def save_pages(self, images: Sequence[PageImage]) -> list[ScriptPage]:
        """Write each page image once (by its hash; a whole file or none), for the store."""
        for image in images:
            path = self.page_path(image.sha256)
            if not path.is_file():
                path.parent.mkdir(exist_ok=True)
                partial = path.with_suffix(".part")
                partial.write_bytes(image.png)
                partial.replace(path)
        return [ScriptPage(image.sha256, image.error) for image in images]

    def _saved(self, image: PageImage | None) -> str:
        """The stored image's SHA-256 ("" for none)."""
        return self.save_pages([image])[0].image if image is not None else ""

    def segmentation(self, student: str) -> Segmentation:
        script = self.store.script(student)
        if script is None:
            raise WorkspaceError(
                f"no script for student {student!r}", fix="see 'gradewise scripts list'"
            )
        return self._segment(script)

    def _segment(self, script: Script) -> Segmentation:
        from gradewise.scripts.segment import segment

        overrides = self.store.overrides(script.student)
        identity = (script.student, script.name)  # lines naming the student are no answer
        regions = self.store.regions(script.student)
        if regions:  # a scan cut by the exam's template: its boxes are its pieces
            from gradewise.scripts.templated import by_regions

            boxes = [(r.address, r.start, r.end, r.flag) for r in regions]
            return by_regions(script.text, self.exam, boxes, overrides=overrides, identity=identity)
        return segment(script.text, self.exam, overrides=overrides, identity=identity)

    def segment_all(self) -> None:
        """Re-split every script against the current exam (cheap), keeping human overrides;
        only students whose answers changed are written (each write is a transaction)."""
        stored: dict[str, list[Answer]] = {}
        for answer in self.store.answers():
            stored.setdefault(answer.student, []).append(answer)
        unread = self.store.page_errors()
        for script in self.store.scripts():
            answers = self._segment(script).answers(script.student)
            if script.student in unread:
                answers = _flag_unread(answers, unread[script.student])
            if _by_address(answers) != _by_address(stored.get(script.student, [])):
                self.store.save_answers(script.student, answers)

    def grade(
        self,
        *,
        part: str | None = None,
        judge: str | Judge | None = None,
        on_start: Callable[[int], None] | None = None,
        on_progress: Callable[[Sequence[PartGrade]], None] | None = None,
    ) -> int:
        """Grade what changed since the last run; returns how many answers were graded.

        `judge` is a judge id, or a judge already made by `configured_judge`; `on_progress`
        gets each batch of grades once it is stored.
        """
        self.segment_all()
        answers = self.store.answers()
        if part is not None:
            part = self.check_part(part)
            answers = [a for a in answers if a.address == part]
        from gradewise import grading
        from gradewise.judges._embed import keeping  # numpy: only when grading

        chosen = self.configured_judge(judge) if judge is None or isinstance(judge, str) else judge
        examples = self.examples() if chosen else {}
        jobs = grading.plan(
            self.exam, answers, self._previous(chosen), judge=chosen, examples=examples
        )
        if on_start:
            on_start(len(jobs))
        done = 0
        # Sentence vectors and model scores are kept in the workspace: a rerun recomputes none.
        with keeping(self.store):
            people = self.identities()
            for chunk in grading.run(jobs, judge=chosen, examples=examples, identities=people):
                done += self.store.save_grades(chunk)
                if on_progress:
                    on_progress([grade for grade, _ in chunk])
        return done

    @staticmethod
    def judge(judge_id: str | None) -> Judge | None:
        """The free-text judge by id (None: free text waits for a human)."""
        if judge_id is None or judge_id == "none":
            return None
        found = judges().get(judge_id)
        if found is None:
            known = ", ".join(["none", *judges().ids()])
            raise WorkspaceError(f"no judge {judge_id!r}", fix=f"use one of: {known}")
        return found

    def configured_judge(self, judge_id: str | None, **options: Any) -> Judge | None:
        """The judge by id, given this workspace's settings when it needs them (gradewise.toml).

        `options` (e.g. samples=3) override the file's; a judge without settings takes none.
        """
        found = self.judge(judge_id)
        if isinstance(found, Configurable):
            return found.configured(self.root, options)
        given = [k for k, v in options.items() if v is not None]
        if found is not None and given:
            raise WorkspaceError(
                f"the {found.id} judge has no setting {given[0]!r}",
                fix="leave the option out, or use --judge llm (or hybrid)",
            )
        return found

    def judge_items(self, *, part: str | None = None, judge: Judge) -> list[JudgeItem]:
        """What `grade` would give the judge now, without grading (a dry run)."""
        from gradewise import grading

        self.segment_all()
        answers = self.store.answers()
        if part is not None:
            part = self.check_part(part)
            answers = [a for a in answers if a.address == part]
        examples = self.examples()
        jobs = grading.plan(
            self.exam, answers, self._previous(judge), judge=judge, examples=examples
        )
        return grading.judge_items(jobs, judge, examples, self.identities())

    def _previous(self, judge: Judge | None) -> dict[tuple[str, str], str]:
        """Input hashes of the stored grades, less those where this judge failed (status
        error, e.g. an LLM endpoint that could not be reached): those are tried again."""
        previous = self.store.input_hashes()
        if judge is not None:
            by = f"{judge.id}@{judge.version}"
            for g in self.store.grades(exam=self.exam):
                if any(v.status is Status.ERROR and v.produced_by == by for v in g.verdicts):
                    previous.pop((g.student, g.address), None)
        return previous

    def identities(self) -> dict[str, Identity]:
        """Each student as the roster knows them: what judges never see (gradewise.privacy)."""
        emails = self.store.emails()
        return {s: Identity(s, name, emails.get(s, "")) for s, name in self.store.names().items()}

    def examples(self) -> dict[str, tuple[Example, ...]]:
        """Per part, the answers a human has marked, as lessons for the judges (each scrubbed of
        its writer's name, id and email, as the answers judged are); and under `address#item`
        (grading.label_key), each rubric item's labels from the marks that apply items."""
        from gradewise.grading import label_key
        from gradewise.judges._items import ItemMark, item_labels

        marks = {p.address: p.marks for p in self.exam.parts()}
        texts = {(a.student, a.address): a.text for a in self.store.answers()}
        people, parts = self.identities(), {p.address: p for p in self.exam.parts()}
        found: dict[str, list[Example]] = {}
        by_items: dict[str, list[ItemMark]] = {}
        unseen = self._unseen_items()
        for g in self.store.grades(exam=self.exam):
            text = texts.get((g.student, g.address), "")
            if g.manual_score is not None and text.strip() and marks.get(g.address):
                who = people.get(g.student) or Identity(g.student)
                seen = scrub(text, who, keep=part_words(parts[g.address])).text
                found.setdefault(g.address, []).append(
                    Example(seen, g.manual_score / marks[g.address])
                )
                if g.mark is not None and g.mark.by_items:
                    hidden = unseen.get((g.student, g.address), frozenset())
                    by_items.setdefault(g.address, []).append(ItemMark(seen, g.mark, hidden))
        # Sorted, so the same marks always give the same lesson (and the same content hash).
        lessons = {
            a: tuple(sorted(e, key=lambda x: (x.answer, x.fraction))) for a, e in found.items()
        }
        for address, marked in by_items.items():
            for item, labels in item_labels(parts[address], marked).items():
                lessons[label_key(address, item)] = labels
        return lessons

    def _unseen_items(self) -> dict[tuple[str, str], frozenset[str]]:
        """(student, part) → the items added to the part's rubric (`gradewise rubric add`, the
        review page) after that answer was last marked: its grader never saw them. An item
        written into exam.yaml by hand leaves no trace, and counts as seen."""
        added: dict[str, dict[str, int]] = {}  # part → item → when it was (last) added
        for event in self.store.events(student=""):
            if event.kind == "rubric.add" and event.new:
                item = json.loads(event.new)["id"]
                added.setdefault(event.address, {})[item] = event.id
        out: dict[tuple[str, str], frozenset[str]] = {}
        for address, items in added.items():
            marked: dict[str, int] = {}
            for event in self.store.events(address=address):
                if event.kind == "grade.set":
                    marked[event.student] = event.id
            for student, at in marked.items():
                out[(student, address)] = frozenset(i for i, when in items.items() if when > at)
        return out

    def results(self) -> list[Result]:
        return results(self.exam, self.store.grades(exam=self.exam), self.store.scripts())

    def queue(self, part: str | None = None) -> list[PartGrade]:
        """Answers waiting for a human, the highest expected gain first (see gradewise.gain:
        marks at stake × how unsure × answers like it waiting), then the most marks.

        Parts of optional questions a student rightly skipped are not in the queue.
        """
        waiting = self._waiting(part)
        gains = self.expected_gains(waiting)
        marks = {p.address: p.marks for p in self.exam.parts()}
        return sorted(
            waiting,
            key=lambda g: (
                -gains[(g.student, g.address)],
                -marks.get(g.address, 0),
                g.address,
                g.student,
            ),
        )

    def suggest(self, part: str, n: int = 5, *, judge: str | None = "learned") -> list[Answer]:
        """The part's answers a human should mark next: those that teach the judge most.

        A judge with a `select` hook chooses (the similarity judges: the centres of the largest
        groups of answers alike in meaning not yet near a marked one); otherwise one answer of
        each group of answers that read the same, the largest groups first, skipping groups a
        human has already marked in. Blank answers are never suggested.
        """
        part = self.check_part(part)
        answers = sorted(
            (a for a in self.store.answers(address=part) if a.text.strip()), key=lambda a: a.student
        )
        done = {g.student for g in self.grades(address=part) if g.manual_score is not None}
        marked = [i for i, a in enumerate(answers) if a.student in done]
        chosen = self.judge(judge)
        if isinstance(chosen, Selector):
            from gradewise.judges._embed import keeping

            with keeping(self.store):
                picks = chosen.select([a.text for a in answers], n, random.Random(0), marked)
            return [answers[i] for i in picks]
        from gradewise.groups import group_answers

        groups = [g for g in group_answers(answers) if not {a.student for a in g.answers} & done]
        return [g.answers[0] for g in groups[:n]]

    def expected_gains(self, waiting: Sequence[PartGrade]) -> Mapping[tuple[str, str], float]:
        """(student, part) → expected gain of a human looking at that waiting answer."""
        from gradewise.gain import expected_gains

        return expected_gains(self.exam, waiting, self.store.answers())

    def _waiting(self, part: str | None) -> list[PartGrade]:
        by_student: dict[str, dict[str, PartGrade]] = {}
        for grade in self._grades_around(part):
            by_student.setdefault(grade.student, {})[grade.address] = grade
        waiting = []
        for grades in by_student.values():
            left_out = skipped(self.exam, grades)
            waiting += [g for a, g in grades.items() if g.pending and a not in left_out]
        if part is not None:
            waiting = [g for g in waiting if g.address == part]
        return waiting

    def _grades_around(self, part: str | None) -> list[PartGrade]:
        """Every grade, or for one part those of its section: whether a student rightly
        skipped an optional question depends on that section only (one page, one part)."""
        if part is None:
            return self.store.grades(exam=self.exam)
        section = next((s for s in self.exam.sections if _holds(s, part)), None)
        if section is None:
            return self.store.grades(address=part, exam=self.exam)
        addresses = [p.address for q in section.questions for p in q.parts]
        return [g for a in addresses for g in self.store.grades(address=a, exam=self.exam)]

    def grades(self, student: str | None = None, address: str | None = None) -> list[PartGrade]:
        return self.store.grades(student, address, exam=self.exam)

    def check_student(self, student: str) -> None:
        if self.store.script(student) is None:
            raise WorkspaceError(
                f"no script for student {student!r}", fix="see 'gradewise scripts list'"
            )

    def check_part(self, label: str) -> str:
        """The address of the part `label` names (`II.7.a`, `7a`, `Q7 (a)`), or a user error
        naming the parts there are (scripts.segment.part_named: the one resolver)."""
        from gradewise.scripts.segment import part_named

        return part_named(self.exam, label)


def _flag_unread(answers: Sequence[Answer], pages: Sequence[tuple[int, str]]) -> tuple[Answer, ...]:
    """Every answer of a script with unread pages goes to a human: any may be on them."""
    numbers = ", ".join(str(number) for number, _ in pages)
    flag = f"page {numbers} of the scan {UNREAD_PAGE} ({pages[0][1]}): check the scan"
    return tuple(dataclasses.replace(answer, flag=flag) for answer in answers)


def _by_address(answers: Iterable[Answer]) -> dict[str, Answer]:
    return {a.address: a for a in answers}


def open_workspace(root: Path) -> Workspace:
    return Workspace(root.resolve())


def init_workspace(root: Path, *, example: bool = False) -> Path:
    """Create a workspace folder; with `example`, copy the bundled example exam and scripts."""
    if (root / EXAM_FILE).exists():
        raise WorkspaceError(f"{root / EXAM_FILE} already exists", fix="choose an empty folder")
    root.mkdir(parents=True, exist_ok=True)
    (root / "scripts").mkdir(exist_ok=True)
    (root / "exports").mkdir(exist_ok=True)
    if not example:
        (root / EXAM_FILE).write_text(STARTER_EXAM, encoding="utf-8")
        return root
    source = resources.files("gradewise") / "example"
    with resources.as_file(source) as folder:
        shutil.copy(folder / EXAM_FILE, root / EXAM_FILE)
        shutil.copy(folder / "roster.csv", root / "roster.csv")
        for script in sorted((folder / "scripts").iterdir()):
            shutil.copy(script, root / "scripts" / script.name)
    return root


def _holds(section: Section, address: str) -> bool:
    """Whether `address` is a part of `section`."""
    return any(p.address == address for q in section.questions for p in q.parts)
