"""Open an account: its binding checked against the jurisdictions' catalogues."""

import asyncio
import re
import secrets
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from domain.actors import PHONE_PATTERN, ROLE_NAMES, Principal, Role
from domain.errors import InvalidInput, Unavailable
from domain.uscc import uscc_problem
from policies.registry import PACKS
from store import accounts
from store.tables import AccountRow

MIN_PASSWORD_LENGTH = 10


class AccountProblem(InvalidInput):
    """An account's field is wrong: the role, its binding or the password."""


def bound(
    username: str,
    display_name: str,
    role: Role,
    *,
    jurisdiction: str | None = None,
    park: str | None = None,
    department: str | None = None,
    uscc: str | None = None,
    phone: str | None = None,
) -> Principal:
    """The principal for this role and binding; refuses a binding the role does not take or
    the catalogues do not know (a department's county comes from its catalogue)."""
    if role not in ROLE_NAMES or role is Role.SYSTEM:
        raise AccountProblem("role", f"不能开设{role.value}账号")
    given = {"jurisdiction": jurisdiction, "park": park, "department": department, "uscc": uscc}
    takes = {
        Role.COORDINATOR: {"jurisdiction", "park"},
        Role.LEADER: {"jurisdiction", "park"},
        Role.DEPARTMENT: {"department"},
        Role.ENTERPRISE: {"uscc"},
    }.get(role, set())
    for field, value in given.items():
        if value is not None and field not in takes:
            raise AccountProblem(field, f"{ROLE_NAMES[role]}账号不绑定{field}")
    county = None
    if role in (Role.COORDINATOR, Role.LEADER):
        pack = PACKS.get(jurisdiction or "")
        if pack is None:
            raise AccountProblem(
                "jurisdiction", f"{ROLE_NAMES[role]}须绑定辖区（{'、'.join(PACKS)}）"
            )
        if park is not None and park not in {p.code for p in pack.parks}:
            raise AccountProblem("park", f"{pack.name}没有园区{park}")
    elif role is Role.DEPARTMENT:
        found = [d for pack in PACKS.values() for d in pack.departments if d.code == department]
        if not found:
            raise AccountProblem("department", f"目录中没有部门{department}")
        county = found[0].county
    elif role is Role.ENTERPRISE:
        problem = uscc_problem(uscc or "") if uscc else "企业账号须绑定统一社会信用代码"
        if problem:
            raise AccountProblem("uscc", problem)
    if phone is not None:
        require_phone(phone)
    return Principal(
        username=username,
        display_name=display_name,
        role=role,
        jurisdiction=jurisdiction,
        park=park,
        department=department,
        county=county,
        uscc=uscc,
        phone=phone,
    )


def require_phone(phone: str) -> None:
    """A work phone as papers print it: a mobile, or a landline with its area code."""
    if not re.fullmatch(PHONE_PATTERN, phone):
        raise AccountProblem("phone", "电话须为11位手机号或带区号的座机号")


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少{MIN_PASSWORD_LENGTH}位"
    if password.isdigit() or password.isalpha():
        return "密码须同时含有字母和数字或符号"
    return None


def generated_password() -> str:
    """A first or reset password, shown once: random letters and digits, with a digit and
    a symbol so it meets the password rule."""
    return secrets.token_urlsafe(12) + "-9"


def open_account(engine: Engine, principal: Principal, password: str | None) -> None:
    if password is not None and (problem := password_problem(password)):
        raise AccountProblem("password", problem)
    try:
        accounts.create(engine, principal, password)
    except accounts.AccountExists as error:
        raise AccountProblem("username", f"账号{principal.username}已存在") from error


class SignInBusy(Unavailable):
    """More sign-ins are waiting for the password pool than it will queue."""


# Argon2 is made to be slow: 40 simultaneous sign-ins on the API's request threads took
# every core, and /health answered in 5 s. Passwords are hashed on two threads of their
# own (argon2 releases the GIL, so the event loop keeps running), with a bounded queue.
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="password")
MAX_WAITING_SIGN_INS = 32
_waiting = 0


async def sign_in(engine: Engine, username: str, password: str, address: str) -> AccountRow:
    """``store.accounts.sign_in`` on the password pool; 503 when its queue is full."""
    global _waiting
    if _waiting >= MAX_WAITING_SIGN_INS:
        raise SignInBusy("登录请求过多，请稍后再试")
    _waiting += 1
    try:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            _HASHING, accounts.sign_in, engine, username, password, address
        )
    finally:
        _waiting -= 1
