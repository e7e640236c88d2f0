"""Open a case: resolve the application against its pack, number it, start its workflow.

Shared by the 委托书 route and the project lists an industry office pushes (鄂尔多斯).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.actors import Actor
from domain.application import Application
from domain.clock import BUSINESS_ZONE
from domain.errors import ActionRefused, InvalidInput, Unavailable
from policies.registry import ApplicationProblem, case_input
from services.commands import opened_with_key, start_case
from store import idempotency, projection
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
    *,
    key: str | None = None,
    reserved: str | None = None,
) -> str:
    """Start the case and return its id; a bad application is a 422 before any number.

    With a claimed ``key``, each number is reserved on the claim before its workflow
    starts, and the workflow's memo carries the key: a retry after a crash tries the
    ``reserved`` number first and recognises its own case there.
    """
    try:
        template = case_input("", application, actor, copied_to)
    except ApplicationProblem as problem:
        raise InvalidInput(problem.field, problem.message) from problem
    year = datetime.now(BUSINESS_ZONE).year
    for _ in range(MAX_NUMBER_SKIPS):
        fresh = reserved is None
        case_id = reserved or next_case_id(engine, application.jurisdiction, year)
        reserved = None
        structlog.contextvars.bind_contextvars(case_id=case_id, workflow_id=case_id)
        if fresh and projection.case_row(engine, case_id) is not None:
            log.warning("case_number_already_used", where="projection")
            continue
        if key is not None:
            idempotency.reserve(engine, key, case_id)
        try:
            await start_case(
                client, task_queue, template.model_copy(update={"case_id": case_id}), key=key
            )
            break
        except WorkflowAlreadyStartedError:
            if key is not None and await opened_with_key(client, case_id) == key:
                log.info("case_open_recovered", key=key)
                return case_id
            # The number was used before, in Temporal (a restored database, a second
            # database on the namespace): never reuse it, take the next.
            log.warning("case_number_already_used", where="temporal")
    else:
        raise Unavailable("暂时无法分配案件编号（连续多个编号已被占用），请联系运维人员")
    log.info("case_opened", applicant=application.applicant_name, matters=application.matters)
    return case_id


async def open_case_once(
    application: Application,
    actor: Actor,
    client: Client,
    engine: Engine,
    task_queue: str,
    key: str | None,
    copied_to: Sequence[str] = (),
    *,
    lease: timedelta = idempotency.DEFAULT_LEASE,
) -> str:
    """Open the case; with an Idempotency-Key, a repeat of the same 委托书 by the same
    caller gets the first case's id instead of a second case, even when the first attempt
    died half-way (store/idempotency.py)."""
    if key is None:
        return await open_case(application, actor, client, engine, task_queue, copied_to)
    scoped = f"open-case:{actor.id}:{key}"
    try:
        claim = idempotency.claim(
            engine, scoped, idempotency.digest(application.model_dump_json().encode()), lease=lease
        )
    except idempotency.KeyReused as error:
        raise ActionRefused("该幂等键已用于另一份委托书，请换一个键") from error
    except idempotency.InProgress as error:
        raise ActionRefused("同一请求正在处理，请稍后用同一幂等键重试") from error
    if claim.result is not None:
        log.info("case_open_repeated", case_id=claim.result)
        return claim.result
    try:
        case_id = await open_case(
            application,
            actor,
            client,
            engine,
            task_queue,
            copied_to,
            key=scoped,
            reserved=claim.reserved,
        )
    except BaseException:
        idempotency.expire(engine, scoped)
        raise
    idempotency.complete(engine, scoped, case_id)
    return case_id
