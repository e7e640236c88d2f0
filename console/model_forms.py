"""A console form for any API action, drawn from the action's request model.

Every field of the model becomes an input named by its dotted path (console/forms.py reads
it back), labelled in Chinese: the label below, else the Chinese of the field's description.
A list of models gets a few blank rows (blank rows are left out when sent); a list of
words is a textarea, one per line; a list of choices a group of checkboxes; a yes/no a
select, so a default of "yes" is not lost by an unticked box.
"""

import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from domain.clock import PAUSE_REASON_NAMES
from domain.supervision import MISCONDUCT_NAMES, VISIT_RESULT_NAMES

LIST_ROWS = 3  # blank rows offered for a list of records (resolutions, fees, decisions)
_CJK = re.compile(r"[\u4e00-\u9fff]")

LABELS = {
    "note": "说明",
    "reason": "理由",
    "description": "情况描述",
    "matter": "事项",
    "what": "协调事项",
    "with_whom": "协调对象（每行一个）",
    "outcome": "结果",
    "meeting": "专项协调会（召开时填写）",
    "held_on": "会议日期",
    "participants": "参会单位（每行一个）",
    "resolutions": "议定事项",
    "text": "内容",
    "owner": "责任单位或责任人",
    "due_on": "完成期限",
    "instruction": "批示",
    "days": "延长天数",
    "explanation": "向企业说明",
    "result": "回访结果",
    "visited": "回访对象",
    "method": "回访方式",
    "behaviours": "行为",
    "subject": "被反映的人员及单位",
    "reported_to": "报告的相关部门",
    "measures": "整改措施",
    "level": "总体评价",
    "comments": "意见建议",
    "reference": "文号",
    "meeting_on": "联审日期",
    "decisions": "联审决定",
    "decision": "决定",
    "result_reference": "批文或证照编号",
    "deferred_items": "容缺受理：暂缺的材料（每行一项）",
    "supply_by": "容缺材料补齐期限",
    "fees": "申请人自行缴纳的法定费用",
    "item": "费用项目",
    "amount_yuan": "金额（元）",
    "commitment": "告知承诺书编号（告知承诺制）",
    "confirmed": "核验结果",
}
CHOICE_NAMES: dict[str, str] = {
    **{reason.value: name for reason, name in PAUSE_REASON_NAMES.items()},
    **{v.value: name for v, name in VISIT_RESULT_NAMES.items()},
    **{m.value: name for m, name in MISCONDUCT_NAMES.items()},
    "approve": "通过",
    "refuse": "不予许可",
    "true": "是",
    "false": "否",
}


@dataclass(frozen=True)
class Input:
    name: str  # the API field's dotted path; "~lines" for one item per line
    label: str
    kind: str  # text, textarea, lines, date, number, select, checkboxes
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    value: str = ""


@dataclass(frozen=True)
class Group:
    """A nested record, or one row of a list of records."""

    label: str
    inputs: list["Input | Group"]
    optional: bool = False  # shown folded: a list of records, or a record not always needed


@dataclass
class ModelForm:
    """One action's form: where it posts, its title and inputs."""

    key: str  # the action's path under the case (or task): also the failure's name
    title: str
    post_to: str
    inputs: list[Input | Group]
    button: str = "提交"
    confirm: str = ""  # an irreversible action asks first
    context: str = ""  # a line the person needs to act (what is asked, by when)
    fixed: dict[str, str] = field(default_factory=dict)  # hidden inputs
    open: bool = False  # the task's usual next step is shown unfolded


def _label(name: str, info: FieldInfo) -> str:
    if name in LABELS:
        return LABELS[name]
    description = info.description or ""
    if _CJK.search(description):
        return (
            re.split(r"[:：]\s*", description, maxsplit=1)[-1]
            if ":" in description
            else description
        )
    return name


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None``, and whether None was allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), True
    return annotation, False


def _choices(annotation: Any) -> tuple[tuple[str, str], ...] | None:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple((m.value, CHOICE_NAMES.get(m.value, m.value)) for m in annotation)
    if typing.get_origin(annotation) is Literal:
        return tuple(
            (str(v), CHOICE_NAMES.get(str(v), str(v))) for v in typing.get_args(annotation)
        )
    if annotation is bool:
        return (("true", "是"), ("false", "否"))
    return None


def inputs_of(
    model: type[BaseModel],
    prefix: str = "",
    *,
    choices: dict[str, tuple[tuple[str, str], ...]] | None = None,
    values: dict[str, str] | None = None,
    skip: frozenset[str] = frozenset(),
    in_row: bool = False,
) -> list[Input | Group]:
    """The inputs for ``model``'s fields; ``choices`` overrides a field's options by name
    (a matter among the case's), ``values`` prefills by name. ``in_row``: one row of a
    list a person may leave blank, so no choice is preselected (a chosen default would
    send a row nobody filled in)."""
    choices, values = choices or {}, values or {}
    found: list[Input | Group] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        path = f"{prefix}{name}"
        annotation, optional = _unwrap(info.annotation)
        required = info.is_required() and not optional
        label = _label(name, info)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested = inputs_of(annotation, f"{path}.", choices=choices, in_row=in_row)
            found.append(Group(label, nested, optional=not required))
            continue
        if origin is list:
            (item,) = typing.get_args(annotation)
            if isinstance(item, type) and issubclass(item, BaseModel):
                rows = [
                    Group(
                        f"{label}（{n + 1}）",
                        inputs_of(item, f"{path}.{n}.", choices=choices, in_row=True),
                    )
                    for n in range(LIST_ROWS)
                ]
                found.append(Group(label, list(rows), optional=not required))
                continue
            options = choices.get(name) or _choices(item)
            if options:
                found.append(Input(path, label, "checkboxes", required, options))
            else:
                found.append(Input(f"{path}~lines", label, "lines", required))
            continue
        options = choices.get(name) or _choices(annotation)
        value = values.get(name, "")
        if options:
            default = info.default
            if not value and default is not None and not info.is_required() and not in_row:
                value = str(default.value if isinstance(default, Enum) else default).lower()
            if (in_row or not required) and not value:  # a blank row, an optional choice
                options = (("", "—"), *options)
            found.append(Input(path, label, "select", required, options, value))
        elif annotation is date:
            found.append(Input(path, label, "date", required, value=value))
        elif annotation is int:
            found.append(Input(path, label, "number", required, value=value))
        elif annotation is Decimal:
            found.append(Input(path, label, "text", required, value=value))
        else:
            long = any(getattr(m, "max_length", 0) and m.max_length > 200 for m in info.metadata)
            found.append(Input(path, label, "textarea" if long else "text", required, value=value))
    return found
