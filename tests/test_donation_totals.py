"""Donation totals kept by the writes (graph_model.donation_totals) equal a rebuild from the gifts,
cell by cell, after a random sequence of writes through the real mutations.

The rebuild reads every gift and works the cells out in Python; the writes change them in Cypher,
from the gifts of the donors they touch. The sequence mixes what moves a gift between cells or
changes who counts in one (and so an institution's `giving`, read from its cell, equals its gifts
read one by one): gifts recorded (several by one donor in one cell, to an institution in
no county, to an event, which counts nowhere), changed in amount and date (across Nowruz and
years), deleted; institutions moved to another county, counties to another province, donors
turned individual and back; deletes of donors and institutions (refused while they have gifts).
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from graph_model import donation_totals, links
from graph_model.enums import Label, Rel
from graph_model.errors import Conflict
from graph_model.statements.donation_totals import Level, Period
from graph_model.mutations import (create_node, delete_donation, delete_node, record_donation, update_donation,
                                   update_node)
from graph_model.stores.falkordb import FalkorStore
from seed.dataset import Dataset
from seed.loader import load
from seed.profiles import build
from tests.builders import build_world, names

STEPS = 300
PROVINCES = ("IR-00", "IR-01")
COUNTIES = ("IR-00-0001", "IR-00-0002", "IR-01-0001", "IR-01-0002")
INSTITUTIONS = ("inst-a", "inst-b", "inst-c", "inst-d", "inst-e")
UNLOCATED = "inst-nowhere"  # written by a bulk load without a county (mutations always give one)
KINDS = ("INDIVIDUAL", "COMPANY", "FOUNDATION")
# Days around Nowruz (20-21 March in these years) and elsewhere, in five Gregorian years.
DAYS = ("03-19", "03-20", "03-21", "03-22", "01-05", "06-30", "12-31")
YEARS = (2021, 2022, 2023, 2024, 2025)
# Amounts up to past AMOUNT_UNIT, and the largest gift (a few of which pass 2^53): sums stay exact.
AMOUNTS = (1, 10_000, 999_999_999, 1_000_000_000, 123_456_789_012, 10**15)


async def _world(store: FalkorStore) -> list[str]:
    await build_world(store)
    await create_node(store, Label.COUNTY, {"key": "IR-01-0002", "province": "IR-01", **names("IR-01-0002")})
    for key, county in zip(INSTITUTIONS[2:], COUNTIES[1:], strict=True):
        await create_node(store, Label.INSTITUTION, {"key": key, "kind": "CHARITY", "county": county, **names(key)})
    donors = [f"donor-{n}" for n in range(2, 9)]
    for n, key in enumerate(donors):
        await create_node(store, Label.DONOR, {"key": key, "kind": KINDS[n % len(KINDS)], "province": "IR-00",
                                               **names(key)})
    nowhere = Dataset("nowhere")
    nowhere.node(Label.INSTITUTION, UNLOCATED, kind="CHARITY", **names(UNLOCATED))
    await load(store, nowhere)
    return ["donor-1", *donors]


def _date(rng: random.Random) -> str:
    return f"{rng.choice(YEARS)}-{rng.choice(DAYS)}"


async def _differences(store: FalkorStore) -> list[str]:
    kept = await donation_totals.stored(store)
    built = {cell["key"]: cell for cell in await donation_totals.computed(store)}
    return [f"{key}: kept {kept.get(key)}, rebuilt {built.get(key)}"
            for key in sorted(set(kept) | set(built)) if kept.get(key) != built.get(key)]


async def _giving_differences(store: FalkorStore) -> list[str]:
    """An institution's `giving` (read from its kept cell; its dates from the gifts only when the cell does not
    know them, as hub.schema.entities reads them) against its gifts read one by one."""
    keys = [*INSTITUTIONS, UNLOCATED, "inst-missing"]
    kept = await links.fetch_giving(store, Label.INSTITUTION, keys)
    dates = await links.fetch_giving_dates(store, keys)
    scanned = await links.scan_giving(store, Label.INSTITUTION, keys)
    wrong = []
    for key in keys:
        ours = kept.get(key, links.NO_GIVING)
        if not ours.dated:
            ours = replace(ours, first_date=dates.get(key, (None, None))[0],
                           last_date=dates.get(key, (None, None))[1], dated=True)
        if ours != scanned.get(key, links.NO_GIVING):
            wrong.append(f"{key}: kept {ours}, from the gifts {scanned.get(key)}")
    return wrong


async def _step(store: FalkorStore, rng: random.Random, donors: list[str], gifts: list[str], n: int) -> str:
    """One random write; returns what it did (for the failure message)."""
    roll = rng.random()
    if roll < 0.40 or not gifts:
        donor = rng.choice(donors[:3]) if rng.random() < 0.5 else rng.choice(donors)  # repeat givers
        target = UNLOCATED if rng.random() < 0.08 else rng.choice(INSTITUTIONS)
        key = f"g-{n}"
        if rng.random() < 0.05:
            await record_donation(store, donor=donor, amount=rng.choice(AMOUNTS), date=_date(rng), event="evt-1",
                                  key=key)
            return f"gift {key} from {donor} to the event"
        gift: dict[str, Any] = {"donor": donor, "amount": rng.choice(AMOUNTS), "date": _date(rng),
                                "institution": target, "key": key}
        await record_donation(store, **gift)
        if rng.random() < 0.1:  # the same gift recorded again (a retried request): counted once
            await record_donation(store, **gift)
        gifts.append(key)
        return f"gift {key} from {donor} to {target}"
    if roll < 0.55:
        key = rng.choice(gifts)
        change: dict[str, Any] = rng.choice(({"amount": rng.choice(AMOUNTS)}, {"date": _date(rng)},
                                             {"amount": rng.choice(AMOUNTS), "date": _date(rng)}))
        await update_donation(store, key, change)
        return f"change {key}: {change}"
    if roll < 0.70:
        key = gifts.pop(rng.randrange(len(gifts)))
        await delete_donation(store, key)
        return f"delete {key}"
    if roll < 0.80:
        institution, county = rng.choice(INSTITUTIONS), rng.choice(COUNTIES)
        await update_node(store, Label.INSTITUTION, institution, {"county": county})
        return f"move {institution} to {county}"
    if roll < 0.88:
        donor, kind = rng.choice(donors), rng.choice(KINDS)
        await update_node(store, Label.DONOR, donor, {"kind": kind})
        return f"{donor} becomes {kind}"
    if roll < 0.93:
        county, province = rng.choice(COUNTIES), rng.choice(PROVINCES)
        await update_node(store, Label.COUNTY, county, {"province": province})
        return f"move {county} to {province}"
    label, key = rng.choice(((Label.DONOR, rng.choice(donors)), (Label.INSTITUTION, rng.choice(INSTITUTIONS))))
    try:
        await delete_node(store, label, key)
    except Conflict:
        return f"delete {key} refused"
    # Nothing gave to it: it goes, and comes back as it was, for later steps to use.
    if label is Label.DONOR:
        await create_node(store, label, {"key": key, "kind": rng.choice(KINDS), "province": "IR-01", **names(key)})
    else:
        await create_node(store, label, {"key": key, "kind": "CHARITY", "county": rng.choice(COUNTIES),
                                         **names(key)})
    return f"delete {key}, made again"


async def test_totals_kept_by_random_writes_equal_a_rebuild(store: FalkorStore) -> None:
    donors = await _world(store)
    rng = random.Random(18)
    gifts: list[str] = []
    done: list[str] = []
    for n in range(STEPS):
        done.append(await _step(store, rng, donors, gifts, n))
        if n % 50 == 49 or n == STEPS - 1:
            wrong = await _differences(store) + await _giving_differences(store)
            assert not wrong, f"after {n + 1} writes (last: {done[-5:]}):\n" + "\n".join(wrong[:20])
    given = await links.fetch_giving(store, Label.INSTITUTION, list(INSTITUTIONS))
    assert sum(g.count > 0 for g in given.values()) > 2, "few institutions were given to: the comparison proves little"
    assert len(await donation_totals.stored(store)) > 100, "the sequence left few cells: it proves little"
    done_kinds = {d.split()[0] for d in done}
    assert {"gift", "change", "delete", "move"} <= done_kinds, done_kinds


async def test_a_replayed_gift_counts_once_and_deleting_everything_leaves_no_total(store: FalkorStore) -> None:
    await build_world(store)
    gift: dict[str, Any] = {"donor": "donor-1", "amount": 5, "date": "2024-03-20", "institution": "inst-a",
                            "key": "g"}
    await record_donation(store, **gift)
    once = await donation_totals.stored(store)
    await record_donation(store, **gift)
    assert await donation_totals.stored(store) == once
    await record_donation(store, **{**gift, "key": "g2", "date": "2024-03-21"})
    await delete_donation(store, "g")
    await delete_donation(store, "g2")
    assert await donation_totals.stored(store) == {}


async def test_rebuild_replaces_every_total(store: FalkorStore) -> None:
    """What ``hub aggregates rebuild`` and a bulk load run: totals written some other way (here
    broken on purpose) are replaced by the gifts' own."""
    await build_world(store)
    await record_donation(store, donor="donor-1", amount=7, date="2023-05-01", institution="inst-b", key="g")
    kept = await donation_totals.stored(store)
    await store.write(donation_totals.stmts.REPLACE, rows=[{"key": "stale", "level": 0, "area": "", "calendar": 0,
                                                           "year": 0, "part": 0, "donations": 9, "units": 0,
                                                           "rest": 9, "donors": 9, "individuals": 9}])
    assert await donation_totals.rebuild(store) == len(kept)
    assert await donation_totals.stored(store) == kept


@pytest.mark.parametrize("kind", ["INDIVIDUAL", "COMPANY"])
async def test_a_donor_counts_once_per_cell_and_goes_with_their_last_gift(store: FalkorStore, kind: str) -> None:
    await build_world(store)
    await update_node(store, Label.DONOR, "donor-1", {"kind": kind})
    for n, date in enumerate(("2024-05-01", "2024-06-01")):
        await record_donation(store, donor="donor-1", amount=5, date=date, institution="inst-a", key=f"g{n}")
    country_2024 = donation_totals.cell_key(0, donation_totals.COUNTRY_AREA, 1, 2024, 0)
    cell = (await donation_totals.stored(store))[country_2024]
    assert (cell["donations"], cell["donors"], cell["individuals"]) == (2, 1, int(kind == "INDIVIDUAL"))
    await delete_donation(store, "g0")
    cell = (await donation_totals.stored(store))[country_2024]
    assert (cell["donations"], cell["donors"], cell["individuals"]) == (1, 1, int(kind == "INDIVIDUAL"))


async def test_a_gift_written_while_the_rebuild_reads_is_in_its_totals(store: FalkorStore) -> None:
    """A write landing between the rebuild's read and its replacement (injected by a wrapper around
    the read) makes the rebuild read again: the totals hold the gift, equal to the writes' own."""
    await build_world(store)
    await record_donation(store, donor="donor-1", amount=7, date="2023-05-01", institution="inst-b", key="g1")
    read = store.read
    landed: list[Any] = []

    async def read_then_write(stmt: Any, **params: Any) -> Any:
        rows = await read(stmt, **params)
        if stmt is donation_totals.stmts.PIECES_PER_DONOR and not landed:
            landed.append(await record_donation(store, donor="donor-1", amount=5, date="2024-05-01",
                                                institution="inst-a", key="g2"))
        return rows

    store.read = read_then_write  # type: ignore[method-assign]
    try:
        await donation_totals.rebuild(store)
    finally:
        store.read = read  # type: ignore[method-assign]
    assert landed and await _differences(store) == []
    assert any(cell["area"] == "inst-a" for cell in (await donation_totals.stored(store)).values())


def _edges_dataset() -> Dataset:
    """Gifts on every side of Nowruz in five years, of individuals and companies, to located and
    unlocated institutions, with amounts past 2^53: what a bulk load's own totals must get right."""
    data = Dataset("edges")
    data.node(Label.PROVINCE, "IR-00", **names("Markazi"))
    data.node(Label.COUNTY, "IR-00-0001", provinceKey="IR-00", **names("IR-00-0001"))
    data.rel(Rel.IN_PROVINCE, "IR-00-0001", "IR-00")
    for key in ("inst-here", "inst-nowhere"):
        data.node(Label.INSTITUTION, key, kind="CHARITY", **names(key))
    data.rel(Rel.LOCATED_IN, "inst-here", "IR-00-0001")
    for n, kind in enumerate(KINDS):
        data.node(Label.DONOR, f"donor-{kind.lower()}", kind=kind, **names(f"donor {n}"))
    gift = 0
    for year in YEARS:
        for day in DAYS:
            for kind in KINDS:
                for institution in ("inst-here", "inst-nowhere"):
                    gift += 1
                    data.rel(Rel.DONATED_TO, f"donor-{kind.lower()}", institution, key=f"gift-{gift}",
                             amount=AMOUNTS[gift % len(AMOUNTS)], date=f"{year}-{day}")
    return data


@pytest.mark.parametrize("profile", ["edges", "demo"])
async def test_a_load_into_an_empty_store_works_the_totals_out_as_a_rebuild_would(store: FalkorStore,
                                                                                  profile: str) -> None:
    """seed.totals groups the dataset's gifts in memory as PIECES_PER_DONOR groups the store's."""
    await load(store, _edges_dataset() if profile == "edges" else build(profile))
    assert await donation_totals.stored(store)
    assert await _differences(store) == []


async def test_a_store_with_gifts_but_no_totals_gets_them_at_start(store: FalkorStore) -> None:
    """A store written before the totals were kept: `hub serve` rebuilds them at start
    (hub.cli.main, donation_totals.ensure); a store with totals, or without gifts, is left alone."""
    await load(store, _edges_dataset())
    kept = await donation_totals.stored(store)
    assert await donation_totals.ensure(store) is None
    await donation_totals.replace(store, [])  # as an older store has them
    assert await donation_totals.ensure(store) == len(kept)
    assert await donation_totals.stored(store) == kept


def test_an_institution_cell_key_and_totals_are_made_as_their_general_forms_make_them() -> None:
    """``links.institution_cell`` joins the fixed parts around the key as ``cell_key`` joins them all, and
    ``links.kept_giving`` fills what ``Giving`` takes, equal and hashing alike."""
    for key in ("inst-000002", "inst-birjand-hazrat-ali-akbar", "", "a|b", "۱۲۳"):
        assert links.institution_cell(key) == donation_totals.cell_key(Level.INSTITUTION, key, Period.ALL, 0, 0)
    made = links.kept_giving(10**20 + 7, 3, 2, 1)
    general = links.Giving(10**20 + 7, 3, 2, 1, None, None, dated=False)
    assert made == general and hash(made) == hash(general) and repr(made) == repr(general)
