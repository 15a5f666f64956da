"""The exam file: load and validate (`load_exam`), upgrade old versions, run compute blocks."""

from gradewise.exam.compute import (
    ComputeResult,
    ComputeRun,
    ComputeStatus,
    ExamReport,
    check_exam,
    check_part,
    run_compute,
)
from gradewise.exam.load import UPGRADES, ExamWarning, exam_warnings, load_exam, load_exam_text
from gradewise.exam.schema import CURRENT_VERSION

__all__ = [
    "CURRENT_VERSION",
    "UPGRADES",
    "ComputeResult",
    "ComputeRun",
    "ComputeStatus",
    "ExamReport",
    "ExamWarning",
    "check_exam",
    "check_part",
    "exam_warnings",
    "load_exam",
    "load_exam_text",
    "run_compute",
]
