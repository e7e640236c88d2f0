"""A careless release for the ops tests: a new command at the start, no workflow.patched.

Its own module, so the workflow sandbox imports only this and what it passes through.
"""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.case import CaseInput, CaseStatus
    from workflows.case import CaseWorkflow


@workflow.defn(name="CaseWorkflow")
class CaseWorkflowFromABadDeploy(CaseWorkflow):
    @workflow.run
    async def run(self, case: CaseInput) -> CaseStatus:
        await workflow.sleep(timedelta(milliseconds=10))
        return await super().run(case)
