"""API keys (``hub keys``): one ``:ApiKey`` bookkeeping node per key, keyed by the key's id.

The node holds the sha256 of the secret, never the secret. The writes return no rows on
purpose: a store bumps the graph version only after a write that returned rows, and a key is
not part of the graph the version describes (caches of derived answers must not be dropped
because someone created a key). Success is read back with ``API_KEY_BY_ID``.
"""

from __future__ import annotations

from graph_model.cypher import statement
from graph_model.enums import MetaLabel

_KEY = MetaLabel.API_KEY.value
# The key node's properties besides its key (Neo4j's linter is told of them).
PROPERTIES = ("hash", "role", "provinces", "note", "createdAt", "revokedAt", "institution")

_FIELDS = ("k.key AS key, k.hash AS hash, k.role AS role, k.provinces AS provinces, k.note AS note, "
           "k.createdAt AS createdAt, k.revokedAt AS revokedAt, k.institution AS institution")

# revokedAt is left unset (read back as null): neither store keeps a null property. MERGE of the
# whole node, not CREATE: a retry finds the key it made and changes nothing; the same id with
# other content cannot match, and creating it breaks the unique key (Conflict).
CREATE_API_KEY = statement(
    "api_key_create",
    f"""MERGE (k:{_KEY} {{key: $key, hash: $hash, role: $role, provinces: $provinces, note: $note,
        createdAt: $createdAt}})""",
    write=True,
)

# An institution key (role institution) also holds the institution it speaks for; other keys have no
# such property (neither store keeps a null), so their creation stays the statement above.
CREATE_INSTITUTION_KEY = statement(
    "api_key_create_institution",
    f"""MERGE (k:{_KEY} {{key: $key, hash: $hash, role: $role, provinces: $provinces, note: $note,
        createdAt: $createdAt, institution: $institution}})""",
    write=True,
)

API_KEY_BY_ID = statement(
    "api_key_by_id",
    f"MATCH (k:{_KEY}) WHERE k.key = $key RETURN {_FIELDS}",
)

LIST_API_KEYS = statement(
    "api_key_list",
    f"MATCH (k:{_KEY}) RETURN {_FIELDS} ORDER BY k.createdAt, k.key",
)

# A revoked key keeps its first revocation time.
REVOKE_API_KEY = statement(
    "api_key_revoke",
    f"MATCH (k:{_KEY}) WHERE k.key = $key AND k.revokedAt IS NULL SET k.revokedAt = $revokedAt",
    write=True,
)
