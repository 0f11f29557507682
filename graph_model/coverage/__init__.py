"""Coverage gaps: need, capacity and accessibility per area."""
