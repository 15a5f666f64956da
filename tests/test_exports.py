"""Golden files for every gradebook export of the bundled example (`pytest --update-goldens`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.workspace import init_workspace, open_workspace

GOLDEN = Path(__file__).parent / "golden" / "exports"
EXPORTS = [
    (("csv", "--format", "wide"), "gradebook-wide.csv"),  # a row per student
    (("csv", "--format", "long"), "gradebook-long.csv"),  # a row per student × part × criterion
    (("canvas",), "canvas.csv"),  # Canvas gradebook import
    (("moodle",), "moodle.csv"),  # Moodle grade import
    (("json",), "results.json"),  # everything, with verdicts
]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_workspace(tmp_path_factory.mktemp("ex") / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    return root


@pytest.mark.parametrize("args, name", EXPORTS)
def test_export_matches_golden(
    example: Path, args: tuple[str, ...], name: str, request: pytest.FixtureRequest
) -> None:
    out = example / "out" / name
    out.parent.mkdir(exist_ok=True)
    result = CliRunner().invoke(
        cli, ["-w", str(example), "export", *args, "--allow-incomplete", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    golden = GOLDEN / name
    if request.config.getoption("--update-goldens"):
        golden.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert out.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")
