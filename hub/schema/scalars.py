"""Custom scalars: dates that accept the Solar Hijri calendar, and exact amounts in rials."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NewType

import jdatetime
import strawberry
from strawberry.schema.config import StrawberryConfig

from graph_model.errors import FieldError, ValidationFailed
from graph_model.model import MAX_AMOUNT
from graph_model.text import normalise, whole_number

# 1403/05/24, 1403-5-24 or ۱۴۰۳/۰۵/۲۴: year 1200-1599 is read as Solar Hijri.
_JALALI = re.compile(r"^(1[2-5]\d\d)[/-](\d{1,2})[/-](\d{1,2})$")


def parse_date(value: Any, field: str = "date") -> str:
    """An ISO date string from ISO (2024-08-14) or Solar Hijri (1403/05/24) input."""
    if not isinstance(value, str):
        raise ValidationFailed("invalid date", [FieldError(field, "expected a date string")])
    text = normalise(value)
    jalali = _JALALI.match(text)
    try:
        if jalali:
            year, month, day = (int(g) for g in jalali.groups())
            return jdatetime.date(year, month, day).togregorian().isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationFailed("invalid date", [FieldError(
            field, f"{value!r} is neither an ISO date (2024-08-14) nor a Solar Hijri one (1403/05/24)")]) from None


def to_jalali(iso: str | None) -> str | None:
    """``2024-08-14`` → ``1403/05/24`` (None stays None)."""
    if iso is None:
        return None
    return jdatetime.date.fromgregorian(date=dt.date.fromisoformat(iso)).strftime("%Y/%m/%d")


def jalali_year(iso: str) -> int:
    return jdatetime.date.fromgregorian(date=dt.date.fromisoformat(iso)).year


Date = NewType("Date", str)
DATE = strawberry.scalar(
    name="Date",
    description="A calendar date. Output is ISO 8601 (`2024-08-14`); input may be ISO or Solar Hijri "
                "(`1403/05/24`, Persian digits allowed). Every date field has a `...Jalali` twin.",
    serialize=lambda v: v,
    parse_value=parse_date,
)


def _parse_rials(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationFailed("invalid amount", [FieldError("amount", "expected an integer number of rials")])
    try:
        # The forms `hub needs import` reads too: '1,000,000', '۱٬۰۰۰٬۰۰۰', '١،٠٠٠'.
        amount = whole_number(value if isinstance(value, str) else str(value))
    except ValueError as exc:
        raise ValidationFailed("invalid amount", [FieldError("amount", str(exc))]) from None
    if not -MAX_AMOUNT <= amount <= MAX_AMOUNT:
        raise ValidationFailed("invalid amount", [FieldError("amount", rials_bound(amount))])
    return amount


def rials_bound(amount: int) -> str:
    return f"{amount:,} is beyond the largest amount, {MAX_AMOUNT:,} rials (10^15)"


Rials = NewType("Rials", int)
RIALS = strawberry.scalar(
    name="Rials",
    description="An exact amount in Iranian rials. Serialised as a string of digits (`\"125000000000\"`) "
                "because totals exceed 2^53, where JSON numbers lose precision. Input may be an integer or "
                "a string: Persian (۰-۹) or Arabic-Indic (٠-٩) digits and thousands separators between groups "
                "of three digits (`\"1,000,000\"`, `\"۱٬۰۰۰٬۰۰۰\"`, also `،`) are accepted; a decimal part or a "
                "separator elsewhere (`\"1,00,000\"`) is refused. An input is at most 10^15 "
                "(1,000,000,000,000,000) rials either way.",
    serialize=str,
    parse_value=_parse_rials,
)


def maybe_rials(amount: int | None) -> Rials | None:
    """``amount`` as the Rials scalar (``Rials(amount)``); None stays None."""
    return None if amount is None else Rials(amount)


def maybe_date(iso: str | None) -> Date | None:
    """An ISO date as the Date scalar (``Date(iso)``); None stays None."""
    return None if iso is None else Date(iso)


def config() -> StrawberryConfig:
    """Schema configuration naming the hub's scalars (every schema the hub builds uses it)."""
    return StrawberryConfig(scalar_map={Date: DATE, Rials: RIALS})
