"""Who may do what: the dependencies every route declares.

A request is checked in two steps. The role comes first, so a role that may never call a
route gets 403 whatever it names; then the scope: a coordinator's jurisdiction and park,
a department's own tasks, an enterprise's own cases, oversight's cross-county cases.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from api.deps import EngineDep, TemporalDep, bind_actor
from api.errors import forbidden, unauthenticated
from domain.actors import ROLE_NAMES, Actor, Principal, Role
from domain.application import Application
from domain.errors import ActionRefused, NotFound
from policies.registry import PACKS
from services import tokens
from services.commands import case_status
from store import accounts, projection

CaseId = Annotated[str, Path(pattern=r"^[A-Z]{2,4}-\d{4}-\d{5}$", examples=["BZ-2026-00001"])]

_bearer = OAuth2PasswordBearer(
    tokenUrl="auth/token",
    auto_error=False,
    description="POST /auth/token 用账号和密码换取令牌；系统对接的令牌由运维用命令签发",
)


async def _token_secret(request: Request) -> str:
    return request.app.state.token_secret


async def signed_in(
    token: Annotated[str | None, Depends(_bearer)],
    secret: Annotated[str, Depends(_token_secret)],
    engine: EngineDep,
) -> Principal:
    """The account behind the bearer token, bound to the request's log context.

    ``async``, with only the account's read in the thread pool: a plain ``def`` ran whole
    in a copy of the request's context there, so the actor it bound never reached the
    request's own log lines."""
    if not token:
        raise unauthenticated("请先登录（Authorization: Bearer <令牌>）")
    try:
        claims = tokens.read(secret, token)
    except tokens.InvalidToken as error:
        raise unauthenticated("令牌无效或已过期，请重新登录") from error
    principal = await run_in_threadpool(
        accounts.signed_in, engine, claims.username, claims.token_version
    )
    if principal is None:
        raise unauthenticated("登录已失效（账号停用或令牌已吊销），请重新登录")
    bind_actor(principal.actor)
    return principal


SignedIn = Annotated[Principal, Depends(signed_in)]


def _require(principal: Principal, *roles: Role) -> None:
    if principal.role not in roles:
        allowed = "、".join(ROLE_NAMES[role] for role in roles)
        raise forbidden(
            f"{ROLE_NAMES.get(principal.role, principal.role)}无权进行此操作（限{allowed}）"
        )


@dataclass(frozen=True)
class CaseScope:
    jurisdiction: str
    park: str
    uscc: str | None
    cross_county: bool


async def case_scope(engine: Engine, client: Client, case_id: str) -> CaseScope:
    """What a case is bound to: from the projection, else (just opened, or the projection
    lost) from the workflow, which answers 404 for a case that does not exist."""
    row = projection.case_row(engine, case_id)
    if row is not None:
        return CaseScope(row.jurisdiction, row.park, row.uscc or None, row.cross_county)
    status = await case_status(client, case_id)
    enterprise = status.application.enterprise
    return CaseScope(
        status.jurisdiction,
        status.park,
        enterprise.uscc if enterprise else None,
        status.cross_county,
    )


def leads(principal: Principal, jurisdiction: str, park: str) -> bool:
    """The leader in charge of the jurisdiction, or of one park of it."""
    return (
        principal.role is Role.LEADER
        and principal.jurisdiction == jurisdiction
        and principal.park in (None, park)
    )


def coordinates(principal: Principal, jurisdiction: str, park: str) -> bool:
    """The coordinator's park, or every park of its jurisdiction for a centre's agent."""
    return (
        principal.role is Role.COORDINATOR
        and principal.jurisdiction == jurisdiction
        and principal.park in (None, park)
    )


def may_read(principal: Principal, scope: CaseScope) -> bool:
    match principal.role:
        case Role.COORDINATOR:
            return coordinates(principal, scope.jurisdiction, scope.park)
        case Role.ENTERPRISE:
            return scope.uscc is not None and principal.uscc == scope.uscc
        case Role.OVERSIGHT:
            return scope.cross_county
        case Role.LEADER:
            return leads(principal, scope.jurisdiction, scope.park)
        case Role.OPS:
            return True
    return False


def _out_of_scope(case_id: str) -> Exception:
    """A case outside the caller's scope answers exactly like a missing one: case numbers
    are sequential, and a 403 would let any enterprise count the prefecture's cases."""
    return NotFound(f"案件{case_id}不存在")


async def _within_case(
    principal: Principal, engine: Engine, client: Client, case_id: str, *allowed: Role
) -> CaseScope:
    """The role first, then the case's scope (a coordinator's reading scope is also the
    scope it drives); the scope, for a caller that needs more of it."""
    _require(principal, *allowed)
    scope = await case_scope(engine, client, case_id)
    if not may_read(principal, scope):
        raise _out_of_scope(case_id)
    return scope


async def case_reader(
    case_id: CaseId, principal: SignedIn, engine: EngineDep, client: TemporalDep
) -> Principal:
    await _within_case(
        principal,
        engine,
        client,
        case_id,
        Role.COORDINATOR,
        Role.ENTERPRISE,
        Role.OVERSIGHT,
        Role.LEADER,
        Role.OPS,
    )
    return principal


async def case_document_reader(
    case_id: CaseId, principal: SignedIn, engine: EngineDep, client: TemporalDep
) -> Principal:
    """The case's documents: its coordinator, the enterprise, oversight (cross-county) and
    the leader in charge. Ops repairs cases without reading what enterprises sent."""
    await _within_case(
        principal,
        engine,
        client,
        case_id,
        Role.COORDINATOR,
        Role.ENTERPRISE,
        Role.OVERSIGHT,
        Role.LEADER,
    )
    return principal


async def case_coordinator(
    case_id: CaseId, principal: SignedIn, engine: EngineDep, client: TemporalDep
) -> Actor:
    await _within_case(principal, engine, client, case_id, Role.COORDINATOR)
    return principal.actor


async def case_leader(
    case_id: CaseId, principal: SignedIn, engine: EngineDep, client: TemporalDep
) -> Actor:
    """The leader in charge of the case's jurisdiction (or park): answers escalations."""
    await _within_case(principal, engine, client, case_id, Role.LEADER)
    return principal.actor


async def case_oversight(
    case_id: CaseId, principal: SignedIn, engine: EngineDep, client: TemporalDep
) -> Actor:
    """州工信局's special team, on the cross-county cases it oversees (满意度回访)."""
    await _within_case(principal, engine, client, case_id, Role.OVERSIGHT)
    return principal.actor


async def case_party(
    case_id: CaseId, principal: SignedIn, engine: EngineDep, client: TemporalDep
) -> Actor:
    """The case's coordinator, or the enterprise itself (signing for results, rating)."""
    await _within_case(principal, engine, client, case_id, Role.COORDINATOR, Role.ENTERPRISE)
    return principal.actor


async def applicant_party(
    case_id: CaseId, principal: SignedIn, engine: EngineDep, client: TemporalDep
) -> Actor:
    """The enterprise signs for its results and rates the service itself (国办发〔2019〕51号):
    a coordinator may only record its paper, and only when it has no account to do it."""
    scope = await _within_case(
        principal, engine, client, case_id, Role.COORDINATOR, Role.ENTERPRISE
    )
    coordinator = principal.role is Role.COORDINATOR
    if coordinator and scope.uscc and accounts.enterprise_signs_in(engine, scope.uscc):
        raise ActionRefused("申请人已开通企业账号，须由企业本人签收和评价，代办员不能代为办理")
    return principal.actor


def roles(*allowed: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets these roles through, with no scope to check."""

    async def check(principal: SignedIn) -> Principal:
        _require(principal, *allowed)
        return principal

    return check


async def department_staff(
    department: Annotated[str, Path(pattern=r"^[a-z0-9_\-]+$", description="department code")],
    principal: SignedIn,
) -> Actor:
    _require(principal, Role.DEPARTMENT)
    if principal.department != department:
        raise forbidden(f"只能查看和办理本部门（{principal.department}）的任务")
    return principal.actor


async def operator(principal: SignedIn) -> Actor:
    _require(principal, Role.OPS)
    return principal.actor


def ensure_may_open(principal: Principal, application: Application) -> None:
    pack = PACKS.get(application.jurisdiction)
    if pack is None:
        return  # not a question of scope: the application is refused as invalid (422)
    if principal.role is Role.ENTERPRISE:
        if not pack.online_application:
            raise forbidden(f"{pack.name}暂未开通企业在线申请，请到园区管委会窗口委托")
        own = application.enterprise is not None and application.enterprise.uscc == principal.uscc
        if not own:
            raise forbidden("企业只能为本企业（统一社会信用代码一致）在线申请代办")
        return
    if not coordinates(principal, application.jurisdiction, application.park):
        raise forbidden(
            f"您只能为{principal.jurisdiction}"
            f"{'的' + principal.park if principal.park else ''}开立案件"
        )


Reader = Annotated[Principal, Depends(case_reader)]
DocumentReader = Annotated[Principal, Depends(case_document_reader)]
CaseCoordinator = Annotated[Actor, Depends(case_coordinator)]
CaseParty = Annotated[Actor, Depends(case_party)]
CaseLeader = Annotated[Actor, Depends(case_leader)]
CaseOversight = Annotated[Actor, Depends(case_oversight)]
ApplicantParty = Annotated[Actor, Depends(applicant_party)]
Coordinator = Annotated[Principal, Depends(roles(Role.COORDINATOR))]
# Opens a case: the committee's coordinator at the window, or the enterprise online where
# the pack offers it (包头 云代办).
Applicant = Annotated[Principal, Depends(roles(Role.COORDINATOR, Role.ENTERPRISE))]
# 鄂尔多斯 project lists: the park's coordinator, or the industry office's own account.
ListPusher = Annotated[Principal, Depends(roles(Role.COORDINATOR, Role.DEPARTMENT))]
DepartmentStaff = Annotated[Actor, Depends(department_staff)]
Operator = Annotated[Actor, Depends(operator)]
OversightReader = Annotated[Principal, Depends(roles(Role.OVERSIGHT, Role.OPS))]
Exporter = Annotated[Principal, Depends(roles(Role.COORDINATOR, Role.OVERSIGHT))]
Planner = Annotated[Principal, Depends(roles(Role.COORDINATOR, Role.OVERSIGHT))]  # what-if
NotificationReader = Annotated[
    Principal,
    Depends(
        roles(
            Role.COORDINATOR,
            Role.DEPARTMENT,
            Role.ENTERPRISE,
            Role.OVERSIGHT,
            Role.LEADER,
            Role.OPS,
        )
    ),
]
CaseLister = Annotated[
    Principal, Depends(roles(Role.COORDINATOR, Role.ENTERPRISE, Role.LEADER, Role.OPS))
]
