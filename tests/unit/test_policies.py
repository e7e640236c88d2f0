"""Policy data is validated at load; applications are resolved against it."""

from datetime import date

import pytest
from pydantic import ValidationError

from domain.application import Application
from domain.catalogue import Department, MatterDefinition, Park, PolicyPack
from policies.registry import PACKS, ApplicationProblem, resolve_matters
from tests.support.driver import application


def _pack(*matters: MatterDefinition) -> PolicyPack:
    return PolicyPack(
        jurisdiction="TT",
        name="测试",
        parks=[Park(code="p", name="园区", county="县")],
        departments=[Department(code="d", name="部门", county="县", function="f")],
        matters=list(matters),
    )


def _matter(code: str, *depends_on: str, **fields: object) -> MatterDefinition:
    return MatterDefinition(
        code=code, name=code, function="f", depends_on=list(depends_on), **fields
    )


def test_the_bozhou_pack_loads() -> None:
    pack = PACKS["BZ"]
    assert len(pack.parks) == 5
    assert pack.matter("food-licence").depends_on == ["enterprise-registration"]


def test_unknown_dependency_is_refused() -> None:
    with pytest.raises(ValidationError, match="depends on unknown matter ghost"):
        _pack(_matter("a", "ghost"))


def test_dependency_cycle_is_refused() -> None:
    with pytest.raises(ValidationError, match="dependency cycle: a -> b -> c -> a"):
        _pack(_matter("a", "b"), _matter("b", "c"), _matter("c", "a"))


def test_promise_above_statute_is_refused() -> None:
    with pytest.raises(ValidationError, match="promised limit exceeds"):
        _matter("a", limit_days=20, promised_days=25)


def test_matter_without_a_department_function_is_refused() -> None:
    with pytest.raises(ValidationError, match="no department has function g"):
        _pack(MatterDefinition(code="a", name="a", function="g"))


def test_resolution_routes_to_the_park_county_and_keeps_in_case_dependencies() -> None:
    jinghe = Application.model_validate(
        application(park="jinghe-ip", matters=["food-licence", "land-planning-permit"])
    )
    resolved = {m.code: m for m in resolve_matters(jinghe)}
    assert resolved["food-licence"].department.name == "精河县市场监督管理局"
    # enterprise-registration and project-filing are not entrusted: settled outside the case.
    assert resolved["food-licence"].definition.depends_on == []
    assert resolved["land-planning-permit"].definition.depends_on == []
    both = Application.model_validate(
        application(matters=["enterprise-registration", "food-licence"])
    )
    assert {m.code: m.definition.depends_on for m in resolve_matters(both)}["food-licence"] == [
        "enterprise-registration"
    ]


def test_unknown_park_is_a_named_problem() -> None:
    unknown = Application.model_validate(application(park="atlantis"))
    with pytest.raises(ApplicationProblem, match="没有编码为atlantis的园区"):
        resolve_matters(unknown)
    assert date(2026, 11, 1) == unknown.period.start
