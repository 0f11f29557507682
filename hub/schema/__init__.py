"""The GraphQL schema: one query and one mutation class per area, merged here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext
from strawberry.tools import merge_types

from hub.auth import policy
from hub.execution.compiled import CompiledExecution
from hub.execution.concurrency import AnalyticsGate
from hub.schema.audit import AuditQuery
from hub.schema.browse import BrowseQuery
from hub.schema.coverage import CoverageQuery
from hub.schema.data_quality import DataQualityQuery
from hub.schema.extensions import extensions
from hub.schema.licence_pipeline import LicencePipelineQuery
from hub.schema.me import MeQuery
from hub.schema.mutations_assessments import AssessmentMutation
from hub.schema.mutations_import import ImportMutation
from hub.schema.mutations import EntityMutation
from hub.schema.mutations_relations import RelationMutation
from hub.schema.network_explore import ExploreQuery
from hub.schema.networks import NetworkQuery
from hub.schema.overview import OverviewQuery
from hub.schema.scalars import config
from hub.schema.supervision import SupervisionQuery
from hub.settings import Settings
from hub.strawberry_compat import (HooksOnce, compile_argument_conversion, describe_type, direct_root_resolvers,
                                  graphql_schema, resolve_input_fields_once, with_extensions)

log = logging.getLogger("hub")

Query = merge_types("Query", (BrowseQuery, OverviewQuery, NetworkQuery, ExploreQuery, CoverageQuery, AuditQuery,
                                 MeQuery, LicencePipelineQuery, SupervisionQuery, DataQualityQuery))
Mutation = merge_types("Mutation", (EntityMutation, RelationMutation, AssessmentMutation, ImportMutation))
describe_type(Query, (
    "Read the graph: any object by id or key, every list as a filtered, sorted connection, and dashboard "
    "aggregates (`overview`), collaboration networks (`network`, `connection`, `brokers`, `communities`, "
    "`sharedDonors`, ...), "
    "coverage gaps (`coverage`, `underservedAreas`, `coverageWhatIf`, `whoWhatWhere`), supervision "
    "(`institutionRanking`, `supervisionPlan`, `alerts`), data quality (`dataQuality`), and what the caller may "
    "do (`me`)."))
describe_type(Mutation, (
    "Change the graph. Each mutation is one transaction; an expected failure is a typed result "
    "(`... on MutationError`) and writes nothing. A value no scalar can read (a date that is neither ISO "
    "nor Solar Hijri, an amount that is not a whole number) refuses the whole request instead, in `errors` "
    "with `extensions.code` VALIDATION_FAILED."))


class HubSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """strawberry logs every error with a traceback; a client's own mistakes (a bad date, an
        unknown field) are not the server's, so they go to debug. Unexpected errors are logged
        once, with the request id, where they are masked (hub.schema.extensions.mask)."""
        for error in errors:
            log.debug("request error: %s", error.message)

    def create_extensions_runner(self, execution_context: ExecutionContext,
                                 extensions: list[SchemaExtension]) -> SchemaExtensionsRunner:
        """Each hook function wrapped once, not at every operation (hub.strawberry_compat, item 15)."""
        return HooksOnce(execution_context=execution_context, extensions=extensions)


# Built once per process: strawberry's relay fields cannot be converted twice. The access policy
# wraps its root fields once (hub.auth.policy); each app gets a copy with its settings' extensions.
schema = HubSchema(query=Query, mutation=Mutation, extensions=extensions(Settings()), config=config(),
                   execution_context_class=CompiledExecution)
direct_root_resolvers(schema)  # hub.strawberry_compat, item 18 (before the policy wraps them)
policy.enforce(schema)
resolve_input_fields_once(graphql_schema(schema))  # hub.strawberry_compat, item 7
compile_argument_conversion()  # item 17


def build_schema(settings: Settings, gate: AnalyticsGate | None = None,
                 last: Iterable[Callable[[], SchemaExtension]] = ()) -> strawberry.Schema:
    """The schema an app serves: the one above with the settings' limits, persisted queries and
    introspection switch (hub.schema.extensions); ``gate`` counts its running analytics per key;
    ``last``: extensions run after those (the app's hub.http.prepared.Remember)."""
    return with_extensions(schema, [*extensions(settings, gate), *last])
