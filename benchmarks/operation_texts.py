"""The published operations (operations/*.graphql) by name, each with the text of its own file: the
files together exceed HUB_MAX_TOKENS, so a benchmark sends an operation with its file only."""

from __future__ import annotations

import re
from pathlib import Path

OPERATIONS = Path(__file__).resolve().parent.parent / "operations"
_OPERATION = re.compile(r"^(?:query|mutation|subscription) (\w+)", re.M)


def by_name(kinds: tuple[str, ...] = ("query", "mutation")) -> dict[str, str]:
    """Each operation's name -> the text of the file declaring it (of the given kinds)."""
    found = {}
    for path in sorted(OPERATIONS.glob("*.graphql")):
        text = path.read_text()
        for match in _OPERATION.finditer(text):
            if match.group(0).split()[0] in kinds:
                found[match.group(1)] = text
    return found
