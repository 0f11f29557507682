"""The compiled path (hub.execution.compiled) answers exactly what graphql-core's field-by-field
execution answers: every query of operations/ as every role, and queries generated from the schema by
hypothesis-graphql, give the same JSON bytes (keys sorted; list cursors, sealed afresh with a random
nonce on every answer, compared by what they hold). And the client's operations do compile: an
object that fell back, or a field left to graphql-core that is not declared below, fails the test.

Both paths run in process on the real schema (with the served extensions: limits, policy, input
checks) and the embedded FalkorDB; the rest of the suite exercises the compiled path end to end
through the ASGI app, where it is on by default.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import copy
import dataclasses
import functools
import gc
import inspect
import weakref
from pathlib import Path
from typing import Any

import graphql
import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis_graphql import queries

from graph_model.cypher import statement as compiled_stmt
from graph_model.enums import Label
from graph_model.mutations import create_node
from graph_model.mutations.assessments import record_assessment
from graph_model.mutations.relations import offer_service
from graph_model.stores.falkordb import FalkorStore
from hub.auth.principal import Principal, Role
from hub.execution import compiled, plan_cache, plan_runtime
from hub.execution.context import Context
from hub.execution.cursors import open_cursor
from hub.schema import build_schema, schema
from hub.settings import Limits, Settings
from hub.strawberry_compat import graphql_schema
from tests.test_fuzz import SCALARS
from tests.builders import build_solo_world

OPERATIONS = Path(__file__).resolve().parent.parent / "operations"
ROLES = [Principal(role, subject=f"test:{role.value}") for role in Role]
SCOPED = Principal(Role.EDITOR, provinces=frozenset({"IR-00"}), subject="test:scoped")
# An institution key sees its own institution's findings, actions and complaints (hub.schema.supervision_records).
BOUND = Principal(Role.INSTITUTION, institution="inst-a", subject="test:institution-a")
SETTINGS = Settings(anonymous=True, limits=Limits(rate_per_minute=0), disclosure_wait_ms=600_000)
SCHEMAS = {flag: build_schema(dataclasses.replace(SETTINGS, compiled=flag)) for flag in (True, False)}

INSTITUTION_A = base64.b64encode(b"Institution:inst-a").decode()
QUESTION = {"service": "svc-care"}
VARIABLES: dict[str, dict[str, Any]] = {
    "Province": {"key": "IR-00"}, "InstitutionDetail": {"key": "inst-a"}, "Search": {"text": "inst"},
    "Donor": {"key": "donor-1"}, "Council": {"key": "council-1"}, "Node": {"id": INSTITUTION_A},
    "Institutions": {"first": 2}, "Donations": {"first": 2},
    "Coverage": {"question": QUESTION}, "UnderservedAreas": {"question": QUESTION},
    "CoverageWhatIf": {"question": QUESTION,
                       "changes": [{"addCapacity": {"capacity": 40, "service": "svc-care", "county": "IR-00-0002"}}]},
    "NetworkProjection": {"of": "inst-a"}, "SharedDonors": {"institution": "inst-a"},
    "DonorOverlap": {"institution": "inst-a", "other": "inst-b"}, "DonorSuggestions": {"institution": "inst-a"},
    "Network": {"center": INSTITUTION_A},
    "Connection": {"source": INSTITUTION_A, "target": base64.b64encode(b"Institution:inst-b").decode()},
    "Overview": {"province": "IR-00"}, "LicenceHistory": {"institution": "inst-a"},
    "LicencePipeline": {"asOf": "2026-06-01"},
    "AssessmentDetail": {"key": "asmt-inst-a"}, "InstitutionComplaints": {"key": "inst-a"},
    "CorrectiveActionList": {"first": 5}, "ComplaintList": {"first": 5},
    "SupervisionPlan": {"from": "2026-01-01", "until": "2026-01-30", "inspectors": 1, "visitsPerInspectorMonth": 1},
    "InstitutionRanking": {"asOf": "2026-01-01"}, "Alerts": {"asOf": "2026-01-01"},
}
# Fields the compiled path leaves to graphql-core in the client's operations (a union: graphql-core
# resolves the member's type, then the member's own object is compiled again).
LEFT_TO_GRAPHQL_CORE = {"Membership.member"}


@pytest.fixture
async def solo_world(store: FalkorStore) -> FalkorStore:
    return await build_supervised_solo_world(store)


async def build_supervised_solo_world(store: FalkorStore) -> FalkorStore:
    """build_solo_world with an assessment (findings, a score, an action) and a complaint of each institution:
    what only supervisors, editors, admins and the institution's own key see."""
    await build_solo_world(store)
    for institution in ("inst-a", "inst-b"):
        await record_assessment(store, institution=institution, framework="fw-1", level="COUNTY", date="2024-03-01",
                                assessor_kind="OFFICE", findings=f"findings of {institution}",
                                scores=[{"criterion": "crit-1", "value": 3.0}],
                                actions=[{"description": "Fix it", "dueOn": "2024-04-01"}], key=f"asmt-{institution}")
        await create_node(store, Label.COMPLAINT, {"key": f"cmp-{institution}", "institution": institution,
                                                   "summary": "Cold rooms", "receivedOn": "2024-03-01",
                                                   "status": "OPEN"})
    return store


def query_operations() -> list[tuple[str, str]]:
    """(file text, operation name) of every query in operations/ (a file is one document: fragments are shared)."""
    found = []
    for path in sorted(OPERATIONS.glob("*.graphql")):
        text = path.read_text()
        for definition in graphql.parse(text).definitions:
            if isinstance(definition, graphql.OperationDefinitionNode) and definition.operation.value == "query":
                assert definition.name is not None
                found.append((text, definition.name.value))
    return found


@functools.cache
def _schema(settings: Settings) -> Any:
    """The schema served with ``settings`` (its limits are the schema's extensions')."""
    return build_schema(settings)


def canonical(answer: Any) -> Any:
    """The answer with each sealed cursor replaced by what it holds, and request ids dropped."""
    if isinstance(answer, dict):
        return {k: (_opened(v) if k.lower().endswith("cursor") and isinstance(v, str) else canonical(v))
                for k, v in answer.items() if k != "requestId"}
    if isinstance(answer, list):
        return [canonical(v) for v in answer]
    return answer


def _opened(cursor: str) -> Any:
    try:
        return ["cursor", *open_cursor(cursor, "cursor")]
    except Exception:  # noqa: BLE001  # not one of ours: compared as it is
        return cursor


async def run(store: FalkorStore, principal: Principal, document: str, name: str | None,
              variables: dict[str, Any] | None, *, compiled_path: bool, limits: Limits | None = None
              ) -> tuple[bytes, Context]:
    settings = dataclasses.replace(SETTINGS, compiled=compiled_path, fused_reads=compiled_path,
                                   limits=limits or SETTINGS.limits)
    context = Context(store=store, principal=principal, settings=settings)
    served = SCHEMAS[compiled_path] if limits is None else _schema(settings)
    result = await served.execute(document, variable_values=variables, context_value=context,
                                                  operation_name=name)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    return orjson.dumps(canonical(body), option=orjson.OPT_SORT_KEYS), context


async def test_every_operation_as_every_role_gives_the_same_bytes_and_compiles(solo_world: FalkorStore) -> None:
    compared = 0
    for document, name in query_operations():
        for principal in [*ROLES, SCOPED, BOUND]:
            variables = VARIABLES.get(name, {})
            fast, context = await run(solo_world, principal, document, name, variables, compiled_path=True)
            slow, plain = await run(solo_world, principal, document, name, variables, compiled_path=False)
            assert fast == slow, (name, principal.role, fast[:2000], slow[:2000])
            assert plain.execution is None  # switched off: nothing compiled
            stats = context.execution
            assert stats is not None and stats.fallbacks == 0, (name, principal.role, stats)
            assert stats.generic <= LEFT_TO_GRAPHQL_CORE, (name, stats.generic - LEFT_TO_GRAPHQL_CORE)
            data = orjson.loads(fast)["data"] or {}
            if any(isinstance(v, dict) or (isinstance(v, list) and v) for v in data.values()):
                assert stats.objects > 0, (name, principal.role)  # an object was answered: compiled
            compared += 1
    assert compared >= 27 * len(ROLES)


async def test_an_error_inside_a_compiled_object_falls_back_and_reads_as_graphql_core_says(
        solo_world: FalkorStore) -> None:
    """A filter naming no county under an institution's councils: the nested list raises NOT_FOUND
    inside a compiled object; the object falls back and the error, its path and the nulls are the same."""
    document = """{ institution(key: "inst-a") { key nameEn county { key }
                   events(filter: {county: "IR-99-9999"}) { totalCount } } }"""
    fast, context = await run(solo_world, ROLES[-1], document, None, None, compiled_path=True)
    slow, _ = await run(solo_world, ROLES[-1], document, None, None, compiled_path=False)
    assert fast == slow
    assert b"NOT_FOUND" in fast and b'"path":["institution","events"]' in fast
    assert context.execution.fallbacks == 1


GENERATED = graphql_schema(schema)
assert GENERATED.query_type is not None


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(document=st.sampled_from(sorted(GENERATED.query_type.fields)).flatmap(
    lambda name: queries(GENERATED, fields=[name], custom_scalars=SCALARS)), role=st.sampled_from(ROLES))
async def test_generated_queries_give_the_same_bytes_on_both_paths(solo_world: FalkorStore, document: str,
                                                                   role: Principal) -> None:
    # Asked twice: the first request walks its plans, the second runs them written out as code.
    fast, _ = await run(solo_world, role, document, None, None, compiled_path=True)
    again, _ = await run(solo_world, role, document, None, None, compiled_path=True)
    slow, _ = await run(solo_world, role, document, None, None, compiled_path=False)
    assert fast == again == slow, (document, fast[:2000], again[:2000], slow[:2000])
    # And asked twice over a fragment holding part of it (``doubled``), as operations/ are below, over
    # the shapes hypothesis makes.
    twice = doubled(document, None)
    fast, _ = await run(solo_world, role, twice, "Doubled", None, compiled_path=True, limits=DOUBLED_LIMITS)
    again, _ = await run(solo_world, role, twice, "Doubled", None, compiled_path=True, limits=DOUBLED_LIMITS)
    slow, _ = await run(solo_world, role, twice, "Doubled", None, compiled_path=False, limits=DOUBLED_LIMITS)
    assert fast == again == slow, (twice, fast[:2000], again[:2000], slow[:2000])


def test_the_switch_reads_hub_compiled() -> None:
    assert Settings.from_env({}).compiled is True
    assert Settings.from_env({"HUB_COMPILED": "0"}).compiled is False
    assert schema.execution_context_class is compiled.CompiledExecution


async def test_an_object_by_key_is_completed_from_loads_already_done(solo_world: FalkorStore) -> None:
    """An object fetched by key has the levels below it loaded first, as a root list's page has
    (hub.execution.prefetch.prefetch_by_key): a donation's donor, a county's province and the dates of
    kept giving totals included, so completing it awaits nothing; without the right to see personal
    data, an institution's giving also has its complementary suppression pattern read ahead
    (hub.schema.entities)."""
    below = """county { key province { key } } services { edges { capacity node { key } } }
        donations(first: 20, orderBy: DATE, direction: DESC) { nodes { key amount donor { key giving { count } } } }
        licences { nodes { key } }"""
    giving = "giving { amount count firstDate lastDateJalali }"
    for principal in (ROLES[-1], Principal(Role.VIEWER, subject="test:viewer")):
        document = f"query($key: String!) {{ institution(key: $key) {{ key {below} {giving} }} }}"
        fast, context = await run(solo_world, principal, document, None, {"key": "inst-a"}, compiled_path=True)
        slow, _ = await run(solo_world, principal, document, None, {"key": "inst-a"}, compiled_path=False)
        assert fast == slow
        donations = orjson.loads(fast)["data"]["institution"]["donations"]["nodes"]
        assert donations and all(d["donor"] for d in donations), (principal.role, fast[:500])
        assert context.execution is not None and context.execution.waited == 0, (principal.role, context.execution)


async def test_a_page_of_donations_has_its_donors_and_recipients_loaded_first(solo_world: FalkorStore) -> None:
    """A relation's items (donations) are made into their objects by the prefetch, which loads the
    nodes they link to before the page is completed."""
    document = """{ donations(first: 10) {
        nodes { key donor { key } institution { key county { key } } event { key } } } }"""
    fast, context = await run(solo_world, ROLES[-1], document, None, None, compiled_path=True)
    slow, _ = await run(solo_world, ROLES[-1], document, None, None, compiled_path=False)
    assert fast == slow
    nodes = orjson.loads(fast)["data"]["donations"]["nodes"]
    assert nodes and all(n["donor"] and (n["institution"] or n["event"]) for n in nodes)
    assert context.execution is not None and context.execution.waited == 0, context.execution


async def test_a_page_of_institutions_has_its_giving_decided_before_completion(solo_world: FalkorStore) -> None:
    """Without the right to see personal data, a page's institution totals wait for the complementary
    suppression pattern: the prefetch reads it with the totals' level, so completing waits for nothing."""
    document = "{ institutions(first: 5) { nodes { key giving { amount count counterparts suppressed firstDate } } } }"
    for principal in (Principal(Role.VIEWER, subject="test:viewer"), Principal(Role.PLANNER, subject="test:planner"),
                      ROLES[-1]):
        fast, context = await run(solo_world, principal, document, None, None, compiled_path=True)
        slow, _ = await run(solo_world, principal, document, None, None, compiled_path=False)
        assert fast == slow
        assert orjson.loads(fast)["data"]["institutions"]["nodes"], principal.role
        assert context.execution is not None and context.execution.waited == 0, (principal.role, context.execution)


async def test_plans_are_shared_by_requests_that_differ_only_in_what_they_do_not_depend_on(
        solo_world: FalkorStore) -> None:
    """A query's plans are built once and kept (hub.execution.plan_cache.shared_plans) for the values of
    the variables used below its root fields: another institution's key, or another caller, reuses
    them (privacy is applied by the loaders at run time, so each caller still gets its own answer);
    another page size below the root gets plans of its own. Every answer is graphql-core's."""
    document = """query($key: String!, $n: Int!) { institution(key: $key) {
        key giving { amount } donations(first: $n) { nodes { key amount donor { key } } } } }"""

    def plans() -> tuple[int, int]:
        return len(plan_cache._SHARED), sum(len(shared.plans) for shared in plan_cache._SHARED.values())

    # Counted from empty: after 256 other operations (earlier tests') the kept plans are at their bound, and
    # one more evicts one instead of adding to the count.
    plan_cache._SHARED.clear()

    answers = []
    counted = []
    for principal, key, n in ((ROLES[-1], "inst-a", 2), (Principal(Role.VIEWER, subject="test:viewer"), "inst-b", 2),
                              (ROLES[-1], "inst-b", 2), (ROLES[-1], "inst-a", 1)):
        fast, context = await run(solo_world, principal, document, None, {"key": key, "n": n}, compiled_path=True)
        slow, _ = await run(solo_world, principal, document, None, {"key": key, "n": n}, compiled_path=False)
        assert fast == slow, (principal.role, key, n)
        assert context.execution is not None and context.execution.objects == 1
        answers.append(orjson.loads(fast)["data"]["institution"])
        counted.append(plans())
    assert counted[0][1] > 0
    assert counted[1] == counted[2] == counted[0]  # another key, another caller: the same plans
    assert counted[3][0] == counted[0][0] + 1  # another page size below the root: plans of its own
    assert len(answers[3]["donations"]["nodes"]) == 1 < len(answers[0]["donations"]["nodes"])


def test_a_large_variable_value_gets_plans_of_its_own() -> None:
    """Plans are not kept under a key holding a large value used below the root: a caller could
    otherwise pin hundreds of such keys in memory (the input checks bound some texts, not all)."""
    document = graphql.parse("""query($key: String!, $text: String!) { institution(key: $key) {
        key events(filter: {search: $text}) { totalCount } } }""")
    operation = document.definitions[0]
    schema = graphql_schema(SCHEMAS[True])
    before = len(plan_cache._SHARED)
    large = plan_cache.shared_plans(schema, operation, {}, {"key": "inst-a", "text": "x" * 5_000})
    assert len(plan_cache._SHARED) == before and not large.plans
    kept = plan_cache.shared_plans(schema, operation, {}, {"key": "inst-a", "text": "x"})
    assert len(plan_cache._SHARED) == before + 1
    # the root field's key is not used below it
    assert plan_cache.shared_plans(schema, operation, {}, {"key": "inst-b", "text": "x"}) is kept
    assert plan_cache.shared_plans(schema, operation, {}, {"key": "inst-a", "text": "y"}) is not kept


def doubled(document: str, name: str | None) -> str:
    """``document`` with one more query: each root field of the operation ``name`` selected twice, once
    through a fragment holding part of its selection (``_fewer``), once through that fragment and a
    copy of the whole selection beside it. Every field below the root is then selected by the
    fragment's node alone in one place, and beside the copy's, asking for more, in the other: what the
    compiled path works out per selection (its plans, the prefetch's arguments, the rows' projections)
    must be kept per place, not per node."""
    parsed = graphql.parse(document)
    [operation] = [d for d in parsed.definitions if isinstance(d, graphql.OperationDefinitionNode)
                   and (d.name.value if d.name is not None else None) == name]
    assert GENERATED.query_type is not None
    fragments: list[graphql.FragmentDefinitionNode] = []
    selections: list[graphql.SelectionNode] = []
    for i, selection in enumerate(operation.selection_set.selections):
        if not isinstance(selection, graphql.FieldNode) or selection.selection_set is None:
            selections.append(selection)
            continue
        on = graphql.get_named_type(GENERATED.query_type.fields[selection.name.value].type)
        fragment = f"Doubled{i}"
        fragments.append(graphql.FragmentDefinitionNode(
            name=graphql.NameNode(value=fragment), type_condition=graphql.NamedTypeNode(name=graphql.NameNode(
                value=on.name)), directives=(), selection_set=_fewer(selection.selection_set)))
        spread = graphql.FragmentSpreadNode(name=graphql.NameNode(value=fragment), directives=())
        for alias, below in (("alone", (spread,)),
                             ("beside", (spread, *copy.deepcopy(selection.selection_set).selections))):
            selections.append(graphql.FieldNode(
                alias=graphql.NameNode(value=f"{alias}{i}"), name=selection.name, arguments=selection.arguments,
                directives=selection.directives, selection_set=graphql.SelectionSetNode(selections=tuple(below))))
    query = graphql.OperationDefinitionNode(
        operation=graphql.OperationType.QUERY, name=graphql.NameNode(value=f"{name or ''}Doubled"),
        variable_definitions=operation.variable_definitions, directives=(),
        selection_set=graphql.SelectionSetNode(selections=tuple(selections)))
    return graphql.print_ast(graphql.DocumentNode(definitions=(*parsed.definitions, query, *fragments)))


def _fewer(selection_set: graphql.SelectionSetNode) -> graphql.SelectionSetNode:
    """A copy of ``selection_set`` with, at every level, one field without a selection of its own (the
    first) and every field with one (each cut the same way below), fragments kept whole."""
    kept: list[graphql.SelectionNode] = []
    leaf = False
    for selection in selection_set.selections:
        if isinstance(selection, graphql.FieldNode) and selection.selection_set is not None:
            kept.append(graphql.FieldNode(alias=selection.alias, name=selection.name, arguments=selection.arguments,
                                          directives=selection.directives,
                                          selection_set=_fewer(selection.selection_set)))
        elif not isinstance(selection, graphql.FieldNode) or not leaf:
            kept.append(copy.deepcopy(selection))
            leaf = leaf or isinstance(selection, graphql.FieldNode)
    return graphql.SelectionSetNode(selections=tuple(kept))


# Each root field asked twice and its selection three times: the limits a larger operation needs.
DOUBLED_LIMITS = dataclasses.replace(SETTINGS.limits, cost=1_000_000, aliases=100, tokens=20_000)


async def test_every_operation_selected_twice_over_one_fragment_gives_the_same_bytes(solo_world: FalkorStore) -> None:
    """Every query of operations/, each root field asked for through a fragment alone and through the
    fragment beside a copy of its selection (``doubled``), as a role that sees everything and one that
    does not: the same bytes on both paths. (Projections kept by the first node selecting a field
    alone gave the second place the first's rows: a county without its name.)"""
    compared = 0
    for document, name in query_operations():
        text = doubled(document, name)
        for principal in (Principal(Role.ADMIN, subject="test:admin"), Principal(Role.VIEWER, subject="test:viewer")):
            variables = VARIABLES.get(name, {})
            fast, context = await run(solo_world, principal, text, f"{name}Doubled", variables, compiled_path=True,
                                      limits=DOUBLED_LIMITS)
            slow, _ = await run(solo_world, principal, text, f"{name}Doubled", variables, compiled_path=False,
                                limits=DOUBLED_LIMITS)
            assert fast == slow, (name, principal.role, fast[:2000], slow[:2000])
            body = orjson.loads(fast)
            assert context.execution is not None and (body["data"] or body.get("errors")), (name, body)
            compared += 1
    assert compared >= 27 * 2


_INT = 2**31


@pytest.mark.parametrize(("prop", "value", "shown"), [
    ("residents", _INT - 1, _INT - 1), ("residents", -_INT, -_INT),  # within 32 bits: Int's own value
    ("residents", _INT, "error"), ("residents", -_INT - 1, "error"),  # past them: Int refuses it
    ("residents", True, 1),  # a boolean in an Int: serialize_int's 1
    ("nameEn", 12, "12"), ("nameFa", 2.5, "2.5"),  # a number in a String: its text
])
async def test_a_value_beside_what_complete_answers_itself_reads_as_graphql_core_says(
        solo_world: FalkorStore, prop: str, value: Any, shown: Any) -> None:
    """A String attribute is answered by the plan's loop itself when it holds a str; any other value
    goes through its scalar, or falls back to graphql-core when the scalar refuses it (an int past 32
    bits in an Int): the same bytes on both paths."""
    await solo_world.write(compiled_stmt("t_set_prop", f"MATCH (n:Institution {{key: 'inst-a'}}) SET n.{prop} = $v "
                                                       "RETURN n.key AS key", write=True, register=False), v=value)
    document = '{ institution(key: "inst-a") { key nameEn nameFa residents } }'
    fast, context = await run(solo_world, ROLES[-1], document, None, None, compiled_path=True)
    slow, _ = await run(solo_world, ROLES[-1], document, None, None, compiled_path=False)
    assert fast == slow, (fast, slow)
    answered = orjson.loads(fast)
    if shown == "error":
        assert "Int cannot represent" in answered["errors"][0]["message"] and context.execution.fallbacks == 1
    else:
        assert answered["data"]["institution"][prop] == shown and "errors" not in answered


async def test_a_task_started_during_a_request_does_not_keep_its_execution_alive(solo_world: FalkorStore) -> None:
    """A task copies the context variables of the request that starts it, and may outlive it (a shared
    computation of the per-version cache): what the compiled path leaves there must not hold the
    request's execution (its context, its loaded rows) once the request is answered."""
    copied: list[contextvars.Context] = []

    async def request() -> None:
        _, context = await run(solo_world, ROLES[-1], '{ institution(key: "inst-a") { key county { key } } }',
                               None, None, compiled_path=True)
        assert context.execution is not None and context.execution.objects == 1
        copied.append(contextvars.copy_context())  # what a task started now would hold

    await asyncio.create_task(request())
    gc.collect()
    held = copied[0].get(plan_runtime.CURRENT)
    assert isinstance(held, weakref.ref) and held() is None, "the execution is freed with its request"


async def test_an_object_whose_selection_holds_no_field_of_its_type_is_an_empty_object(
        solo_world: FalkorStore) -> None:
    """A fragment on another type only: the object's plan has no field (found by tests/test_fuzz.py)."""
    node = base64.b64encode(b"Institution:inst-a").decode()
    document = f'{{ node(id: "{node}") {{ ... on Donor {{ key }} }} }}'
    fast, context = await run(solo_world, ROLES[-1], document, None, None, compiled_path=True)
    slow, _ = await run(solo_world, ROLES[-1], document, None, None, compiled_path=False)
    assert fast == slow == b'{"data":{"node":{}}}'
    assert context.execution is not None and context.execution.objects == 1


async def test_a_page_and_an_object_by_key_are_completed_from_their_rows(solo_world: FalkorStore) -> None:
    """A root list, an object by key, and the links and nested lists below them give rows, which the
    compiled path completes without making their objects (hub.execution.compiled.RowPlan): each
    institution, county, province and service of the answer is counted as completed from its row. A
    field that reads the object (a Jalali twin) has it made; the bytes are graphql-core's."""
    await offer_service(solo_world, "inst-a", "svc-care", capacity=40)
    await offer_service(solo_world, "inst-a", "svc-skills", capacity=5)
    below = """key id nameEn kind generated foundedJalali county { key nameEn province { key id } }
        services { edges { capacity node { key nameEn domain } } nodes { key } }
        giving { amount count counterparts }"""
    for principal in (ROLES[-1], Principal(Role.VIEWER, subject="test:viewer")):
        for document, variables in ((f"{{ institutions(first: 5) {{ totalCount nodes {{ {below} }} }} }}", None),
                                    (f"query($key: String!) {{ institution(key: $key) {{ {below} }} }}",
                                     {"key": "inst-a"})):
            fast, context = await run(solo_world, principal, document, None, variables, compiled_path=True)
            slow, _ = await run(solo_world, principal, document, None, variables, compiled_path=False)
            assert fast == slow, (principal.role, fast[:2000], slow[:2000])
            data = orjson.loads(fast)["data"]
            institutions = data["institutions"]["nodes"] if variables is None else [data["institution"]]
            assert institutions and all(i["county"] for i in institutions), fast[:500]
            assert any(len(i["services"]["edges"]) == 2 for i in institutions), fast[:500]
            rows = sum(3 + 2 * len(i["services"]["edges"]) for i in institutions)  # itself, county, province
            assert context.execution is not None and context.execution.rows == rows, (rows, context.execution)
            assert context.execution.fallbacks == 0


async def test_an_error_below_a_root_list_of_rows_falls_back_with_its_objects(solo_world: FalkorStore) -> None:
    """The root list gave its items as rows; an error inside one falls back, and graphql-core completes
    the list from the objects made of those rows: its error, path and nulls are its own."""
    document = """{ institutions(first: 2) { nodes { key kind county { key }
                   events(filter: {county: "IR-99-9999"}) { totalCount } } } }"""
    fast, context = await run(solo_world, ROLES[-1], document, None, None, compiled_path=True)
    slow, _ = await run(solo_world, ROLES[-1], document, None, None, compiled_path=False)
    assert fast == slow
    assert b"NOT_FOUND" in fast and b'"path":["institutions","nodes",0,"events"]' in fast
    # The list's completion, then the first item's own when graphql-core completes the list from objects.
    assert context.execution is not None and context.execution.fallbacks == 2


@pytest.mark.parametrize("stored", ["DAY_CARE", "BOGUS", 7, None])
async def test_an_enum_read_off_a_row_reads_as_graphql_core_says(solo_world: FalkorStore, stored: Any) -> None:
    """A row's enum property is answered from its plan's table of stored values (hub.execution.plan_code):
    a member its name; a value that is no member, or none in a non-null field, falls back, and
    graphql-core words the error. The same bytes on both paths, on a page of rows and by key."""
    await solo_world.write(compiled_stmt("t_set_kind", "MATCH (n:Institution {key: 'inst-a'}) SET n.kind = $v "
                                                       "RETURN n.key AS key", write=True, register=False), v=stored)
    for document in ('{ institution(key: "inst-a") { key kind } }',
                     '{ institutions(first: 3) { nodes { key kind county { key } } } }'):
        fast, context = await run(solo_world, ROLES[-1], document, None, None, compiled_path=True)
        slow, _ = await run(solo_world, ROLES[-1], document, None, None, compiled_path=False)
        assert fast == slow, (fast, slow)
        assert context.execution is not None
        if stored == "DAY_CARE":
            assert b'"kind":"DAY_CARE"' in fast and b"errors" not in fast and context.execution.fallbacks == 0
        else:
            assert b"errors" in fast and context.execution.fallbacks >= 1, fast


async def test_an_operation_asked_again_runs_its_plans_written_out_as_code(solo_world: FalkorStore) -> None:
    """An operation's first request walks its plans (plan_code.interpret): one asked once, or a stream
    of new ones, pays no compiling. Asked again, its plans run as code (plan_code.generate), and the
    plans that request adds too. Every answer is graphql-core's, byte for byte."""
    await offer_service(solo_world, "inst-a", "svc-care", capacity=40)
    plan_cache._SHARED.clear()
    document = """query($key: String!) { institution(key: $key) { key kind county { key province { key } }
                  services { edges { capacity node { key domain } } } giving { amount count } } }"""

    def plans() -> list[Any]:
        (shared,) = plan_cache._SHARED.values()
        return list(shared.plans.values())

    for asked, key in enumerate(("inst-a", "inst-a", "inst-b")):
        fast, context = await run(solo_world, ROLES[-1], document, None, {"key": key}, compiled_path=True)
        slow, _ = await run(solo_world, ROLES[-1], document, None, {"key": key}, compiled_path=False)
        assert fast == slow, (key, fast, slow)
        assert context.execution is not None and context.execution.fallbacks == 0 and context.execution.rows
        written = [hasattr(plan.complete, "source") for plan in plans()]
        assert len(written) >= 6 and all(written) is (asked > 0) and any(written) is (asked > 0), (asked, written)


async def test_a_lists_links_and_nested_lists_are_got_for_all_its_objects_at_once(solo_world: FalkorStore) -> None:
    """The links and nested lists of a list's objects are got for all of them before each is completed
    (``fast.many``: hub.execution.plan_code.batched), on the first request (its plans walked) and the next
    (written out as code): a page of rows and the objects of a page of gifts, with a link that is null (a
    gift to an event has no institution) and a donor a viewer may not see. The bytes are graphql-core's."""
    await offer_service(solo_world, "inst-a", "svc-care", capacity=40)
    document = """{ institutions(first: 5) { nodes { key county { key province { key } }
                      services { edges { capacity node { key } } } } }
                    events(first: 5) { nodes { key place { key }
                      donations { nodes { key donor { key kind } institution { key } event { key } } } } }
                    donations(first: 10) { nodes { key donor { key kind } institution { key } event { key } } } }"""
    for principal in (ROLES[-1], Principal(Role.VIEWER, subject="test:viewer")):
        slow, _ = await run(solo_world, principal, document, None, None, compiled_path=False)
        for _ in range(2):
            fast, context = await run(solo_world, principal, document, None, None, compiled_path=True)
            assert fast == slow, (principal.role, fast[:2000], slow[:2000])
            data = orjson.loads(fast)["data"]
            gifts = [d for e in data["events"]["nodes"] for d in e["donations"]["nodes"]]
            lists = [data["institutions"]["nodes"], data["events"]["nodes"], data["donations"]["nodes"], gifts]
            assert all(lists[:3]) and (bool(gifts) if principal is ROLES[-1] else b"solo" not in fast), fast[:1000]
            assert all(d["event"] and d["institution"] is None for d in gifts), fast[:1000]
            assert all(d["institution"] and d["event"] is None for d in lists[2]), fast[:1000]
            assert context.execution is not None and context.execution.fallbacks == 0
            # Each object of the four lists (the institutions' services are edges, which have no link).
            assert context.execution.batched == sum(map(len, lists)), context.execution


def test_a_batched_list_whose_object_falls_back_leaves_no_awaitable_unclosed() -> None:
    """An object of a batched list that fails (a Fallback) ends the list's completion; what the batched fields
    gave the objects after it, awaitables not yet awaited, is closed rather than left for the collector to
    warn of (hub.execution.plan_runtime.object_list)."""
    async def later(value: int) -> int:
        return value

    given: list[Any] = []

    def many(values: list[Any], context: Any, kw: Any) -> list[Any]:
        given.extend(later(v["key"]) for v in values)
        return given

    def complete(value: dict[str, Any], path: Any, pre: tuple[Any, ...] | None = None) -> Any:
        if value["key"] == 1:
            raise plan_runtime.Fallback
        return {"key": value["key"]}

    plan = type("FakePlan", (), {"batched": ((many, {}),), "complete": staticmethod(complete)})()
    execution = type("FakeExecution", (), {"stats": compiled.Stats(), "context_value": None})()
    token = plan_runtime.CURRENT.set(lambda: execution)
    try:
        with pytest.raises(plan_runtime.Fallback):
            plan_runtime.object_list(plan_runtime.null, plan_runtime.null, plan, plan,
                                     [{"key": k} for k in range(4)], None)
    finally:
        plan_runtime.CURRENT.reset(token)
    assert len(given) == 4 and execution.stats.batched == 4
    assert all(inspect.getcoroutinestate(c) == inspect.CORO_CLOSED for c in given)


def test_only_a_fast_twins_own_many_is_batched() -> None:
    """A list's objects are batched only through the ``many`` twin of the fast resolver the field has:
    a resolver standing in for another (a supervision record list narrowed to what the caller may see)
    is called object by object, even when it carries the other's attributes (``functools.wraps``)."""
    from hub.schema.fields import nested_list
    from hub.schema.supervision_records import private_list

    plain = nested_list("institution_services", "Services.").base_resolver.wrapped_func.fast
    assert compiled.many_of(plain) is plain.many
    narrowed = private_list("institution_complaints", "Complaints.", of_institution=True
                            ).base_resolver.wrapped_func.fast
    assert compiled.many_of(narrowed) is None

    @functools.wraps(plain)
    def standing_in(root: Any, context: Any, kw: dict[str, Any]) -> Any:
        return plain(root, context, kw)

    assert getattr(standing_in, "many", None) is plain.many  # carried along by wraps
    assert compiled.many_of(standing_in) is None
