"""Placeholder: statements for the collaboration networks (being written)."""
