"""A department task's forms drawn from the actions' request models: acceptance (with
容缺), approval (with 告知承诺 and the applicant's statutory fees), the §45 suspension and
resumption, the one extension. 签收, 补正, 不予许可 and the 容缺 check keep forms of their
own (task.html): they need words or a confirmation these do not."""

from pydantic import BaseModel

from console.model_forms import ModelForm, inputs_of
from domain.actions import (
    AcceptMatterRequest,
    ApproveMatterRequest,
    ExtendDeadlineRequest,
    ResumeClockRequest,
    SuspendClockRequest,
)
from domain.matter import MatterSnapshot

# form (the API verb) → title, request model, button
TASK_FORMS: dict[str, tuple[str, type[BaseModel], str]] = {
    "acceptance": ("受理（可容缺受理）", AcceptMatterRequest, "受理，开始计时"),
    "approval": ("办结：准予许可", ApproveMatterRequest, "准予许可，办结"),
    "clock-suspension": ("暂停计时（听证、检验检测、专家评审）", SuspendClockRequest, "暂停计时"),
    "clock-resumption": ("恢复计时", ResumeClockRequest, "恢复计时"),
    "extension": ("延长办理期限（经负责人批准，限一次）", ExtendDeadlineRequest, "延长"),
}


def task_forms(case_id: str, matter: MatterSnapshot, actions: set[str]) -> list[ModelForm]:
    base = f"/console/inbox/{case_id}/{matter.code}/act"
    found = []
    for verb, (title, model, button) in TASK_FORMS.items():
        if verb not in actions:
            continue
        if verb == "acceptance" and matter.cross_county and not matter.hand_off_acknowledged_at:
            continue  # 签收 first (its own form)
        inputs = inputs_of(model)
        usual = verb in ("acceptance", "approval")  # the next step, unfolded
        found.append(ModelForm(verb, title, f"{base}/{verb}", inputs, button, open=usual))
    return found
