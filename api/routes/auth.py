"""Sign in (OAuth2 password flow) and read or change one's own account."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.auth.access import SignedIn
from api.deps import EngineDep, SettingsDep
from api.errors import ERROR_RESPONSES, ApiError, unauthenticated
from domain.actors import Principal
from domain.clock import BUSINESS_ZONE
from domain.errors import InvalidInput
from services import tokens
from services.accounts import password_problem
from store import accounts

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)


class SignedInToken(tokens.IssuedToken):
    account: Principal


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


@router.post("/token", response_model=SignedInToken)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
) -> SignedInToken:
    """登录: exchange a username and password for a bearer token good for a working day.
    Five wrong passwords in a row lock the account for 15 minutes."""
    now = tokens.now()
    try:
        row = accounts.sign_in(engine, form.username, form.password, now)
    except accounts.SignInRefused as error:
        raise unauthenticated("用户名或密码错误") from error
    except accounts.AccountLocked as locked:
        until = locked.until.astimezone(BUSINESS_ZONE).strftime("%H:%M")
        raise ApiError(
            401, "account_locked", f"密码连续错误次数过多，账号锁定至{until}，请稍后再试"
        ) from locked
    issued = tokens.issue(
        request.app.state.token_secret,
        row.username,
        row.token_version,
        timedelta(hours=settings.token_hours),
        now,
    )
    return SignedInToken(**issued.model_dump(), account=accounts.principal_of(row))


@router.get("/me", response_model=Principal)
def who_am_i(principal: SignedIn) -> Principal:
    """The signed-in account and what it is bound to."""
    return principal


@router.post("/password", status_code=204)
def change_password(body: PasswordChange, principal: SignedIn, engine: EngineDep) -> None:
    """Change one's own password; every token issued before stops working."""
    try:
        accounts.sign_in(engine, principal.username, body.current_password, tokens.now())
    except (accounts.SignInRefused, accounts.AccountLocked) as error:
        raise InvalidInput("current_password", "当前密码不正确") from error
    if problem := password_problem(body.new_password):
        raise InvalidInput("new_password", problem)
    accounts.set_password(engine, principal.username, body.new_password)
