"""The layers of DESIGN.md that imports could break: judges and reports never import the
measurement harness (`gradewise.measure`). Each module's imports are read with `ast`, those
inside functions and `if TYPE_CHECKING:` included, so no import can hide."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gradewise

PACKAGE = Path(gradewise.__file__).parent


def imported(source: str, module: str) -> set[str]:
    """Every module a source file imports (absolute names; `module` resolves relative ones),
    and for `from X import a` also `X.a`, since `a` may be a submodule."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _absolute(node: ast.ImportFrom, module: str) -> str:
    if not node.level:
        return node.module or ""
    parent = module.split(".")[: -node.level]
    return ".".join([*parent, *([node.module] if node.module else [])])


def forbidden(source: str, module: str, banned: str) -> list[str]:
    """The imports of `source` that reach `banned` or anything inside it."""
    return sorted(n for n in imported(source, module) if n == banned or n.startswith(banned + "."))


def modules(folder: str) -> list[tuple[str, Path]]:
    """(dotted name, path) of every module of a gradewise sub-package."""
    root = PACKAGE / folder
    return [
        ("gradewise." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts), p)
        for p in sorted(root.rglob("*.py"))
    ]


@pytest.mark.parametrize(
    "source, module, hits",
    [
        # a plain import of the package
        ("import gradewise.measure", "gradewise.judges.x", ["gradewise.measure"]),
        # from-import of a submodule
        (
            "from gradewise.measure import figures",
            "gradewise.reports.x",
            ["gradewise.measure", "gradewise.measure.figures"],
        ),
        # from-import of a name inside a submodule, hidden under TYPE_CHECKING
        (
            "if TYPE_CHECKING:\n    from gradewise.measure.graded import read_graded",
            "gradewise.judges.x",
            ["gradewise.measure.graded", "gradewise.measure.graded.read_graded"],
        ),
        # an import inside a function
        (
            "def f():\n    import gradewise.measure.report",
            "gradewise.judges.x",
            ["gradewise.measure.report"],
        ),
        # a relative import from a sibling package
        (
            "from ..measure import report",
            "gradewise.judges.x",
            [
                "gradewise.measure",
                "gradewise.measure.report",
            ],
        ),
        # the package imported by name from gradewise
        ("from gradewise import measure", "gradewise.reports.x", ["gradewise.measure"]),
        # what judges and reports may share with it: the lower modules
        ("from gradewise.model import GradedAnswer", "gradewise.judges.x", []),
        ("from gradewise import metrics", "gradewise.reports.x", []),
        # a name that only begins like it
        ("import gradewise.measurements", "gradewise.judges.x", []),
    ],
)
def test_forbidden_imports_are_found(source: str, module: str, hits: list[str]) -> None:
    assert forbidden(source, module, "gradewise.measure") == hits


@pytest.mark.parametrize("folder", ["judges", "reports"])
def test_judges_and_reports_do_not_import_measurement(folder: str) -> None:
    found = modules(folder)
    assert found, f"no modules under {folder}/"
    bad = {
        name: hits
        for name, path in found
        if (hits := forbidden(path.read_text(encoding="utf-8"), name, "gradewise.measure"))
    }
    assert bad == {}, "judges and reports must not import gradewise.measure (DESIGN.md)"
