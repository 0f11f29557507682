"""The analytics fields (networks, coverage, overview): read arguments into a scope, call the
``graph_model`` service, and redact what the caller may not see of individual donors."""
