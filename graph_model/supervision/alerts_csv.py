"""Alerts as CSV with an HXL hashtag row, in the shape of the coverage exports (graph_model.coverage.hxl):
UTF-8 with a byte order mark so spreadsheets read the Persian, one alert a row, both languages."""

from __future__ import annotations

from collections.abc import Sequence

from graph_model.coverage.hxl import _write
from graph_model.supervision.alerts import Alert
from graph_model.supervision.reading import Scope

COLUMNS = (
    ("Severity", "#severity"), ("Alert", "#meta+alert+type"), ("Province code", "#adm1+code"),
    ("County code", "#adm2+code"), ("County", "#adm2+name"), ("County (fa)", "#adm2+name+i_fa"),
    ("Institution code", "#org+code"), ("Institution", "#org+name"), ("Institution (fa)", "#org+name+i_fa"),
    ("Subject", "#meta+subject+code"), ("Date", "#date"), ("Message", "#description+i_en"),
    ("Message (fa)", "#description+i_fa"), ("As of", "#date+as_of"))


def alerts_csv(found: Sequence[Alert], scope: Scope, as_of: str) -> str:
    def county(key: str) -> list[object]:
        c = scope.counties.get(key)
        return [c.province if c else "", key, c.name_en if c else "", c.name_fa if c else ""]
    return _write(COLUMNS, (
        [a.severity.value, a.kind.value, *county(a.institution.county), a.institution.key, a.institution.name_en,
         a.institution.name_fa, a.subject, a.on.isoformat() if a.on else "", a.message_en, a.message_fa, as_of]
        for a in found))
