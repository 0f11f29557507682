"""Counts and lookups by key (lists live in graph_model.listing, links in graph_model.links)."""

from __future__ import annotations

from functools import lru_cache

from graph_model.cypher import PROPERTY, Rooted, Statement, projected, projected_name, seek_keys, statement
from graph_model.enums import Label, Rel

COUNT_NODES = statement(
    "count_nodes",
    " UNION ALL ".join(
        f"MATCH (n:{label.value}) RETURN '{label.value}' AS name, count(n) AS total" for label in Label
    ),
)

COUNT_RELS = statement(
    "count_rels",
    " UNION ALL ".join(
        f"MATCH ()-[r:{rel.value}]->() RETURN '{rel.value}' AS name, count(r) AS total" for rel in Rel
    ),
)


def _by_keys(label: Label, props: tuple[str, ...] | None = None, register: bool = True) -> Statement:
    return statement(
        f"get_{label.value}_by_keys{projected_name(props)}",
        f"""{seek_keys("n", label.value, carry=False)}
            RETURN {projected("n", props)} AS node""",
        register=register,
        # (FalkorDB projects a null node into a map of nulls: hence the CASE)
        rooted=Rooted("node", f"CASE WHEN root IS NULL THEN null ELSE {projected('root', props)} END", label.value),
    )


BY_KEYS: dict[Label, Statement] = {label: _by_keys(label) for label in Label}
_by_keys(Label.INSTITUTION, ("key", "nameEn"))  # the projected form, for the linter


@lru_cache(maxsize=1024)
def by_keys(label: Label, props: tuple[str, ...] | None) -> Statement:
    """Nodes by key, with only ``props`` in their rows (None: every property)."""
    return BY_KEYS[label] if props is None else _by_keys(label, props, register=False)


def _by_value(label: Label, prop: str, props: tuple[str, ...] | None, register: bool = True) -> Statement:
    if not PROPERTY.fullmatch(prop):
        raise ValueError(f"not a property name: {prop!r}")
    return statement(
        f"get_{label.value}_by_{prop}{projected_name(props)}",
        f"""MATCH (n:{label.value}) WHERE n.{prop} IN $values
            RETURN n.{prop} AS value, {projected("n", props)} AS node""",
        register=register,
    )


_by_value(Label.COUNTY, "provinceKey", ("key", "nameEn"))  # a province's counties, projected: for the linter


@lru_cache(maxsize=1024)
def by_value(label: Label, prop: str, props: tuple[str, ...] | None) -> Statement:
    """The nodes whose ``prop`` is in ``$values`` (an indexed property: a county's provinceKey), each
    with that value, with only ``props`` in their rows (None: every property)."""
    return _by_value(label, prop, props, register=False)


def _count(label: Label) -> Statement:
    return statement(f"count_{label.value}", f"MATCH (n:{label.value}) RETURN count(n) AS total")


COUNT: dict[Label, Statement] = {label: _count(label) for label in Label}


# Labels whose keys list filters take (graph_model.filter_keys checks each list's filters name one of these).
FILTER_KEY_LABELS = (Label.PROVINCE, Label.COUNTY, Label.SERVICE, Label.TARGET_GROUP, Label.LICENCE_TYPE)


def key_param(label: Label) -> str:
    """The parameter of ``KEYS_OR_NAMES`` holding the values asked of ``label`` (``targetGroup``)."""
    return label.value[0].lower() + label.value[1:]


# For each value given as a key of one of FILTER_KEY_LABELS ({key, text: the value folded as search
# folds it, or null}): the node with that key, or else those it may have meant (key in another case or
# digits, or a name containing it). Each branch scans one small catalogue (31 provinces, 429 counties,
# a few dozen services, target groups and licence types); an empty list unwinds to no row.
KEYS_OR_NAMES = statement(
    "filter_keys_or_names",
    " UNION ALL ".join(
        f"UNWIND ${key_param(label)} AS v MATCH (n:{label.value}) "
        f"WHERE n.key = v.key OR toLower(n.key) = v.text OR n.searchText CONTAINS v.text "
        f"RETURN '{label.value}' AS label, v.key AS value, n.key AS key, n.nameEn AS nameEn, n.nameFa AS nameFa"
        for label in FILTER_KEY_LABELS
    ),
)


# For each search text: the counties whose name, or whose province's name, contains it (429 counties
# and their 31 provinces: a scan of a small catalogue). graph_model.search_places.
COUNTIES_NAMED = statement(
    "counties_named",
    """UNWIND $texts AS t
       MATCH (c:County)-[:IN_PROVINCE]->(p:Province)
       WHERE c.searchText CONTAINS t OR p.searchText CONTAINS t
       RETURN t AS text, collect(c.key) AS counties""",
)
