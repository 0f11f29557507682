"""``search`` on institutions and events also finds them by the place they lie in: "اهواز" or
"Ahvaz" finds the institutions located in Ahvaz county, "Khuzestan" those in Khuzestan's
counties, with the same folding as name search (ي/ی, ك/ک, digits, ZWNJ, case).

Names are matched when asked, not stored: the county and province names are read from the
County and Province nodes at query time, so a renamed county or province is found by its new name
at once. (Copying the place names into each institution's ``searchText`` would cost a name search
nothing more, but then every rename of a county or province would have to rewrite thousands of
institutions and events in its transaction.) What is stored is only the county's key on each
institution and event (``countyKey``), which no rename changes and which the write that moves it
sets with the link.

Cost: the list first asks which counties the text names (``counties``: one statement over the 429
counties and their provinces, 1-2 ms, shared by every list of a request through the API's
DataLoader). When it names none, as for most name searches, the list runs exactly as before. When
it names some, the list's ``searchPlaces`` fragment (``graph_model.list_specs``) stands in for the
name filter and also keeps items whose ``countyKey`` (a mirror of their county link, kept by every
write: ``graph_model.model.MIRRORS``) is one of them: 1.3-1.6x a name search over the national
profile's 21,000 institutions, where joining each institution to its county cost 4-5x.

Donors (100,000, based in a province or nowhere), councils (whose names say their area), counties
and the catalogues are still searched by name only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from graph_model.list_types import ListSpec
from graph_model.listing import Request
from graph_model.statements.reads import COUNTIES_NAMED
from graph_model.stores.base import GraphStore

FILTER = "searchPlaces"


def text_to_place(spec: ListSpec, req: Request) -> str | None:
    """The (folded) search text when ``spec`` can match it against places and it has not been yet."""
    if not any(f.name == FILTER for f in spec.filters):
        return None
    given = dict(req.filters)
    text = given.get("search")
    return text if isinstance(text, str) and given.get(FILTER) is None else None


async def counties(store: GraphStore, texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each search text, the counties whose name or whose province's name contains it (one
    statement; texts naming no place are absent)."""
    rows = await store.read(COUNTIES_NAMED, texts=list(dict.fromkeys(texts)))
    return {r["text"]: tuple(sorted(r["counties"])) for r in rows if r["counties"]}


def widened(req: Request, named: tuple[str, ...]) -> Request:
    """``req`` with its search also matching items in the counties ``named`` (unchanged when none)."""
    if not named:
        return req
    return dataclasses.replace(req, filters=tuple(sorted((*req.filters, (FILTER, named)))))
