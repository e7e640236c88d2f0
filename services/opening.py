"""Open a case: resolve the application against its pack, number it, start its workflow.

Shared by the 委托书 route and the project lists an industry office pushes (鄂尔多斯).
"""

from collections.abc import Sequence
from datetime import datetime

import structlog
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.actors import Actor
from domain.application import Application
from domain.clock import BUSINESS_ZONE
from domain.errors import ActionRefused, InvalidInput
from policies.registry import ApplicationProblem, case_input
from services.commands import start_case
from store import idempotency
from store.sequence import next_case_id

MAX_NUMBER_SKIPS = 20
log = structlog.get_logger(__name__)


async def open_case(
    application: Application,
    actor: Actor,
    client: Client,
    engine: Engine,
    task_queue: str,
    copied_to: Sequence[str] = (),
) -> str:
    """Start the case and return its id; a bad application is a 422 before any number."""
    try:
        template = case_input("", application, actor, copied_to)
    except ApplicationProblem as problem:
        raise InvalidInput(problem.field, problem.message) from problem
    year = datetime.now(BUSINESS_ZONE).year
    for _ in range(MAX_NUMBER_SKIPS):
        case_id = next_case_id(engine, application.jurisdiction, year)
        structlog.contextvars.bind_contextvars(case_id=case_id, workflow_id=case_id)
        try:
            await start_case(client, task_queue, template.model_copy(update={"case_id": case_id}))
            break
        except WorkflowAlreadyStartedError:
            # The number is taken in Temporal (e.g. the database was restored): skip it.
            log.warning("case_number_already_used")
    else:
        raise RuntimeError("no free case number after several tries")
    log.info("case_opened", applicant=application.applicant_name, matters=application.matters)
    return case_id


async def open_case_once(
    application: Application,
    actor: Actor,
    client: Client,
    engine: Engine,
    task_queue: str,
    key: str | None,
) -> str:
    """Open the case; with an Idempotency-Key, a repeat of the same 委托书 by the same
    caller gets the first case's id instead of a second case."""
    if key is None:
        return await open_case(application, actor, client, engine, task_queue)
    scoped = f"open-case:{actor.id}:{key}"
    try:
        earlier = idempotency.claim(
            engine, scoped, idempotency.digest(application.model_dump_json().encode())
        )
    except idempotency.KeyReused as error:
        raise ActionRefused("该幂等键已用于另一份委托书，请换一个键") from error
    except idempotency.InProgress as error:
        raise ActionRefused("同一请求正在处理，请稍后用同一幂等键重试") from error
    if earlier is not None:
        log.info("case_open_repeated", case_id=earlier)
        return earlier
    try:
        case_id = await open_case(application, actor, client, engine, task_queue)
    except BaseException:
        idempotency.release(engine, scoped)
        raise
    idempotency.complete(engine, scoped, case_id)
    return case_id
