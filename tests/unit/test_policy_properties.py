"""Property tests of the jurisdictions' rules: 鄂尔多斯 routing, 和硕 eligibility and the
昌吉 critical path, over generated inputs."""

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.critical_path import PlannedMatter, critical_path
from domain.eligibility import (
    Applicant,
    ApprovalLevel,
    EligibilityFacts,
    EligibilityRules,
    MatterKind,
    Restriction,
    assess,
)
from domain.routing import DomainRoute, Routing
from policies.registry import PACKS

ORDOS = PACKS["ORD"]

# --- 鄂尔多斯 routing ----------------------------------------------------------------------

ROUTING = ORDOS.routing
assert ROUTING is not None
SEED_TABLE = {
    "发改": "发展规划局",
    "工信": "发展规划局",
    "能源": "发展规划局",
    "生态环境": "建设管理局",
    "住建": "建设管理局",
    "应急管理": "建设管理局",
    "市政公用": "建设管理局",
    "商务": "投资促进局",
    "科技": "科技人才局",
    "自然资源": "自然资源分局",
    "林草": "自然资源分局",
    "市场监管": "政务服务局",
    "行政审批": "政务服务局",
    "政务服务": "政务服务局",
}
offices = st.one_of(st.none(), st.sampled_from(["office-a", "office-b"]))


def _name(code: str) -> str:
    department = ORDOS.department(code)
    assert department is not None
    return department.name.removeprefix("高新区")


@given(st.sampled_from(sorted(SEED_TABLE)), offices)
def test_every_listed_domain_goes_to_its_department_whatever_the_project(
    domain: str, office: str | None
) -> None:
    assert _name(ROUTING.department_for(domain, office)) == SEED_TABLE[domain]


@given(st.text(min_size=1, max_size=6).filter(lambda d: d not in SEED_TABLE), offices)
def test_any_other_domain_stays_with_the_projects_office(domain: str, office: str | None) -> None:
    assert ROUTING.department_for(domain, office) == (office or "ordos-industry-office")


def test_a_domain_routed_twice_is_refused_at_load() -> None:
    with pytest.raises(ValueError, match="domain 商务 routed to both"):
        Routing(
            routes=[
                DomainRoute(domains=["商务"], department="投资促进局"),
                DomainRoute(domains=["商务"], department="政务服务局"),
            ],
            fallback="产业管理办公室",
        )


# --- 和硕 eligibility ----------------------------------------------------------------------

RULES = EligibilityRules()
facts = st.builds(
    EligibilityFacts,
    applicant=st.sampled_from(Applicant),
    mobility_impaired=st.booleans(),
    matters=st.dictionaries(
        st.sampled_from(["甲", "乙", "丙", "丁"]), st.sampled_from(MatterKind), min_size=1
    ),
    investment_wan_yuan=st.decimals(min_value=0, max_value=100_000, places=2),
    approval_level=st.one_of(st.none(), st.sampled_from(ApprovalLevel)),
    in_industrial_policy=st.booleans(),
    restrictions=st.lists(st.sampled_from(Restriction), unique=True, max_size=2),
    listed_major_project=st.booleans(),
)


@given(facts)
def test_refused_exactly_when_a_reason_is_given(case: EligibilityFacts) -> None:
    result = assess(RULES, case)
    assert result.eligible == (result.reasons == [])
    assert all(any(name in reason for name in case.matters) for reason in result.reasons)


@given(facts)
def test_a_project_only_case_is_eligible_exactly_by_ground_3_or_4(case: EligibilityFacts) -> None:
    case = case.model_copy(update={"matters": {"立项": MatterKind.PROJECT}})
    ground_3 = (
        case.approval_level is ApprovalLevel.COUNTY
        and case.investment_wan_yuan >= 500
        and case.in_industrial_policy
        and not case.restrictions
    )
    assert assess(RULES, case).eligible == (ground_3 or case.listed_major_project)


@given(facts, st.decimals(min_value=0, max_value=10_000, places=2))
def test_more_investment_never_makes_a_case_ineligible(
    case: EligibilityFacts, more: Decimal
) -> None:
    richer = case.model_copy(update={"investment_wan_yuan": case.investment_wan_yuan + more})
    assert assess(RULES, richer).eligible or not assess(RULES, case).eligible


@given(facts, st.sampled_from(Restriction))
def test_a_restriction_never_makes_a_case_eligible(
    case: EligibilityFacts, restriction: Restriction
) -> None:
    restricted = case.model_copy(update={"restrictions": [*case.restrictions, restriction]})
    assert not assess(RULES, restricted).eligible or assess(RULES, case).eligible


def test_the_reason_names_what_is_wrong() -> None:
    result = assess(
        RULES,
        EligibilityFacts(
            applicant=Applicant.ENTERPRISE,
            matters={"企业投资项目核准": MatterKind.PROJECT, "企业设立登记": MatterKind.TAX},
            investment_wan_yuan=Decimal("300"),
            approval_level=ApprovalLevel.COUNTY,
            restrictions=[Restriction.HIGH_ENERGY],
        ),
    )
    assert result.reasons == [
        "“企业投资项目核准”不属于帮代办范围：投资额300万元，低于500万元；属于高耗能项目，"
        "且未列入区、州、县重点项目"
    ]


# --- 昌吉 critical path --------------------------------------------------------------------


@st.composite
def matter_graphs(draw: st.DrawFn) -> list[PlannedMatter]:
    """An acyclic graph: a matter may only depend on matters listed before it."""
    size = draw(st.integers(1, 9))
    matters: list[PlannedMatter] = []
    for n in range(size):
        earlier = [m.code for m in matters]
        depends = draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else []
        matters.append(
            PlannedMatter(code=f"m{n}", days=draw(st.integers(0, 60)), depends_on=depends)
        )
    return draw(st.permutations(matters))


@settings(max_examples=200)
@given(matter_graphs())
def test_the_critical_path_is_a_chain_whose_days_add_up_to_the_total(
    matters: list[PlannedMatter],
) -> None:
    result = critical_path(matters)
    by_code = {m.code: m for m in matters}
    assert sum(by_code[code].days for code in result.path) == result.total_days
    for before, after in zip(result.path, result.path[1:], strict=False):
        assert before in by_code[after].depends_on
    assert result.total_days >= max(m.days for m in matters)
    for matter in matters:  # no matter finishes before its dependencies plus itself
        start = max((result.finish_day[d] for d in matter.depends_on), default=0)
        assert result.finish_day[matter.code] == start + matter.days


@given(matter_graphs(), st.data())
def test_adding_a_dependency_never_shortens_the_case(
    matters: list[PlannedMatter], data: st.DataObject
) -> None:
    order = {m.code: n for n, m in enumerate(sorted(matters, key=lambda m: int(m.code[1:])))}
    assume(len(matters) >= 2)
    first, second = sorted(
        data.draw(st.lists(st.sampled_from(list(order)), min_size=2, max_size=2, unique=True)),
        key=order.get,
    )
    longer = [
        m.model_copy(update={"depends_on": [*m.depends_on, first]}) if m.code == second else m
        for m in matters
    ]
    assert critical_path(longer).total_days >= critical_path(matters).total_days


def test_a_chain_takes_the_sum_and_parallel_matters_the_longest() -> None:
    chain = [
        PlannedMatter(code="立项", days=5),
        PlannedMatter(code="用地", days=20, depends_on=["立项"]),
        PlannedMatter(code="规划", days=20, depends_on=["用地"]),
        PlannedMatter(code="环评", days=30),
        PlannedMatter(code="施工", days=7, depends_on=["规划", "环评"]),
    ]
    result = critical_path(chain)
    assert (result.total_days, result.path) == (52, ["立项", "用地", "规划", "施工"])
    assert result.over_budget(100) == 0 and result.over_budget(40) == 12


def test_a_routed_pack_is_validated_at_load() -> None:
    data = ORDOS.model_dump()
    broken = {**data["routing"], "fallback": "ordos-nowhere"}
    with pytest.raises(ValueError, match="routing names unknown department ordos-nowhere"):
        type(ORDOS).model_validate({**data, "routing": broken})
    undomained = [
        {**m, "domain": None} if m["code"] == "water-permit" else m for m in data["matters"]
    ]
    with pytest.raises(ValueError, match="routing needs a domain for water-permit"):
        type(ORDOS).model_validate({**data, "matters": undomained})


@given(matter_graphs(), st.data())
def test_a_decided_matter_finishes_when_it_did_and_its_dependants_follow(
    matters: list[PlannedMatter], data: st.DataObject
) -> None:
    decided = data.draw(st.sampled_from([m.code for m in matters]))
    day = data.draw(st.integers(0, 200))
    actual = [
        m.model_copy(update={"finished_day": day}) if m.code == decided else m for m in matters
    ]
    result = critical_path(actual)
    assert result.finish_day[decided] == day
    for matter in actual:
        if matter.finished_day is None:
            start = max((result.finish_day[d] for d in matter.depends_on), default=0)
            assert result.finish_day[matter.code] == start + matter.days
