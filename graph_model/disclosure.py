"""Statistical disclosure control for published totals: primary and secondary (complementary) cell
suppression over linked tables.

The rule is the one national statistics offices apply to tables of magnitudes with hierarchies
(Hundepool et al., "Statistical Disclosure Control", Wiley 2012, ch. 4 "Magnitude tabular data":
4.2 sensitivity rules, 4.4 secondary cell suppression; the ESSnet handbook on SDC, same chapters;
the US Census Bureau's and ONS's practice for business statistics):

1. **Primary suppression** (a threshold rule): a cell whose total includes the gifts of 1 to k-1
   individual donors is withheld. Cells without individual donors (companies, foundations...) are
   not personal and are shown.
2. **Secondary suppression**: a table publishes each total with its parts (a province-year and its
   counties' years; a county's all-years total and its years; ...). Each such relation is a
   ``Margin``: ``total = sum(parts)``. A margin with exactly one withheld cell gives that cell away
   by subtraction, so another cell of the margin is withheld with it: the visible part of smallest
   value (ties: fewest contributors, then key), the rule that loses least information (Hundepool
   et al. 4.4.2; tau-ARGUS's "minimum value" cost); when no part with a value is left, the total
   itself (e.g. a province-year whose one withheld county-year has no sibling with gifts).
3. **Iterate over linked tables**: a cell lies in several margins (a county-year is a part of its
   province-year and of the county's all-years total), so a complement chosen for one margin may be
   the lone withheld cell of another; the rule is applied until no margin changes.
4. **Audit** (tau-ARGUS's "audit" step, Hundepool et al. 4.4.5): the margin rule does not see every
   combination of equations (two margins of two withheld cells each may still pin both down). So
   the withheld cells and the cells never published (``hidden``: e.g. the part of a year before
   Nowruz, which both calendars' years are made of) are solved for from the published ones: a
   withheld cell is disclosed when the linear equations of every margin fix its value. Such a cell
   gets one more complement, and the whole procedure runs again until nothing is disclosed.

The audit's linear algebra runs modulo a large prime: whatever rational combination of published
totals recovers a cell also recovers it modulo p, so no disclosure is missed; the converse can
only err towards withholding more. Cells whose value is zero are treated as known to everyone (a
year without gifts is simply absent), which is the cautious reading.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

Key = Hashable
_P = (1 << 61) - 1  # a Mersenne prime: the audit's arithmetic


@dataclass(frozen=True, slots=True)
class Cell:
    """One published total: its value (e.g. rials) and how many individual donors it covers."""

    value: int
    individuals: int = 0


@dataclass(frozen=True, slots=True)
class Margin:
    """``total`` equals the sum of ``parts`` (exactly: every part is listed, none overlap)."""

    total: Key
    parts: tuple[Key, ...]


def primary(cells: Mapping[Key, Cell], k: int) -> set[Key]:
    """Cells over 1 to k-1 individual donors (the threshold rule)."""
    return {key for key, cell in cells.items() if 0 < cell.individuals < k}


def protect(cells: Mapping[Key, Cell], margins: Iterable[Margin], k: int,
            hidden: Iterable[Key] = ()) -> frozenset[Key]:
    """The published cells to withhold: primary suppression, then complements until no margin holds
    a lone withheld cell and the audit finds no withheld cell fixed by the published ones.

    ``cells`` holds every published cell (a key a margin names but ``cells`` lacks counts as a known
    zero); ``hidden`` names cells never published, which margins may relate (their values may be in
    ``cells``: they only guide which complements are cheap)."""
    margins = [m for m in margins if m.parts]
    never = frozenset(hidden)
    withheld = primary({key: c for key, c in cells.items() if key not in never}, k)
    if not withheld:
        return frozenset()
    while True:
        _margin_rule(cells, margins, withheld, never)
        disclosed = audit(cells, margins, withheld, never)
        if not disclosed:
            return frozenset(withheld - never)
        grew = False
        for key in sorted(disclosed, key=repr):
            for m in margins:
                if key == m.total or key in m.parts:
                    extra = _complement(m, cells, withheld | never, exclude=key)
                    if extra is not None:
                        withheld.add(extra)
                        grew = True
                        break
        if not grew:  # nothing left to withhold with it: withhold every published cell related to it
            related = {c for m in margins if any(key in (m.total, *m.parts) for key in disclosed)
                       for c in (m.total, *m.parts) if _value(cells, c) and c not in never}
            if related <= withheld:
                return frozenset(withheld - never)
            withheld |= related


def _value(cells: Mapping[Key, Cell], key: Key) -> int:
    cell = cells.get(key)
    return 0 if cell is None else cell.value


def _complement(m: Margin, cells: Mapping[Key, Cell], unknown: set[Key] | frozenset[Key],
                exclude: Key = None) -> Key | None:
    """The cell of ``m`` to withhold next: its visible part of smallest value (a zero part hides
    nothing), else its total."""
    def cost(key: Key) -> tuple[int, int, str]:
        cell = cells[key]
        return (cell.value, cell.individuals, repr(key))
    parts = [p for p in m.parts if p != exclude and p not in unknown and _value(cells, p) > 0]
    if parts:
        return min(parts, key=cost)
    if m.total != exclude and m.total not in unknown and _value(cells, m.total) > 0:
        return m.total
    return None


def _margin_rule(cells: Mapping[Key, Cell], margins: list[Margin], withheld: set[Key],
                 never: frozenset[Key]) -> None:
    """Complements until no margin has exactly one unknown cell (withheld or never published)."""
    changed = True
    while changed:
        changed = False
        for m in margins:
            unknown = [c for c in (m.total, *m.parts) if (c in withheld or c in never) and _value(cells, c) > 0]
            if len(unknown) != 1 or unknown[0] in never:
                continue
            extra = _complement(m, cells, withheld | never)
            if extra is not None:
                withheld.add(extra)
                changed = True


def audit(cells: Mapping[Key, Cell], margins: Iterable[Margin], withheld: Iterable[Key],
          hidden: Iterable[Key] = ()) -> set[Key]:
    """The withheld cells whose value the published cells and the margins determine exactly.

    Unknowns are the withheld and hidden cells with a value (zero cells count as known); each margin
    is the equation total - sum(parts) = 0 over them. A withheld cell is determined exactly when its
    unit vector lies in the row space of those equations: after a full (Gauss-Jordan) reduction,
    when some row has that cell as its only entry."""
    never = frozenset(hidden)
    unknown = {c for c in (*withheld, *never) if _value(cells, c) > 0}
    if not unknown:
        return set()
    # Hidden cells first: they are eliminated as pivots, so what remains relates published cells.
    order = sorted(unknown, key=lambda c: (c not in never, repr(c)))
    index = {c: n for n, c in enumerate(order)}
    rows: dict[int, dict[int, int]] = {}  # pivot column -> reduced row
    holding: dict[int, set[int]] = {}  # column -> pivots of the rows with an entry there
    for m in margins:
        row: dict[int, int] = {}
        for c, sign in ((m.total, 1), *((p, _P - 1) for p in m.parts)):
            if c in index:
                col = index[c]
                row[col] = (row.get(col, 0) + sign) % _P
        row = {c: v for c, v in row.items() if v}
        _insert(rows, holding, row)
    return {order[pivot] for pivot, row in rows.items() if len(row) == 1 and order[pivot] not in never}


def _insert(rows: dict[int, dict[int, int]], holding: dict[int, set[int]], row: dict[int, int]) -> None:
    """Add one equation to a reduced row echelon form kept sparse (modulo ``_P``)."""
    for col in sorted(c for c in row if c in rows):
        factor = row.get(col, 0)
        if factor:
            _axpy(row, rows[col], _P - factor)
    row = {c: v for c, v in row.items() if v}
    if not row:
        return
    pivot = min(row)
    inverse = pow(row[pivot], _P - 2, _P)
    row = {c: v * inverse % _P for c, v in row.items()}
    for other in list(holding.get(pivot, ())):  # clear the new pivot's column in the other rows
        target = rows[other]
        factor = target.get(pivot, 0)
        if factor:
            before = set(target)
            _axpy(target, row, _P - factor)
            for c in before - set(target):
                holding[c].discard(other)
            for c in set(target) - before:
                holding.setdefault(c, set()).add(other)
    rows[pivot] = row
    for c in row:
        holding.setdefault(c, set()).add(pivot)


def _axpy(target: dict[int, int], row: dict[int, int], factor: int) -> None:
    """target += factor * row, dropping entries that cancel."""
    for c, v in row.items():
        value = (target.get(c, 0) + factor * v) % _P
        if value:
            target[c] = value
        else:
            target.pop(c, None)
