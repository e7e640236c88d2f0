"""The standard case of the benchmarks, driven through the Temporal client (no HTTP).

Three matters (two in parallel, one dependent), one correction round, delivery, evaluation
and the feedback report: the path every case takes, with nothing waiting on people.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.actions import (
    AcceptMatter,
    ApproveMatter,
    CasePlan,
    Delivery,
    Evaluation,
    InitialReview,
    Receipt,
    RequestCorrection,
    Resubmission,
)
from domain.actors import Actor, Role
from domain.application import Application
from domain.case import CaseInput
from domain.report import FeedbackFiling
from policies import registry
from policies.registry import resolve_matters
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

MATTERS = ["enterprise-registration", "land-preexamination", "food-licence"]
AGENT = Actor(id="li.si", role=Role.COORDINATOR)
ENTERPRISE = Actor(id="zhang.san", role=Role.ENTERPRISE)
APPLICATION = Application.model_validate(
    {
        "jurisdiction": "BZ",
        "park": "bole-jinsanjiao",
        "enterprise": {"name": "博乐示例新材料有限公司", "uscc": "91350100M000100Y43"},
        "contact": {"name": "张三", "phone": "13800000000"},
        "project": {
            "name": "年产1万吨新材料项目",
            "investment_wan_yuan": "5000",
            "industry": "新材料",
        },
        "matters": MATTERS,
        "scope": "full",
        "period": {"start": "2026-11-01", "end": "2027-06-30"},
    }
)


def department_of(code: str) -> Actor:
    matter = next(m for m in resolve_matters(APPLICATION) if m.code == code)
    return Actor(id="clerk", role=Role.DEPARTMENT, department=matter.department.code)


async def until_accepted(send: Callable[[], Awaitable[Any]]) -> Any:
    """Send an update until the workflow exists and its validator lets it in."""
    while True:
        try:
            return await send()
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
        except WorkflowUpdateFailedError:
            pass
        await asyncio.sleep(0.02)


def case_input(case_id: str, application: Application = APPLICATION) -> CaseInput:
    """What the API would start the case with, resolved from its pack."""
    return registry.case_input(case_id, application, AGENT)


async def run_standard_case(client: Client, task_queue: str, case_id: str) -> None:
    await run_case(client, task_queue, case_id, MATTERS, corrected=("land-preexamination",))


async def run_case(
    client: Client,
    task_queue: str,
    case_id: str,
    matters: list[str],
    corrected: tuple[str, ...] = (),
) -> None:
    """Drive a case of ``matters`` to the archive; each matter is accepted and approved
    once the matters it depends on in the case are approved, ``corrected`` ones after a
    correction round."""
    application = APPLICATION.model_copy(update={"matters": matters})
    case = case_input(case_id, application)
    handle = await client.start_workflow(CaseWorkflow.run, case, id=case_id, task_queue=task_queue)
    await handle.execute_update(
        CaseWorkflow.review,
        InitialReview(decision="accept", materials_received=["委托书"], actor=AGENT),
    )
    plan = [
        {
            "matter": code,
            "materials": ["申请书"],
            "planned_start": date(2026, 12, 1),
            "planned_finish": date(2026, 12, 31),
        }
        for code in matters
    ]
    agent = {"id": "wang.wu", "name": "王五", "phone": "13900000000"}
    await handle.execute_update(
        CaseWorkflow.plan,
        CasePlan.model_validate({"agent": agent, "matters": plan, "actor": AGENT}),
    )
    approved = {code: asyncio.Event() for code in matters}
    resolved = {m.code: m for m in case.matters}

    async def matter(code: str) -> None:
        for dependency in resolved[code].definition.depends_on:
            await approved[dependency].wait()
        child = client.get_workflow_handle(f"{case_id}/{code}")
        clerk = Actor(id="clerk", role=Role.DEPARTMENT, department=resolved[code].department.code)
        await until_accepted(
            lambda: child.execute_update(MatterWorkflow.accept, AcceptMatter(actor=clerk))
        )
        if code in corrected:
            await child.execute_update(
                MatterWorkflow.request_correction,
                RequestCorrection(items=["用地红线图"], actor=clerk),
            )
            await child.execute_update(
                MatterWorkflow.resubmit, Resubmission(materials=["用地红线图"], actor=AGENT)
            )
        await child.execute_update(
            MatterWorkflow.approve, ApproveMatter(result_reference="1号", actor=clerk)
        )
        approved[code].set()

    await asyncio.gather(*(matter(code) for code in matters))
    await until_accepted(lambda: handle.execute_update(CaseWorkflow.deliver, Delivery(actor=AGENT)))
    await handle.execute_update(
        CaseWorkflow.sign_receipt, Receipt(signed_by="张三", actor=ENTERPRISE)
    )
    await handle.execute_update(
        CaseWorkflow.evaluate,
        Evaluation(level="满意", efficiency=5, quality=5, problem_solving=5, actor=ENTERPRISE),
    )
    await until_accepted(
        lambda: handle.execute_update(
            CaseWorkflow.file_feedback_report,
            FeedbackFiling(text="报告", reference="1号", actor=AGENT),
        )
    )
    await handle.result()
