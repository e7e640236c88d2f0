"""Sign in (OAuth2 password flow) and read or change one's own account."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.auth.access import SignedIn
from api.deps import EngineDep, SettingsDep
from api.errors import ERROR_RESPONSES, unauthenticated
from domain.actors import Principal
from domain.errors import InvalidInput
from services import accounts as account_service
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
async def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
) -> SignedInToken:
    """登录: exchange a username and password for a bearer token good for a working day.
    Repeated wrong passwords from one address are throttled (the answer stays the same)."""
    try:
        row = await account_service.sign_in(engine, form.username, form.password, _address(request))
    except accounts.SignInRefused as error:
        raise unauthenticated("用户名或密码错误") from error
    issued = tokens.issue(
        request.app.state.token_secret,
        row.username,
        row.token_version,
        timedelta(hours=settings.token_hours),
        tokens.now(),
    )
    return SignedInToken(**issued.model_dump(), account=accounts.principal_of(row))


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/me", response_model=Principal)
def who_am_i(principal: SignedIn) -> Principal:
    """The signed-in account and what it is bound to."""
    return principal


@router.post("/password", status_code=204)
async def change_password(
    body: PasswordChange, principal: SignedIn, engine: EngineDep, request: Request
) -> None:
    """Change one's own password; every token issued before stops working."""
    try:
        await account_service.sign_in(
            engine, principal.username, body.current_password, _address(request)
        )
    except accounts.SignInRefused as error:
        raise InvalidInput("current_password", "当前密码不正确") from error
    if problem := password_problem(body.new_password):
        raise InvalidInput("new_password", problem)
    accounts.set_password(engine, principal.username, body.new_password)
