"""`domain.permitted` is the one rule for what may be done now: every validator of the case and
matter workflows asks it, under the update's own name, and the console offers what it allows."""

import ast
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.exceptions import ApplicationError

from domain.actions import Receipt, Termination
from domain.actors import Actor, Role
from domain.case import CaseStage, CaseStatus, DeliveryRecord
from domain.permitted import CASE_ACTIONS, MATTER_ACTIONS, case_actions
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def _updates(cls: type) -> set[str]:
    definition = workflow._Definition.from_class(cls)
    assert definition is not None
    return set(definition.updates)


def _asked(helper: str) -> dict[str, str]:
    """The update each ``require_*_action(..., "name")`` call sits under (by validator)."""
    asked: dict[str, str] = {}
    for path in WORKFLOWS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            validated = [
                d.value.id
                for d in node.decorator_list
                if isinstance(d, ast.Attribute)
                and d.attr == "validator"
                and isinstance(d.value, ast.Name)
            ]
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id == helper
                ):
                    name = call.args[-1]
                    assert isinstance(name, ast.Constant) and validated, node.name
                    asked[validated[0]] = name.value
    return asked


def test_every_rule_names_an_update_of_its_workflow() -> None:
    assert set(CASE_ACTIONS) <= _updates(CaseWorkflow)
    assert set(MATTER_ACTIONS) <= _updates(MatterWorkflow)


def test_each_ruled_update_s_validator_asks_the_rule_under_its_own_name() -> None:
    case_asked = _asked("require_case_action")
    matter_asked = _asked("require_matter_action")
    assert case_asked == {update: update for update in CASE_ACTIONS}
    assert matter_asked == {update: update for update in MATTER_ACTIONS}


@pytest.mark.parametrize("stage", list(CaseStage))
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENTERPRISE, Role.DEPARTMENT])
@pytest.mark.parametrize("signed", [False, True])
def test_the_console_offers_termination_exactly_when_the_validator_accepts_it(
    stage: CaseStage, role: Role, signed: bool
) -> None:
    """The console's old copy hid 终止 in delivery, which the workflow allows until the
    receipt is signed; now both read one rule."""
    delivery = None
    if stage in (CaseStage.DELIVERY, CaseStage.EVALUATION, CaseStage.ARCHIVED):
        receipt = Receipt.model_construct(signed_by="张三") if signed else None
        delivery = DeliveryRecord.model_construct(receipt=receipt)
    case = CaseStatus.model_construct(
        stage=stage, delivery=delivery, evaluation=None, feedback_report=None, matters=[]
    )
    running = object.__new__(CaseWorkflow)
    running._status = case
    actor = Actor(id="someone", name="某人", role=role)
    termination = Termination.model_construct(actor=actor)
    try:
        running._validate_terminate(termination)
        accepted = True
    except ApplicationError:
        accepted = False
    assert ("termination" in case_actions(case, role)) is accepted
    if stage is CaseStage.DELIVERY and role is Role.COORDINATOR:
        assert accepted is not signed
