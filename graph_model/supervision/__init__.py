"""Supervision: the ranking of institutions, the plan of office visits and the alerts (issue 19).

``reading`` turns a scope into the facts of its institutions (a few batched statements);
``ranking``, ``plan`` and ``alerts`` are plain computations over those facts, testable without a store.
"""
