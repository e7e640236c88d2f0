"""差评 follow-up: a 不满意 or 非常不满意 rating is called back within 1 working day, put
right within 15, and rated once more by the enterprise."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from domain.actions import Satisfaction
from domain.actors import Actor

BAD_RATINGS = (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)
CALLBACK_DAYS = 1
REMEDY_DAYS = 15

Text = Field(min_length=1, max_length=2000)


class CallbackRequest(BaseModel):
    note: str = Text  # what the enterprise said on the call


class RemedyRequest(BaseModel):
    measures: str = Text  # what was put right


class FollowUpRatingRequest(BaseModel):
    level: Satisfaction
    comments: str = Field("", max_length=2000)


class Callback(CallbackRequest):
    actor: Actor


class Remedy(RemedyRequest):
    actor: Actor


class FollowUpRating(FollowUpRatingRequest):
    actor: Actor


class FollowUp(BaseModel):
    rating_followed: Satisfaction
    opened_at: datetime
    callback_due_on: date | None = None  # set by the clock activity right after opening
    remedy_due_on: date | None = None
    callback: Callback | None = None
    callback_at: datetime | None = None
    remedy: Remedy | None = None
    remedy_at: datetime | None = None
    rating: FollowUpRating | None = None
    rated_at: datetime | None = None
    overdue_steps: list[str] = []  # "callback", "remedy": each escalated once
    # Years the due dates assumed were plain weekday years (no published schedule yet):
    # shown as provisional wherever the dates are, like a matter's deadline.
    provisional_years: list[int] = []

    @property
    def closed(self) -> bool:
        return self.rating is not None
