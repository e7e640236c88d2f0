"""The change a what-if asks about: a policy pack variant, a calendar, staffing, load.

Stated in TOML (docs/what-if.md)::

    name = "自然资源局规划许可承诺10个工作日"
    load = 1.0                                  # arrivals multiplied by
    corrections = 1.33                          # a third more matters sent back for 补正
    [staffing]
    bole-natural-resources = 0.5                # half the staff: its times doubled
    [packs.BZ]
    coordination_hours = 48
    [packs.BZ.matters.construction-planning-permit]
    promised_days = 10
    [packs.BT.bundles.new-bundle]               # a code not in the pack adds one
    name = "…"
    lead = "…"
    matters = ["…"]
    [calendar.2027]
    source = "国务院办公厅关于2027年部分节假日安排的通知"
    holidays = [2027-01-01, …]
    make_up_workdays = [2027-02-07, …]

A pack patch is merged into the pack and the result validated as any pack is, so a variant
the system would refuse is refused before anything runs.
"""

import json
import shutil
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from domain.catalogue import PolicyPack
from policies.registry import PACKS, Packs
from policies.working_calendar import OVERRIDE_DIR, WorkingCalendar, YearSchedule

# Lists in a pack whose entries have a code: a patch names entries by code.
KEYED_LISTS = ("parks", "departments", "matters", "bundles")


class CalendarYear(BaseModel):
    source: str = "假设"
    holidays: list[date] = []
    make_up_workdays: list[date] = []


class Change(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    packs: dict[str, dict[str, Any]] = Field({}, description="jurisdiction → pack patch")
    calendar: dict[int, CalendarYear] = {}
    staffing: dict[str, float] = Field({}, description="department → staff multiplied by")
    load: float = Field(1.0, gt=0, le=10, description="arrivals multiplied by")
    corrections: float = Field(
        1.0, ge=0, le=10, description="the share of matters sent back for 补正 multiplied by"
    )

    def is_empty(self) -> bool:
        unchanged = self.load == 1.0 and self.corrections == 1.0
        return unchanged and not (self.packs or self.calendar or self.staffing)

    def rounds(self, shares: dict[int, float]) -> list[tuple[int, float]]:
        """补正 rounds and their shares under the change: the corrected share scaled (at
        most all matters), the rounds among them as they were."""
        corrected = sum(share for n, share in shares.items() if n > 0)
        if self.corrections == 1.0 or corrected == 0:
            return sorted(shares.items())
        scale = min(corrected * self.corrections, 1.0) / corrected
        scaled = {n: share * scale for n, share in shares.items() if n > 0}
        return sorted({0: max(0.0, 1.0 - sum(scaled.values())), **scaled}.items())

    def time_factor(self, department: str) -> float:
        """A department's times are divided by its staff factor: half the staff, twice as
        long (the baseline's times already include its queue; see docs/what-if.md)."""
        return 1.0 / self.staffing.get(department, 1.0)


NO_CHANGE = Change(name="基线")


def load_change(path: Path) -> Change:
    try:
        return Change.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise ValueError(f"变更文件 {path} 有误：{error}") from error


def _merged(original: Any, patch: Any, field: str = "") -> Any:
    if isinstance(original, dict) and isinstance(patch, Mapping):
        merged = dict(original)
        for key, value in patch.items():
            merged[key] = _merged(original.get(key), value, key)
        return merged
    if field in KEYED_LISTS and isinstance(patch, Mapping):
        by_code = {entry["code"]: entry for entry in original or []}
        for code, entry_patch in patch.items():
            by_code[code] = _merged(by_code.get(code, {"code": code}), entry_patch)
        return list(by_code.values())
    return patch


def patched_packs(change: Change, packs: Packs = PACKS) -> dict[str, PolicyPack]:
    """The packs with the change's patches merged in and validated."""
    unknown = sorted(set(change.packs) - set(packs))
    if unknown:
        raise ValueError(f"变更涉及未知的辖区：{'、'.join(unknown)}")
    result = dict(packs)
    for jurisdiction, patch in change.packs.items():
        data = _merged(packs[jurisdiction].model_dump(mode="json"), patch)
        try:
            result[jurisdiction] = PolicyPack.model_validate(data)
        except ValueError as error:
            raise ValueError(f"{jurisdiction} 的政策包变更无效：{error}") from error
    return result


def calendar_directory(change: Change, directory: Path) -> Path:
    """A calendar override directory: the project's files, then the change's years."""
    directory.mkdir(parents=True, exist_ok=True)
    for official in OVERRIDE_DIR.glob("*.toml"):
        shutil.copy(official, directory / official.name)
    for year, schedule in change.calendar.items():
        YearSchedule(  # the same checks a published override gets
            year=year,
            source=schedule.source,
            holidays=frozenset(schedule.holidays),
            make_up_workdays=frozenset(schedule.make_up_workdays),
        )
        lines = [
            f"source = {json.dumps(schedule.source, ensure_ascii=False)}",
            "holidays = [" + ", ".join(d.isoformat() for d in schedule.holidays) + "]",
            "make_up_workdays = ["
            + ", ".join(d.isoformat() for d in schedule.make_up_workdays)
            + "]",
        ]
        (directory / f"{year}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def calendar_for(change: Change, directory: Path) -> WorkingCalendar:
    return WorkingCalendar(override_dir=calendar_directory(change, directory))
