"""Input types for creating and updating every entity, generated from the graph model.

The properties come from ``graph_model.model.NODE_FIELDS`` and the links from
``graph_model.statements.writes.LINKS``, so a property added to the model appears in the API
without a second list to keep in step. Descriptions are those of the output type's fields.

Create inputs mark required properties and links non-null. Update inputs make every field
optional and tell "absent" (leave alone) from `null` (unset) with strawberry's UNSET.
"""

from __future__ import annotations

from typing import Any

import strawberry

from graph_model import enums as domain
from graph_model.enums import Label
from graph_model.model import NODE_FIELDS, Date as ModelDate, Field
from graph_model.mutations.entities import CODED_KEYS, DERIVED, LICENCE_EDITABLE
from graph_model.statements.writes import LINKS
from hub.schema import entities
from hub.schema import enums as e
from hub.schema.fields import camel
from hub.schema.scalars import Date
from hub.strawberry_compat import field_descriptions

# The model's enums are the GraphQL enums (strawberry.enum registers the same class).
SCALARS: dict[type, Any] = {str: str, int: int, float: float, bool: bool, ModelDate: Date}
ENUM_TYPES = {getattr(domain, name): getattr(e, name) for name in
              ("InstitutionKind", "DonorKind", "CouncilKind", "CouncilLevel", "MemberRole", "LicenceStatus",
               "AssessmentLevel", "EventKind", "ServiceDomain", "AssessorKind", "CriterionArea", "ActionStatus",
               "LicenceChangeKind", "ComplaintStatus")}
# Fields a caller never sets: generated marks seed data; searchText and mirrors are derived.
NOT_INPUT = frozenset({"generated"})

LINK_DESCRIPTIONS = {
    "province": "Key of the province (e.g. IR-06).",
    "county": "Key of the county (e.g. IR-06-0607).",
    "provinces": "Keys of the provinces it covers (replaces the whole list on update).",
    "counties": "Keys of the counties it covers (replaces the whole list on update).",
    "organiserInstitutions": "Keys of the institutions that organise it (replaces the whole list on update).",
    "organiserCouncils": "Keys of the councils that organise it (replaces the whole list on update).",
    "institution": "Key of the institution it is about.",
    "framework": "Key of the assessment framework.",
    "assessment": "Key of the assessment.",
    "targetGroups": "Keys of the target groups the service is for (replaces the whole list on update).",
    "services": "Keys of the services this licence type permits (replaces the whole list on update).",
}
# Model properties the output types do not show.
EXTRA_DESCRIPTIONS = {
    "male": "Men, 2016 census.", "female": "Women, 2016 census.", "wikidata": "Wikidata item id.",
    "centroidSource": "Where the centroid comes from.", "countiesCount": "Number of counties.",
    "phone": "A telephone number as written (Persian, Arabic-Indic or Latin digits). Never returned by the API; "
             "`dataQuality` compares it (digits only) to find duplicates.",
}


def _output_descriptions(label: Label) -> dict[str, str]:
    return {camel(name): text for name, text in field_descriptions(getattr(entities, label.value)).items()}


def article(name: str) -> str:
    return f"an {name}" if name[0] in "AEIOU" else f"a {name}"


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _graphql_type(spec: Field) -> Any:
    return ENUM_TYPES.get(spec.type) or SCALARS[spec.type]


def _properties(label: Label) -> dict[str, Field]:
    fields = {n: f for n, f in NODE_FIELDS[label].items() if n not in NOT_INPUT and n not in DERIVED.get(label, {})}
    if label is Label.LICENCE:
        fields = {n: f for n, f in fields.items() if n in LICENCE_EDITABLE}
    return fields


def _make(name: str, description: str, fields: dict[str, tuple[Any, Any, str]]) -> type:
    """A strawberry input named ``name`` from {model name: (annotation, default, description)}."""
    namespace: dict[str, Any] = {"__annotations__": {}}
    for model_name, (annotation, default, text) in fields.items():
        python = snake(model_name)
        namespace["__annotations__"][python] = annotation
        namespace[python] = strawberry.field(default=default, description=text)
    return strawberry.input(type(name, (), namespace), name=name, description=description)


def _create_input(label: Label) -> type:
    described = {**EXTRA_DESCRIPTIONS, **_output_descriptions(label), **LINK_DESCRIPTIONS}
    # Required fields first (key, properties, links), then the optional ones, as a form shows them.
    required: dict[str, tuple[Any, Any, str]] = {}
    optional: dict[str, tuple[Any, Any, str]] = {}
    if label in CODED_KEYS:
        required["key"] = (str, strawberry.UNSET, "Official code, the object's key.")
    else:
        optional["key"] = (str | None, None, "Key; a fresh one is generated when not given.")
    entries = [(name, _graphql_type(spec), spec.required) for name, spec in _properties(label).items()]
    entries += [(link.field, list[str] if link.many else str, link.required) for link in LINKS[label]]
    for name, kind, needed in entries:
        if needed:
            required[name] = (kind, strawberry.UNSET, described[name])
        else:
            optional[name] = (kind | None, None, described[name])
    return _make(f"Create{label.value}Input", f"A new {label.value}.", {**required, **optional})


def _update_input(label: Label) -> type:
    described = {**EXTRA_DESCRIPTIONS, **_output_descriptions(label), **LINK_DESCRIPTIONS}
    entries = [(name, _graphql_type(spec)) for name, spec in _properties(label).items()]
    entries += [(link.field, list[str] if link.many else str) for link in LINKS[label]]
    fields = {name: (kind | None, strawberry.UNSET, described[name]) for name, kind in entries}
    return _make(f"Update{label.value}Input", f"Changes to {article(label.value)}: an absent field stays as it "
                                              "is, `null` unsets an optional one.", fields)


def given_fields(value: Any, *, model_names: bool = True) -> dict[str, Any]:
    """An input object as a dict for the domain, UNSET fields left out: keyed by the model's
    camelCase names, or (``model_names=False``) by the Python names a function takes as keywords."""
    return {camel(name) if model_names else name: v for name, v in vars(value).items() if v is not strawberry.UNSET}


# Licences are issued (issueLicence); their changes are recorded by the transitions, never by hand.
CREATABLE = tuple(label for label in Label if label not in (Label.LICENCE, Label.LICENCE_CHANGE))
CREATE_INPUTS: dict[Label, type] = {label: _create_input(label) for label in CREATABLE}
UPDATE_INPUTS: dict[Label, type] = {label: _update_input(label) for label in Label}
