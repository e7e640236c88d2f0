"""Account administration for ops staff, as ``python -m ops account`` does it: open an
account bound to its scope, disable and enable it, reset its password, revoke its tokens.
A password made here is shown once, in the answer, and never stored in clear."""

from collections.abc import Callable
from typing import Annotated

import structlog
from fastapi import APIRouter, Path, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.auth.access import Operator
from api.deps import EngineDep
from api.errors import ERROR_RESPONSES
from api.params import Limit, Offset
from api.schemas import Page
from domain.actors import PHONE_PATTERN, Principal, Role
from domain.errors import NotFound
from services.accounts import bound, generated_password, open_account
from store import accounts
from store.tables import AccountRow

router = APIRouter(prefix="/ops/accounts", tags=["ops"], responses=ERROR_RESPONSES)
log = structlog.get_logger(__name__)
Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9._@\-]{1,64}$")]


class AccountView(Principal):
    active: bool


class AccountRequest(BaseModel):
    username: str = Field(pattern=r"^[A-Za-z0-9._@\-]{1,64}$", description="账号")
    display_name: str = Field(min_length=1, max_length=50, description="姓名")
    role: Role
    jurisdiction: str | None = Field(None, description="代办员、分管领导：辖区，如BZ")
    park: str | None = Field(None, description="代办员、分管领导：园区编码（可不填）")
    department: str | None = Field(None, description="部门经办人：部门编码")
    uscc: str | None = Field(None, description="企业：统一社会信用代码")
    phone: str | None = Field(None, pattern=PHONE_PATTERN, description="工作电话")


class AccountOpened(BaseModel):
    account: AccountView
    password: str = Field(description="初始密码，只显示这一次")


def _view_of(row: AccountRow) -> AccountView:
    return AccountView(**accounts.principal_of(row).model_dump(), active=row.active)


def _view(engine: EngineDep, username: str) -> AccountView:
    row = accounts.get(engine, username)
    if row is None:
        raise NotFound(f"没有账号{username}")
    return _view_of(row)


@router.get("", response_model=Page[AccountView])
def list_accounts(
    engine: EngineDep, actor: Operator, offset: Offset = 0, limit: Limit = 100
) -> Page[AccountView]:
    rows = accounts.list_all(engine)
    items = [_view_of(r) for r in rows[offset : offset + limit]]
    return Page(items=items, total=len(rows), offset=offset, limit=limit)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AccountOpened)
async def open_new_account(
    body: AccountRequest, engine: EngineDep, actor: Operator
) -> AccountOpened:
    """Open an account bound to its scope (checked against the catalogues); its first
    password is made here and shown once."""
    principal = bound(
        body.username,
        body.display_name,
        body.role,
        jurisdiction=body.jurisdiction,
        park=body.park,
        department=body.department,
        uscc=body.uscc,
        phone=body.phone,
    )
    password = generated_password()
    await run_in_threadpool(open_account, engine, principal, password)
    log.info("account_opened", actor=actor.id, username=principal.username, role=principal.role)
    return AccountOpened(account=_view(engine, principal.username), password=password)


@router.post("/{username}/disable", response_model=AccountView)
def disable(username: Username, engine: EngineDep, actor: Operator) -> AccountView:
    """Refuse its sign-in and every token issued."""
    _change(lambda: accounts.set_active(engine, username, False))
    log.info("account_disabled", actor=actor.id, username=username)
    return _view(engine, username)


@router.post("/{username}/enable", response_model=AccountView)
def enable(username: Username, engine: EngineDep, actor: Operator) -> AccountView:
    _change(lambda: accounts.set_active(engine, username, True))
    log.info("account_enabled", actor=actor.id, username=username)
    return _view(engine, username)


@router.post("/{username}/token-revocation", response_model=AccountView)
def revoke(username: Username, engine: EngineDep, actor: Operator) -> AccountView:
    """Every token issued so far stops working (a lost laptop)."""
    _change(lambda: accounts.revoke_tokens(engine, username))
    log.info("account_tokens_revoked", actor=actor.id, username=username)
    return _view(engine, username)


@router.post("/{username}/password-reset", response_model=AccountOpened)
async def reset_password(username: Username, engine: EngineDep, actor: Operator) -> AccountOpened:
    """A new password, shown once; the old one and its sessions end."""
    password = generated_password()
    await run_in_threadpool(_change, lambda: accounts.set_password(engine, username, password))
    log.info("account_password_reset", actor=actor.id, username=username)
    return AccountOpened(account=_view(engine, username), password=password)


def _change(change: Callable[[], object]) -> None:
    try:
        change()
    except accounts.NoSuchAccount as missing:
        raise NotFound(f"没有账号{missing}") from missing
