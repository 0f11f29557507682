"""The `national` rows as relational tables for the peer (PostgreSQL under PostGraphile 4).

The tables follow the hub's own model (``graph_model.model``), so that both sides hold the same
rows: one table per label, keyed by the node's key, with a column per property. A relationship
that is many-to-one (a county's province, an institution's county, a licence's holder...) becomes
a foreign-key column of the node on the "many" side, as a relational designer would write it and
as PostGraphile turns into a link field; every other type becomes a table of its own with a
foreign key to each end. Every foreign key has an index (as the issue asks). Rows travel by COPY.

Column names are the properties' in snake case (``nameEn`` -> ``name_en``), which PostGraphile's
inflector turns back into the hub's field names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graph_model.enums import ENDPOINTS, KEYED_RELS, InstitutionKind, Label, Rel, ServiceDomain
from graph_model.model import NODE_FIELDS, REL_FIELDS, Date, Field
from seed.dataset import Dataset


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def table_of(label: Label) -> str:
    return snake(label.value)


# Many-to-one relationships folded into a foreign-key column: (the node that holds the column, the
# column, the node it refers to). The "many" side is the start of the relationship except for HOLDS.
FOLDED: dict[Rel, tuple[Label, str, Label]] = {
    Rel.IN_PROVINCE: (Label.COUNTY, "province_key", Label.PROVINCE),
    Rel.LOCATED_IN: (Label.INSTITUTION, "county_key", Label.COUNTY),
    Rel.HELD_IN: (Label.EVENT, "county_key", Label.COUNTY),
    Rel.BASED_IN: (Label.DONOR, "province_key", Label.PROVINCE),
    Rel.HOLDS: (Label.LICENCE, "institution_key", Label.INSTITUTION),
    Rel.OF_TYPE: (Label.LICENCE, "licence_type_key", Label.LICENCE_TYPE),
    Rel.ASSESSES: (Label.ASSESSMENT, "institution_key", Label.INSTITUTION),
}
# Relationship tables named as a relational schema would name them (the rest: the type in lower case).
REL_TABLES = {Rel.OFFERS: "offer", Rel.DONATED_TO: "donation", Rel.DONATED_TO_EVENT: "event_donation"}


def sql_type(name: str, spec: Field) -> str:
    if spec.type is Date:
        return "date"
    if spec.type is bool:
        return "boolean"
    if spec.type is int:
        return "bigint" if name == "amount" else "integer"  # amounts reach 10^15 rials
    if spec.type is float:
        return "double precision"
    return "text"  # str and the enums


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[tuple[str, str, bool]]  # (column, SQL type, not null)
    key: tuple[str, ...]
    refs: list[tuple[str, str]]  # (column, table it refers to by key)

    def ddl(self) -> str:
        cols = [f'"{c}" {t}{" NOT NULL" if required else ""}' for c, t, required in self.columns]
        cols.append(f"PRIMARY KEY ({', '.join(self.key)})")
        return f'CREATE TABLE "{self.name}" ({", ".join(cols)})'

    def constraints(self) -> list[str]:
        out = []
        for column, target in self.refs:
            out.append(f'ALTER TABLE "{self.name}" ADD FOREIGN KEY ("{column}") REFERENCES "{target}" (key)')
            out.append(f'CREATE INDEX ON "{self.name}" ("{column}")')
        return out


def _rel_columns(rel: Rel) -> tuple[str, str]:
    start, end = ENDPOINTS[rel]
    a, b = f"{table_of(start)}_key", f"{table_of(end)}_key"
    return (a, f"other_{b}") if a == b else (a, b)


def node_table(label: Label) -> Table:
    fields = NODE_FIELDS[label]
    columns = [("key", "text", True)] + [(snake(n), sql_type(n, f), f.required) for n, f in fields.items()]
    have = {c for c, _, _ in columns}
    refs = []
    for holder, column, target in FOLDED.values():
        if holder is label:
            if column not in have:
                columns.append((column, "text", False))
            refs.append((column, table_of(target)))
    return Table(table_of(label), columns, ("key",), refs)


def rel_table(rel: Rel) -> Table:
    start, end = ENDPOINTS[rel]
    a, b = _rel_columns(rel)
    columns = [(a, "text", True), (b, "text", True)]
    columns += [(snake(n), sql_type(n, f), f.required) for n, f in REL_FIELDS[rel].items()]
    key = ("key",) if rel in KEYED_RELS else (a, b)
    return Table(REL_TABLES.get(rel, rel.value.lower()), columns, key, [(a, table_of(start)), (b, table_of(end))])


def tables() -> list[Table]:
    """Every table, in an order where each one's references come first."""
    return [node_table(label) for label in Label] + [rel_table(rel) for rel in Rel if rel not in FOLDED]


def _cell(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Enum):
        value = value.value
    text = str(value)
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def copy_rows(table: Table, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    names = [c for c, _, _ in table.columns]
    for row in rows:
        yield "\t".join(_cell(row.get(n)) for n in names) + "\n"


def folded_columns(dataset: Dataset) -> dict[Label, dict[str, dict[str, str]]]:
    """Per label, per node key: the foreign-key columns that many-to-one relationships give it.
    A second link of the same kind from one node would make it one-to-many: refused."""
    out: dict[Label, dict[str, dict[str, str]]] = {}
    for rel, (holder, column, _) in FOLDED.items():
        start, _end = ENDPOINTS[rel]
        for row in dataset.rels.get(rel, []):
            child, parent = (row["start"], row["end"]) if holder is start else (row["end"], row["start"])
            cols = out.setdefault(holder, {}).setdefault(child, {})
            if cols.get(column, parent) != parent:
                raise SystemExit(f"{rel.value}: {child} has two; it cannot be a column of {holder.value}")
            cols[column] = parent
    return out


def table_rows(dataset: Dataset) -> Iterator[tuple[Table, Iterator[str]]]:
    """(table, its rows in COPY text) for every table, references first."""
    folded = folded_columns(dataset)
    for label in Label:
        table = node_table(label)
        extra = folded.get(label, {})
        rows = ({"key": r["key"], **{snake(k): v for k, v in r["props"].items()}, **extra.get(r["key"], {})}
                for r in dataset.nodes.get(label, []))
        yield table, copy_rows(table, rows)
    for rel in Rel:
        if rel in FOLDED:
            continue
        table = rel_table(rel)
        a, b = _rel_columns(rel)
        rows = ({a: r["start"], b: r["end"], **{snake(k): v for k, v in r["props"].items()}}
                for r in dataset.rels.get(rel, []))
        yield table, copy_rows(table, rows)


def _array(values: Iterable[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]::text[]"


def functions(nowruz: Iterable[str]) -> str:
    """What PostGraphile needs beyond the tables: an institution's giving as a computed column
    (``Institution.giving``) and the four overview sections the benchmark asks, as functions that
    PostGraphile exposes as root fields. Years are Solar Hijri as the hub counts them: the Gregorian
    year less 621 from that year's Nowruz on, less 622 before it (the Nowruz table is the hub's;
    21 March outside it)."""
    days = ", ".join(f"('{d}'::date)" for d in nowruz)
    kinds = _array(k.value for k in InstitutionKind)
    domains = _array(d.value for d in ServiceDomain)
    return f"""
CREATE TABLE nowruz (day date PRIMARY KEY, year integer NOT NULL UNIQUE);
INSERT INTO nowruz (day, year) SELECT day, extract(year FROM day)::integer FROM (VALUES {days}) AS t(day);

CREATE TYPE giving_totals AS (amount numeric, count integer, counterparts integer, first_date date, last_date date);
CREATE FUNCTION institution_giving(i institution) RETURNS giving_totals AS $$
  SELECT coalesce(sum(d.amount), 0), count(*)::integer, count(DISTINCT d.donor_key)::integer, min(d.date),
         max(d.date)
  FROM donation d WHERE d.institution_key = i.key
$$ LANGUAGE sql STABLE;

CREATE TYPE kind_count AS (kind text, count integer);
CREATE FUNCTION overview_institutions_by_kind(province text) RETURNS SETOF kind_count AS $$
  SELECT k.kind, count(i.key)::integer
  FROM unnest({kinds}) AS k(kind)
  LEFT JOIN (institution i JOIN county c ON c.key = i.county_key AND c.province_key = province) ON i.kind = k.kind
  GROUP BY k.kind ORDER BY k.kind
$$ LANGUAGE sql STABLE STRICT;

CREATE TYPE service_figures AS (service_key text, name_en text, domain text, institutions integer, capacity integer);
CREATE FUNCTION overview_services(province text) RETURNS SETOF service_figures AS $$
  SELECT s.key, s.name_en, s.domain, count(o.institution_key)::integer, coalesce(sum(o.capacity), 0)::integer
  FROM service s
  LEFT JOIN (offer o JOIN institution i ON i.key = o.institution_key
             JOIN county c ON c.key = i.county_key AND c.province_key = province) ON o.service_key = s.key
  GROUP BY s.key ORDER BY s.key
$$ LANGUAGE sql STABLE STRICT;

CREATE TYPE domain_figures AS (domain text, institutions integer, capacity integer);
CREATE FUNCTION overview_service_domains(province text) RETURNS SETOF domain_figures AS $$
  SELECT d.domain, count(DISTINCT o.institution_key)::integer, coalesce(sum(o.capacity), 0)::integer
  FROM unnest({domains}) AS d(domain)
  LEFT JOIN (offer o JOIN service s ON s.key = o.service_key JOIN institution i ON i.key = o.institution_key
             JOIN county c ON c.key = i.county_key AND c.province_key = province) ON s.domain = d.domain
  GROUP BY d.domain ORDER BY d.domain
$$ LANGUAGE sql STABLE STRICT;

CREATE TYPE year_figures AS (year integer, amount numeric, donations integer, donors integer);
CREATE FUNCTION overview_donation_years(province text) RETURNS SETOF year_figures AS $$
  SELECT g.year - CASE WHEN g.date >= coalesce(n.day, make_date(g.year, 3, 21)) THEN 621 ELSE 622 END AS year,
         sum(g.amount), count(*)::integer, count(DISTINCT g.donor_key)::integer
  FROM (SELECT d.date, d.amount, d.donor_key, extract(year FROM d.date)::integer AS year
        FROM donation d JOIN institution i ON i.key = d.institution_key
        JOIN county c ON c.key = i.county_key WHERE c.province_key = province) AS g
  LEFT JOIN nowruz n ON n.year = g.year
  GROUP BY 1 ORDER BY 1
$$ LANGUAGE sql STABLE STRICT;
"""
