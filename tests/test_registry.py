"""The one extension point: built-ins and a third-party plugin register the same way."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gradewise import hookspecs
from gradewise.checkers.registry import Checker, Registry, SimpleChecker
from gradewise.hookspecs import hookimpl
from gradewise.judges.registry import Forecaster, Learner, Selector, judges
from gradewise.model import Key, Outcome, Status
from gradewise.plugins import BUILTIN, plugin_manager


class Colour(SimpleChecker):
    kind = "colour"
    version = "1"

    def check(self, answer: str, key: Key) -> Outcome:
        met = key.params["value"] in answer.lower()
        return Outcome(Status.MET if met else Status.NOT_MET, 1.0 if met else 0.0)


class ThirdParty:
    @hookimpl
    def register_checkers(self, register: Callable[[Checker], None]) -> None:
        register(Colour())


def test_builtins_register_through_the_hook() -> None:
    pm = plugin_manager(entry_points=False)
    assert {name for name, _ in pm.list_name_plugin()} >= set(BUILTIN)
    reg = Registry()
    pm.hook.register_checkers(register=reg.register)
    assert reg.kinds() == ["choice", "expression", "numeric", "truefalse"]


def test_a_plugin_adds_a_checker_the_same_way() -> None:
    reg = Registry()
    plugin_manager(entry_points=False).hook.register_checkers(register=reg.register)
    ThirdParty().register_checkers(reg.register)
    checker = reg.get("colour")
    assert isinstance(checker, Checker)
    assert checker.check("It is RED", Key("colour", {"value": "red"})).status is Status.MET


def test_two_checkers_for_one_kind_is_an_error() -> None:
    reg = Registry()
    reg.register(Colour())
    with pytest.raises(ValueError, match="two checkers registered as 'colour'"):
        reg.register(Colour())


def test_every_hook_is_documented() -> None:
    # Like a plugin author would read them: each hook has a one-line docstring.
    hooks = [h for h in vars(hookspecs).values() if callable(h) and hasattr(h, "gradewise_spec")]
    assert hooks and all((h.__doc__ or "").strip() for h in hooks)


@pytest.mark.parametrize(
    "judge_id, hooks",
    [
        # word overlap: learns only from the part's own marks, chooses nothing
        ("lexical", set()),
        # embeddings: chooses which answers to mark first, forecasts its coverage
        ("similarity", {"Selector", "Forecaster"}),
        # the learned judge also refits on a data set's graded answers
        ("learned", {"Selector", "Forecaster", "Learner"}),
    ],
)
def test_optional_judge_hooks_live_in_the_registry(judge_id: str, hooks: set[str]) -> None:
    # Every optional hook a judge may offer is declared in judges/registry.py, beside Judge.
    judge = judges().get(judge_id)
    offered = {
        name
        for name, hook in (("Selector", Selector), ("Forecaster", Forecaster), ("Learner", Learner))
        if isinstance(judge, hook)
    }
    assert offered == hooks
