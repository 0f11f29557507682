"""Thin resolvers: read arguments, call graph_model, map to GraphQL types."""
