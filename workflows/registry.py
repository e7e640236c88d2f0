"""The workflow classes a worker runs and a replayer replays, named once."""

from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

WORKFLOWS: list[type] = [CaseWorkflow, MatterWorkflow]
