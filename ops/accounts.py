"""``python -m ops account …``: open accounts, issue tokens, disable and revoke.

No password is ever taken on the command line (it would sit in the shell history): it is
read from stdin with ``--password-stdin``, or generated and shown once.
"""

import argparse
import sys
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from domain.actors import ROLE_NAMES, Role
from services import tokens
from services.accounts import (
    AccountProblem,
    bound,
    generated_password,
    open_account,
    password_problem,
    require_phone,
)
from settings import Settings
from store import accounts

BOOTSTRAP_USERNAME = "ops.admin"


class AccountCommandError(Exception):
    pass


def add_parser(verbs: Any) -> None:
    account = verbs.add_parser("account", help="accounts and tokens (sign-in)")
    actions = account.add_subparsers(dest="action", required=True)

    create = actions.add_parser("create", help="open an account bound to its scope")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="display name, e.g. 李四")
    create.add_argument(
        "--role", required=True, choices=[r.value for r in ROLE_NAMES if r is not Role.SYSTEM]
    )
    create.add_argument("--jurisdiction", help="coordinator: BZ, BT, CJ, HS or ORD")
    create.add_argument("--park", help="coordinator: a park code; omit for a centre")
    create.add_argument("--department", help="department staff: the department code")
    create.add_argument("--uscc", help="enterprise: its 统一社会信用代码")
    create.add_argument("--phone", help="work phone, printed on papers (受理人及联系方式)")
    _password_source(create, "--no-password", "token-only account (a department's system)")

    token = actions.add_parser("token", help="issue a token (e.g. for a department's system)")
    token.add_argument("username")
    token.add_argument("--hours", type=int, default=None, help="lifetime; default a working day")

    actions.add_parser("list", help="every account and its binding")
    for name, help_ in (
        ("disable", "refuse the account's sign-in and tokens"),
        ("enable", "allow the account again"),
        ("revoke-tokens", "invalidate every token issued so far"),
    ):
        actions.add_parser(name, help=help_).add_argument("username")
    phone = actions.add_parser("set-phone", help="set the work phone printed on papers")
    phone.add_argument("username")
    phone.add_argument("phone")
    password = actions.add_parser("set-password", help="set a new password")
    password.add_argument("username")
    _password_source(password, None, None)
    actions.add_parser(
        "bootstrap", help=f"with no accounts yet, open {BOOTSTRAP_USERNAME} and show its password"
    )


def _password_source(parser: argparse.ArgumentParser, flag: str | None, help_: str | None) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    if flag:
        group.add_argument(flag, action="store_true", help=help_)


def _password(args: argparse.Namespace) -> tuple[str | None, bool]:
    """The password, and whether it was generated (and so must be shown)."""
    if getattr(args, "no_password", False):
        return None, False
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return generated_password(), True


def run(args: argparse.Namespace, engine: Engine, settings: Settings) -> tuple[Any, str]:
    """The result as data, and its description for people."""
    try:
        return _run(args, engine, settings)
    except AccountProblem as problem:
        raise AccountCommandError(f"{problem.field}：{problem.message}") from problem
    except accounts.NoSuchAccount as missing:
        raise AccountCommandError(f"没有账号{missing}") from missing


def _run(args: argparse.Namespace, engine: Engine, settings: Settings) -> tuple[Any, str]:
    match args.action:
        case "create":
            principal = bound(
                args.username,
                args.name,
                Role(args.role),
                jurisdiction=args.jurisdiction,
                park=args.park,
                department=args.department,
                uscc=args.uscc,
                phone=args.phone,
            )
            password, generated = _password(args)
            open_account(engine, principal, password)
            result: dict[str, Any] = {"account": principal.model_dump(mode="json")}
            said = f"已开设账号{principal.username}（{ROLE_NAMES[principal.role]}）"
            if generated:
                result["password"] = password
                said += f"\n初始密码（只显示这一次）：{password}"
            return result, said
        case "token":
            row = accounts.get(engine, args.username)
            if row is None or not row.active:
                raise AccountCommandError(f"账号{args.username}不存在或已停用")
            hours = args.hours or settings.token_hours
            issued = tokens.issue(
                tokens.signing_secret(settings),
                row.username,
                row.token_version,
                timedelta(hours=hours),
                tokens.now(),
            )
            return issued.model_dump(mode="json"), issued.access_token
        case "list":
            rows = [
                accounts.principal_of(r).model_dump(mode="json") | {"active": r.active}
                for r in accounts.list_all(engine)
            ]
            lines = [
                f"{r['username']}  {r['role']}  {r['display_name']}  "
                + " ".join(
                    f"{k}={r[k]}"
                    for k in ("jurisdiction", "park", "department", "uscc", "phone")
                    if r[k]
                )
                + ("" if r["active"] else "  （已停用）")
                for r in rows
            ]
            return rows, "\n".join(lines) or "还没有账号"
        case "disable" | "enable":
            accounts.set_active(engine, args.username, args.action == "enable")
            word = "启用" if args.action == "enable" else "停用"
            return {
                "username": args.username,
                "active": args.action == "enable",
            }, f"已{word}{args.username}"
        case "revoke-tokens":
            version = accounts.revoke_tokens(engine, args.username)
            return {"username": args.username, "token_version": version}, (
                f"{args.username}此前签发的令牌已全部失效"
            )
        case "set-phone":
            require_phone(args.phone)
            accounts.set_phone(engine, args.username, args.phone)
            return {"username": args.username, "phone": args.phone}, (
                f"已为{args.username}登记电话{args.phone}"
            )
        case "set-password":
            password, generated = _password(args)
            assert password is not None
            if problem := password_problem(password):
                raise AccountProblem("password", problem)
            accounts.set_password(engine, args.username, password)
            shown = f"：{password}" if generated else ""
            return {"username": args.username} | ({"password": password} if generated else {}), (
                f"已为{args.username}设置新密码{shown}（此前的令牌已失效）"
            )
    return _bootstrap(engine)


def _bootstrap(engine: Engine) -> tuple[Any, str]:
    """The first ops account, so that someone can sign in to a fresh installation; does
    nothing once any account exists."""
    if accounts.exists_any(engine):
        return {"created": False}, "已有账号，无需初始化"
    password = generated_password()
    open_account(engine, bound(BOOTSTRAP_USERNAME, "运维管理员", Role.OPS), password)
    return {"created": True, "username": BOOTSTRAP_USERNAME, "password": password}, (
        f"已开设首个运维账号{BOOTSTRAP_USERNAME}，初始密码（只显示这一次）：{password}\n"
        f"用它开设其他账号：python -m ops account create …"
    )
