"""Record structured assessments and move their corrective actions.

An assessment is scored against a versioned framework: one value per criterion, from 0 to the
criterion's scaleMax. Its ``score`` (0-100) is computed here, never given:

    score = 100 * sum(weight_c * value_c / scaleMax_c) / sum(weight_c)

over the criteria scored (the framework's criteria left unscored do not count), rounded to two
decimals. Each corrective action it asks for starts OPEN; ``set_action_status`` marks it DONE (with
the day it was done, not in the future and not before the assessment) or OPEN again (the day is
cleared). Every bad input is refused with a typed error before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graph_model.enums import ActionStatus, AssessmentLevel, AssessorKind, Label
from graph_model.errors import Conflict, FieldError, NotFound, ValidationFailed
from graph_model.model import NODE_FIELDS, field_errors
from graph_model.mutations.common import (
    Row,
    check_refs,
    first_row,
    given,
    key_error,
    key_taken,
    new_key,
    refuse,
    retrying,
)
from graph_model.queries import by_keys
from graph_model.statements.writes_assessments import (
    ACTION_STATE,
    ASSESSMENT_RULES,
    RECORD_ASSESSMENT,
    SET_ACTION_STATUS,
)
from graph_model.stores.base import GraphStore

MAX_SCORES = 200  # criteria in one assessment: a framework has a few dozen
MAX_ACTIONS = 100
Today = Callable[[], dt.date]


def score_of(values: Mapping[str, float], rules: Mapping[str, Mapping[str, Any]]) -> float:
    """The weighted mean of value/scaleMax over the criteria scored, as 0-100 (see the module)."""
    weights = sum(float(rules[c]["weight"]) for c in values)
    total = sum(float(rules[c]["weight"]) * v / float(rules[c]["scaleMax"]) for c, v in values.items())
    return round(100 * total / weights, 2)


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def _date_errors(field: str, value: Any) -> list[FieldError]:
    return field_errors({field: value}, {field: NODE_FIELDS[Label.ASSESSMENT]["date"]})


def _input_errors(institution: str, framework: str, date: str, scores: Sequence[Mapping[str, Any]],
                  actions: Sequence[Mapping[str, Any]], key: str, props: dict[str, Any],
                  today: dt.date) -> list[FieldError]:
    errors = key_error("key", key) + key_error("institution", institution) + key_error("framework", framework)
    errors += field_errors(props, {n: f for n, f in NODE_FIELDS[Label.ASSESSMENT].items() if n != "score"})
    if not scores:
        errors.append(FieldError("scores", "give at least one criterion's score"))
    if len(scores) > MAX_SCORES:
        errors.append(FieldError("scores", f"{len(scores)} scores; at most {MAX_SCORES}"))
    if len(actions) > MAX_ACTIONS:
        errors.append(FieldError("actions", f"{len(actions)} actions; at most {MAX_ACTIONS}"))
    seen: set[Any] = set()
    for i, s in enumerate(scores):
        criterion = s.get("criterion")
        errors += key_error(f"scores.{i}.criterion", criterion)
        if criterion in seen:
            errors.append(FieldError(f"scores.{i}.criterion", f"criterion {criterion!r} is scored twice"))
        seen.add(criterion)
        errors += field_errors({"value": s.get("value")}, {"value": NODE_FIELDS[Label.CRITERION]["weight"]},
                               f"scores.{i}.")
    action_fields = NODE_FIELDS[Label.CORRECTIVE_ACTION]
    for i, a in enumerate(actions):
        errors += field_errors({"description": a.get("description"), "dueOn": a.get("dueOn")},
                               {n: action_fields[n] for n in ("description", "dueOn")}, f"actions.{i}.")
    if not any(e.field == "date" for e in errors):
        if dt.date.fromisoformat(date) > today:
            errors.append(FieldError("date", f"{date} is in the future (today is {today.isoformat()})"))
        for i, a in enumerate(actions):
            due = a.get("dueOn")
            if isinstance(due, str) and not _date_errors("dueOn", due) and due < date:
                errors.append(FieldError(f"actions.{i}.dueOn", f"{due} is before the assessment's date {date}"))
    return errors


async def record_assessment(store: GraphStore, *, institution: str, framework: str, level: AssessmentLevel | str,
                            date: str, scores: Sequence[Mapping[str, Any]],
                            actions: Sequence[Mapping[str, Any]] = (), assessor_kind: AssessorKind | str | None = None,
                            assessor: str | None = None, findings: str | None = None, key: str | None = None,
                            source: str | None = None, today: Today = dt.date.today) -> Row:
    """Record an assessment of ``institution`` against ``framework``: its scores (``[{criterion, value}]``)
    and corrective actions (``[{description, dueOn}]``), in one statement. Returns the assessment's
    properties plus ``institution``, ``framework``, ``scores`` and ``actions`` (the actions' keys)."""
    key = new_key("asmt") if key is None else key
    props = given({"level": _value(level), "date": date, "assessorKind": _value(assessor_kind),
                   "assessor": assessor, "findings": findings, "source": source})
    scores = [dict(s) for s in scores]
    actions = [dict(a) for a in actions]
    # level and assessorKind are checked with the other properties (the model's enums)
    refuse("invalid assessment", _input_errors(institution, framework, date, scores, actions, key, props, today()))
    values = {s["criterion"]: s["value"] for s in scores}
    action_rows = [{"key": f"{key}-action-{i + 1}", "props": {"description": a["description"], "dueOn": a["dueOn"],
                                                              "status": ActionStatus.OPEN.value}}
                   for i, a in enumerate(actions)]

    async def rules() -> tuple[str, dict[str, dict[str, Any]]]:
        rows = await store.read(ASSESSMENT_RULES, framework=framework)
        if not rows:
            await check_refs(store, [("institution", Label.INSTITUTION, [institution]),
                                     ("framework", Label.FRAMEWORK, [framework])])
        row = rows[0]
        return row["validFrom"] or "", {c["key"]: c for c in row["criteria"] if c["key"] is not None}

    async def check(valid_from: str, found: dict[str, dict[str, Any]]) -> None:
        await check_refs(store, [("institution", Label.INSTITUTION, [institution])])
        foreign = [c for c in values if c not in found]
        await check_refs(store, [(f"scores.{i}.criterion", Label.CRITERION, [s["criterion"]])
                                 for i, s in enumerate(scores) if s["criterion"] in foreign])
        errors = [FieldError(f"scores.{i}.criterion", f"criterion {s['criterion']!r} is not in framework "
                                                      f"{framework!r}") for i, s in enumerate(scores)
                  if s["criterion"] in foreign]
        for i, s in enumerate(scores):
            most = found[s["criterion"]]["scaleMax"] if s["criterion"] in found else None
            if most is not None and not 0 <= s["value"] <= most:
                errors.append(FieldError(f"scores.{i}.value", f"{s['value']:g} is off the scale 0..{most}"))
        # A criterion with no scale or scored criteria of no weight give no score (an admin's edit).
        errors += [FieldError(f"scores.{i}.criterion", f"criterion {s['criterion']!r} has no scale (scaleMax "
                                                      f"{found[s['criterion']]['scaleMax']})")
                   for i, s in enumerate(scores) if s["criterion"] in found and found[s["criterion"]]["scaleMax"] <= 0]
        if not foreign and sum(float(found[c]["weight"]) for c in values) <= 0:
            errors.append(FieldError("scores", "the criteria scored weigh nothing together: no score can be computed"))
        if valid_from and date < valid_from:
            errors.append(FieldError("date", f"{date} is before framework {framework!r} is valid (from {valid_from})"))
        refuse("invalid assessment", errors)

    async def attempt() -> Row | None:
        valid_from, found = await rules()
        await check(valid_from, found)
        params = {"score": score_of(values, found), **props}
        try:
            return await first_row(store, RECORD_ASSESSMENT, key=key, institution=institution, framework=framework,
                                   validFrom=valid_from, criteria=list(values),
                                   rules=[{"criterion": c, "weight": found[c]["weight"],
                                           "scaleMax": found[c]["scaleMax"]} for c in values],
                                   scores=[{"criterion": c, "value": v} for c, v in values.items()],
                                   actions=action_rows, props=params)
        except Conflict as exc:
            raise key_taken("Assessment", key) from exc

    async def explain() -> None:
        # A replay answers as the first run did; no row while everything named exists and the rules
        # held: the key holds another assessment (or an action's key is taken).
        await check_refs(store, [("institution", Label.INSTITUTION, [institution])])
        if await by_keys(store, Label.ASSESSMENT, [key]):
            raise key_taken("Assessment", key)

    row = await retrying(attempt, explain)
    return {**row["node"], "institution": institution, "framework": framework,
            "scores": [{"criterion": c, "value": v} for c, v in values.items()],
            "actions": [a["key"] for a in action_rows]}


async def set_action_status(store: GraphStore, key: str, status: ActionStatus | str, *, done_on: str | None = None,
                            today: Today = dt.date.today) -> Row:
    """Mark a corrective action DONE on ``done_on`` (required, not in the future, not before its
    assessment) or OPEN again (``done_on`` must then be left out: it is cleared)."""
    status = _value(status)
    errors = key_error("key", key) + field_errors({"status": status}, {"status": NODE_FIELDS[
        Label.CORRECTIVE_ACTION]["status"]})
    if done_on is not None:
        errors += field_errors({"doneOn": done_on}, {"doneOn": NODE_FIELDS[Label.CORRECTIVE_ACTION]["doneOn"]})
    if not errors and status == ActionStatus.DONE.value and done_on is None:
        errors.append(FieldError("doneOn", "is required to mark an action DONE"))
    if not errors and status == ActionStatus.OPEN.value and done_on is not None:
        errors.append(FieldError("doneOn", "must be left out to reopen an action (it is cleared)"))
    if not errors and done_on is not None and dt.date.fromisoformat(done_on) > today():
        errors.append(FieldError("doneOn", f"{done_on} is in the future (today is {today().isoformat()})"))
    refuse("invalid corrective action status", errors)

    async def attempt() -> Row | None:
        return await first_row(store, SET_ACTION_STATUS, key=key, status=status, doneOn=done_on)

    async def explain() -> None:
        rows = await store.read(ACTION_STATE, key=key)
        if not rows:
            message = f"no CorrectiveAction with key {key!r}"
            raise NotFound(message, [FieldError("key", message)])
        assessed = rows[0]["assessedOn"]
        if done_on is not None and assessed is not None and done_on < assessed:
            message = f"{done_on} is before the assessment's date {assessed}"
            raise ValidationFailed(f"doneOn {message}", [FieldError("doneOn", message)])

    return (await retrying(attempt, explain))["node"]
