"""Mutations of supervision: record a structured assessment, move a corrective action.

Open to assessors (ASSESS: supervisors, admins) and editors (WRITE) within their provinces
(hub.auth.scope), and to an institution key (SELF_ASSESS) for its own institution's
self-assessments and corrective actions only (hub.auth.bound, from the ``own`` pins declared
here). Each resolver calls one ``graph_model.mutations.assessments`` function (one guarded write
statement) and returns what it wrote, or a typed error.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph_model.enums import Label
from graph_model.mutations import assessments as write
from hub.auth.access import NEW, mutates
from hub.auth.principal import Right
from hub.schema import enums as e
from hub.schema.entities import Assessment, CorrectiveAction
from hub.schema.fields import CONVERTERS
from hub.schema.results import Errors, outcome, union_of
from hub.schema.scalars import Date

SCORE = ("The score (0-100) is computed by the hub, never given: 100 x the weighted mean of value / scaleMax over "
         "the criteria scored, each weighted by its framework weight, i.e. 100 x sum(weight x value / scaleMax) / "
         "sum(weight), rounded to two decimals; criteria of the framework left unscored do not count.")


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


@strawberry.input(description="One criterion's score in an assessment.")
class CriterionScoreInput:
    criterion: str = strawberry.field(description="Key of the criterion; it must belong to the assessment's "
                                                   "framework and be scored once.")
    value: float = strawberry.field(description="The value given, from 0 to the criterion's scaleMax.")


@strawberry.input(description="A corrective action an assessment asks for; it starts OPEN.")
class CorrectiveActionInput:
    description: str = strawberry.field(description="What must be put right.")
    due_on: Date = strawberry.field(description="When it is due: on or after the assessment's date.")


@strawberry.input(description=f"A structured assessment to record. {SCORE}")
class RecordAssessmentInput:
    institution: str = strawberry.field(description="Key of the institution assessed.")
    framework: str = strawberry.field(description="Key of the assessment framework scored against.")
    level: e.AssessmentLevel = strawberry.field(description="Who assessed: SELF for a self-assessment (the only "
                                                            "level an institution key may record).")
    date: Date = strawberry.field(description="Date of the assessment: not in the future, not before the "
                                              "framework's validFrom.")
    assessor_kind: e.AssessorKind = strawberry.field(description="What kind of assessor made it (INSTITUTION for a "
                                                                 "self-assessment by an institution key).")
    scores: list[CriterionScoreInput] = strawberry.field(description="One score per criterion scored, at least one.")
    assessor: str | None = strawberry.field(default=None, description="Who made it: the person, office or body, "
                                                                      "by name.")
    findings: str | None = strawberry.field(default=None, description="What the assessor found, in words (shown "
                                                                      "only to supervisors, editors, admins and "
                                                                      "the institution itself).")
    actions: list[CorrectiveActionInput] = strawberry.field(default_factory=list, description=(
        "Corrective actions it asks for; each gets the key `<assessment key>-action-<n>`."))
    key: str | None = strawberry.field(default=None, description="Key; a fresh one is generated when not given.")
    source: str | None = strawberry.field(default=None, description="Where the record comes from.")


RecordAssessmentResult = Annotated[Assessment | Errors, union_of("RecordAssessmentResult", Assessment)]
ActionStatusResult = Annotated[CorrectiveAction | Errors, union_of("CorrectiveActionStatusResult", CorrectiveAction)]

# Who may record and move: assessors and editors in their provinces, an institution key for its own.
ALSO = (Right.WRITE, Right.SELF_ASSESS)


@strawberry.type
class AssessmentMutation:
    @strawberry.mutation(
        description=f"Record a structured assessment: its criteria scores, findings and corrective actions, in one "
                    f"transaction. {SCORE} Typed errors: an unknown institution, framework or criterion "
                    f"(NotFoundError); a criterion of another framework, a value off its scale, a criterion scored "
                    f"twice, no score, a date in the future or before the framework's validFrom, an action due "
                    f"before the assessment, text over its limit (ValidationError); a key already taken "
                    f"(ConflictError). An institution key may record only SELF assessments (assessorKind "
                    f"INSTITUTION) of its own institution.",
        extensions=[mutates(Right.ASSESS, {"input.institution": Label.INSTITUTION, "input.framework": Label.FRAMEWORK,
                                           "input.scores.criterion": Label.CRITERION, "input.key": NEW},
                            text=("input.assessor", "input.findings", "input.source", "input.actions.description"),
                            creates=True, places=("input.institution",),
                            own={"input.level": "SELF", "input.assessorKind": "INSTITUTION"}, also=ALSO)])
    async def record_assessment(self, info: strawberry.Info,
                                input: Annotated[RecordAssessmentInput, arg("The assessment.")]
                                ) -> RecordAssessmentResult:
        write_it = write.record_assessment(
            info.context.store, institution=input.institution, framework=input.framework, level=input.level,
            date=input.date, assessor_kind=input.assessor_kind, assessor=input.assessor, findings=input.findings,
            scores=[{"criterion": s.criterion, "value": s.value} for s in input.scores],
            actions=[{"description": a.description, "dueOn": a.due_on} for a in input.actions],
            key=input.key, source=input.source)
        return await outcome(info, write_it, CONVERTERS["Assessment"])

    @strawberry.mutation(
        description="Mark a corrective action DONE (doneOn required: not in the future, not before its assessment) "
                    "or OPEN again (doneOn left out: it is cleared). Typed errors: an unknown action (NotFoundError), "
                    "a missing or wrong doneOn (ValidationError). An institution key may move only its own "
                    "institution's actions.",
        extensions=[mutates(Right.ASSESS, {"key": Label.CORRECTIVE_ACTION}, also=ALSO)])
    async def set_corrective_action_status(
            self, info: strawberry.Info, key: Annotated[str, arg("Key of the corrective action.")],
            status: Annotated[e.ActionStatus, arg("Its new status.")],
            done_on: Annotated[Date | None, arg("The day it was done (DONE only).")] = None) -> ActionStatusResult:
        return await outcome(info, write.set_action_status(info.context.store, key, status, done_on=done_on),
                             CONVERTERS["CorrectiveAction"])
