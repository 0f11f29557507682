"""Executing GraphQL requests: the per-request context and DataLoaders, the limits checked before a
query runs, and persisted queries."""
