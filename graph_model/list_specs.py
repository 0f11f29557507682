"""Every list the API offers: the filters and sorts of each kind of item, and the patterns of
the root and nested lists (a province's counties, an institution's donors, ...).

Variables: ``n`` is the listed node, ``p`` the parent, ``r`` the relationship between them;
donation lists bind ``dn`` (donor), ``r`` (the donation) and ``rc`` (recipient); membership
lists bind ``mb`` (member), ``r`` and ``n`` (council).
"""

from __future__ import annotations

from graph_model import model
from graph_model.cypher import at_most
from graph_model.enums import DonorKind, Label
from graph_model.list_statements import lint_samples
from graph_model.list_types import Entity, Filter, ListSpec, Sort
from graph_model.statements.overview import AMOUNT_UNIT

SEARCH = Filter("search", where="n.searchText CONTAINS $search")
NAMES = (Sort("NAME_EN", "coalesce(n.nameEn, '')"), Sort("NAME_FA", "coalesce(n.nameFa, '')"),
         Sort("KEY", "n.key"))


def _in_province(path: str, var: str) -> Filter:
    return Filter("province", match=f"MATCH {path} WHERE {var}.provinceKey = $province", key_of=Label.PROVINCE)


def _in_county(path: str, var: str) -> Filter:
    return Filter("county", match=f"MATCH {path} WHERE {var}.key = $county", key_of=Label.COUNTY)


# ``search`` also matching the county or province an institution or event lies in: set by
# graph_model.search_places with the keys of the counties the text names, read off the item's
# countyKey mirror (a join to the county cost 4-5x a name search over 21,000 institutions).
SEARCH_PLACES = Filter("searchPlaces", internal=True, replaces="search",
                       where="n.searchText CONTAINS $search OR n.countyKey IN $searchPlaces")


def _range(name: str, expr: str, op: str) -> Filter:
    return Filter(name, where=f"{expr} {op} ${name}")


def _until(name: str, expr: str) -> Filter:
    return Filter(name, where=at_most(expr, name))


def _names(*more: Sort, default: str = "NAME_EN", filters: tuple[Filter, ...] = (SEARCH,), name: str) -> Entity:
    return Entity(name, filters, (*NAMES, *more), default)


PROVINCE = _names(Sort("POPULATION", "coalesce(n.population, -1)"), name="Province")
COUNTY = _names(Sort("POPULATION", "coalesce(n.population, -1)"), name="County",
                filters=(SEARCH, Filter("province", where="n.provinceKey = $province", key_of=Label.PROVINCE)))
# An institution's total takes in individual donors' gifts, withheld from callers without the
# personal right (hub.auth.privacy): they sort by the gifts of the other donors, which they can
# list and add up themselves (graph_model.list_types.Sort.public). Every other sort of every list is
# over figures all readers see: donor, donation and council-seat lists hold no individual donor for
# them (hub.auth.visibility narrows them), so their DONATIONS and AMOUNT sorts add up visible gifts only.
_PUBLIC_GIFTS = Sort("DONATIONS", "coalesce(sum(s_d.amount), 0)",
                     "OPTIONAL MATCH (n)<-[s_d:DONATED_TO]-(s_dn:Donor) WHERE s_dn.kind <> $sortIndividual",
                     params=(("sortIndividual", DonorKind.INDIVIDUAL.value),))
INSTITUTION = _names(
    Sort("RESIDENTS", "coalesce(n.residents, -1)"),
    Sort("FOUNDED", "coalesce(n.founded, '')"),
    Sort("CAPACITY", "coalesce(sum(s_o.capacity), 0)", "OPTIONAL MATCH (n)-[s_o:OFFERS]->(:Service)"),
    Sort("DONATIONS", "coalesce(sum(s_d.amount), 0)", "OPTIONAL MATCH (n)<-[s_d:DONATED_TO]-(:Donor)",
         public=_PUBLIC_GIFTS),
    name="Institution",
    filters=(
        SEARCH,
        Filter("kind", where="n.kind IN $kind"),
        _in_province("(n)-[:LOCATED_IN]->(f_pc:County)", "f_pc"),
        _in_county("(n)-[:LOCATED_IN]->(f_cc:County)", "f_cc"),
        Filter("service", match="MATCH (n)-[:OFFERS]->(f_s:Service) WHERE f_s.key = $service",
               key_of=Label.SERVICE),
        Filter("domain", match="MATCH (n)-[:OFFERS]->(f_d:Service) WHERE f_d.domain IN $domain",
               multiplies=True),
        Filter("targetGroup", multiplies=True, key_of=Label.TARGET_GROUP,
               match="MATCH (n)-[:OFFERS]->(:Service)-[:SERVES]->(f_t:TargetGroup) WHERE f_t.key = $targetGroup"),
        Filter("licenceStatus", match="MATCH (n)-[:HOLDS]->(f_l:Licence) WHERE f_l.status IN $licenceStatus",
               multiplies=True),
        SEARCH_PLACES,
    ))
DONOR = _names(
    Sort("DONATIONS", "coalesce(sum(s_d.amount), 0)", "OPTIONAL MATCH (n)-[s_d:DONATED_TO]->(:Institution)"),
    name="Donor",
    filters=(SEARCH, Filter("kind", where="n.kind IN $kind"),
             Filter("province", match="MATCH (n)-[:BASED_IN]->(f_p:Province) WHERE f_p.key = $province",
                    key_of=Label.PROVINCE)))
PERSON = _names(name="Person")
COUNCIL = _names(
    Sort("LEVEL", "n.level"), name="Council",
    filters=(SEARCH, Filter("kind", where="n.kind IN $kind"), Filter("level", where="n.level IN $level"),
             Filter("province", multiplies=True, key_of=Label.PROVINCE,
                    match="MATCH (n)-[:COVERS_PROVINCE|COVERS_COUNTY]->(f_a) "
                          "WHERE f_a.key = $province OR f_a.provinceKey = $province"),
             Filter("county", match="MATCH (n)-[:COVERS_COUNTY]->(f_c:County) WHERE f_c.key = $county",
                    key_of=Label.COUNTY)))
SERVICE = _names(
    Sort("DOMAIN", "n.domain"), name="Service",
    filters=(SEARCH, Filter("domain", where="n.domain IN $domain"),
             Filter("targetGroup", match="MATCH (n)-[:SERVES]->(f_t:TargetGroup) WHERE f_t.key = $targetGroup",
                    key_of=Label.TARGET_GROUP)))
TARGET_GROUP = _names(name="TargetGroup")
LICENCE_TYPE = _names(name="LicenceType")
_HOLDER = "(n)<-[:HOLDS]-(:Institution)-[:LOCATED_IN]->"
LICENCE = Entity("Licence", (
    # $search is folded (graph_model.text.normalise: lower case among others): so is the number.
    Filter("search", where="toLower(n.number) CONTAINS $search"),
    Filter("status", where="n.status IN $status"),
    _range("expiresFrom", "n.expiresOn", ">="), _until("expiresTo", "n.expiresOn"),
    _in_province(f"{_HOLDER}(f_pc:County)", "f_pc"),
    _in_county(f"{_HOLDER}(f_cc:County)", "f_cc"),
    Filter("service", match="MATCH (n)-[:LICENSES]->(f_s:Service) WHERE f_s.key = $service", key_of=Label.SERVICE),
    Filter("licenceType", match="MATCH (n)-[:OF_TYPE]->(f_t:LicenceType) WHERE f_t.key = $licenceType",
           key_of=Label.LICENCE_TYPE),
), (Sort("EXPIRES_ON", "coalesce(n.expiresOn, '')"), Sort("ISSUED_ON", "coalesce(n.issuedOn, '')"),
    Sort("STATUS", "n.status"), Sort("KEY", "n.key")), "EXPIRES_ON")
EVENT = _names(
    Sort("STARTS_ON", "n.startsOn"), name="Event", default="STARTS_ON",
    filters=(SEARCH, Filter("kind", where="n.kind IN $kind"),
             _range("startsFrom", "n.startsOn", ">="), _until("startsTo", "n.startsOn"),
             _in_province("(n)-[:HELD_IN]->(f_pc:County)", "f_pc"),
             _in_county("(n)-[:HELD_IN]->(f_cc:County)", "f_cc"),
             SEARCH_PLACES))
ASSESSMENT = Entity("Assessment", (
    Filter("level", where="n.level IN $level"),
    _range("dateFrom", "n.date", ">="), _until("dateTo", "n.date"),
    _range("scoreMin", "n.score", ">="), _range("scoreMax", "n.score", "<="),
), (Sort("DATE", "n.date"), Sort("SCORE", "n.score"), Sort("KEY", "n.key")), "DATE")
FRAMEWORK = _names(Sort("VERSION", "n.version"), name="AssessmentFramework")
CRITERION = _names(Sort("WEIGHT", "n.weight"), name="Criterion",
                   filters=(SEARCH, Filter("area", where="n.area IN $area")))
CORRECTIVE_ACTION = Entity("CorrectiveAction", (
    Filter("status", where="n.status IN $status"),
    _range("dueFrom", "n.dueOn", ">="), _until("dueTo", "n.dueOn"),
), (Sort("DUE_ON", "n.dueOn"), Sort("KEY", "n.key")), "DUE_ON")
LICENCE_CHANGE = Entity("LicenceChange", (
    Filter("change", where="n.change IN $change"),
    _range("onFrom", "n.on", ">="), _until("onTo", "n.on"),
), (Sort("ON", "n.on"), Sort("KEY", "n.key")), "ON")
COMPLAINT = Entity("Complaint", (
    Filter("status", where="n.status IN $status"),
    _range("receivedFrom", "n.receivedOn", ">="), _until("receivedTo", "n.receivedOn"),
), (Sort("RECEIVED_ON", "n.receivedOn"), Sort("KEY", "n.key")), "RECEIVED_ON")
DONATION = Entity("Donation", (
    _range("amountMin", "r.amount", ">="), _range("amountMax", "r.amount", "<="),
    _range("dateFrom", "r.date", ">="), _until("dateTo", "r.date"),
    Filter("donorKind", where="dn.kind IN $donorKind"),
    Filter("search", where="toLower(coalesce(r.purpose, '')) CONTAINS $search"),
), (Sort("DATE", "r.date"), Sort("AMOUNT", "r.amount"), Sort("KEY", "r.key")), "DATE")
MEMBERSHIP = Entity("Membership", (
    Filter("role", where="r.role IN $role"),
    Filter("memberKind", where="labels(mb)[0] IN $memberKind"),
    Filter("memberDonorKind", where="(NOT mb:Donor OR mb.kind IN $memberDonorKind)"),
), (Sort("ROLE", "coalesce(r.role, '')"), Sort("SINCE", "coalesce(r.since, '')"),
    Sort("NAME_EN", "coalesce(mb.nameEn, '')")), "ROLE")
NEED = Entity("Need", (Filter("year", where="r.year = $year"),),
              (Sort("PEOPLE", "r.people"), Sort("YEAR", "r.year"), Sort("KEY", "n.key")), "PEOPLE")

ENTITIES = {e.name: e for e in (PROVINCE, COUNTY, INSTITUTION, DONOR, PERSON, COUNCIL, SERVICE, TARGET_GROUP,
                                LICENCE_TYPE, LICENCE, EVENT, ASSESSMENT, DONATION, MEMBERSHIP, NEED, FRAMEWORK,
                                CRITERION, CORRECTIVE_ACTION, LICENCE_CHANGE, COMPLAINT)}

# donorKind: whether the donor is an individual decides who may see the donation (hub.auth.privacy).
DONATION_ROW = ("{props: properties(r), donor: dn.key, donorKind: dn.kind, recipient: rc.key, "
                "recipientKind: labels(rc)[0]}")
MEMBERSHIP_ROW = "{props: properties(r), member: mb.key, memberKind: labels(mb)[0], council: n.key}"
NEED_ROW = "{props: properties(r), county: p.key, targetGroup: n.key}"
# A donor-institution pair's giving: the amount in two exact parts (graph_model.links.whole joins them),
# sorted by their double (close enough to order by, and it cannot overflow).
GIVING = (f"{{units: toInteger(sum(r.amount / {AMOUNT_UNIT})), rest: toInteger(sum(r.amount % {AMOUNT_UNIT})), "
          "count: count(r), firstDate: min(r.date), lastDate: max(r.date)} AS e", "e")
GIVING_ORDER = f"toFloat(e.units) * {AMOUNT_UNIT} + e.rest"


def root(entity: Entity, pattern: str, **kw: object) -> ListSpec:
    return ListSpec(f"{entity.name.lower()}s", entity, pattern, **kw)  # type: ignore[arg-type]


def nested(name: str, entity: Entity, parent: Label, pattern: str, **kw: object) -> ListSpec:
    return ListSpec(name, entity, pattern, parent=parent, **kw)  # type: ignore[arg-type]

# DONATION_ROW entry by entry, its properties named (those of graph_model.model.DONATION; a property a gift
# lacks is null here, absent from properties(r): Donation.from_row reads both alike).
DONATION_FLAT = (*(("props", name, f"r.{name}") for name in model.DONATION),
                 ("", "donor", "dn.key"), ("", "donorKind", "dn.kind"), ("", "recipient", "rc.key"),
                 ("", "recipientKind", "labels(rc)[0]"))
_DONATION_LIST = {"carry": ("dn", "r", "rc"), "row": DONATION_ROW, "id": "r.key", "flat": DONATION_FLAT}
_MEMBER_LIST = {"carry": ("mb", "r", "n"), "row": MEMBERSHIP_ROW, "id": "mb.key"}
_ROLE_EDGE = {"carry": ("n", "r"), "edge": "{role: r.role, since: r.since}"}

ROOTS: dict[str, ListSpec] = {spec.entity.name: spec for spec in (
    root(PROVINCE, "(n:Province)"), root(COUNTY, "(n:County)"), root(INSTITUTION, "(n:Institution)"),
    root(DONOR, "(n:Donor)"), root(PERSON, "(n:Person)"), root(COUNCIL, "(n:Council)"),
    root(SERVICE, "(n:Service)"), root(TARGET_GROUP, "(n:TargetGroup)"), root(LICENCE_TYPE, "(n:LicenceType)"),
    root(LICENCE, "(n:Licence)"), root(EVENT, "(n:Event)"), root(ASSESSMENT, "(n:Assessment)"),
    root(FRAMEWORK, "(n:AssessmentFramework)"), root(CORRECTIVE_ACTION, "(n:CorrectiveAction)"),
    root(COMPLAINT, "(n:Complaint)"),
    root(DONATION, "(dn:Donor)-[r:DONATED_TO]->(rc:Institution)", **_DONATION_LIST,
         edge_scan="()-[r:DONATED_TO]->()", ends="startNode(r) AS dn, endNode(r) AS rc"),
)}

# Root lists that a scope filter narrows to a nested list: far cheaper than joining every item.
SCOPED: dict[tuple[str, str], str] = {
    ("Institution", "province"): "province_institutions",
    ("Institution", "county"): "county_institutions",
    ("Institution", "service"): "service_institutions",
    ("Donor", "province"): "province_donors",
    ("Event", "province"): "province_events",
    ("Event", "county"): "county_events",
    ("Council", "province"): "province_councils",
    ("Licence", "province"): "province_licences",
    ("County", "province"): "province_counties",
    ("Donation", "province"): "province_donations",
}

NESTED: dict[str, ListSpec] = {spec.name: spec for spec in (
    nested("province_counties", COUNTY, Label.PROVINCE, "(n:County)-[:IN_PROVINCE]->(p:Province)",
           filters_off=("province",)),
    nested("province_institutions", INSTITUTION, Label.PROVINCE,
           "(n:Institution)-[:LOCATED_IN]->(:County)-[:IN_PROVINCE]->(p:Province)", filters_off=("province",)),
    # The councils first (400 on `national`): left to itself FalkorDB scanned every node of the graph
    # for ``pa`` (58 ms for one province's councils, 279 ms for five; 3.3 ms for five this way).
    nested("province_councils", COUNCIL, Label.PROVINCE, "(n)-[:COVERS_PROVINCE|COVERS_COUNTY]->(pa)",
           key_where="(pa.key = k OR pa.provinceKey = k)", distinct=True, filters_off=("province",),
           items_first="(n:Council)"),
    nested("province_donors", DONOR, Label.PROVINCE, "(n:Donor)-[:BASED_IN]->(p:Province)",
           filters_off=("province",)),
    nested("province_events", EVENT, Label.PROVINCE,
           "(n:Event)-[:HELD_IN]->(:County)-[:IN_PROVINCE]->(p:Province)", filters_off=("province",)),
    nested("province_licences", LICENCE, Label.PROVINCE,
           "(n:Licence)<-[:HOLDS]-(:Institution)-[:LOCATED_IN]->(:County)-[:IN_PROVINCE]->(p:Province)",
           filters_off=("province",)),
    nested("province_donations", DONATION, Label.PROVINCE,
           "(dn:Donor)-[r:DONATED_TO]->(rc:Institution)-[:LOCATED_IN]->(:County)-[:IN_PROVINCE]->(p:Province)",
           **_DONATION_LIST),
    nested("county_institutions", INSTITUTION, Label.COUNTY, "(n:Institution)-[:LOCATED_IN]->(p:County)",
           filters_off=("province", "county")),
    nested("county_councils", COUNCIL, Label.COUNTY, "(n:Council)-[:COVERS_COUNTY]->(p:County)",
           filters_off=("province", "county")),
    nested("county_events", EVENT, Label.COUNTY, "(n:Event)-[:HELD_IN]->(p:County)",
           filters_off=("province", "county")),
    nested("county_needs", NEED, Label.COUNTY, "(p:County)-[r:NEEDS]->(n:TargetGroup)",
           carry=("p", "n", "r"), row=NEED_ROW),
    nested("institution_services", SERVICE, Label.INSTITUTION, "(p:Institution)-[r:OFFERS]->(n:Service)",
           carry=("n", "r"), edge="{capacity: r.capacity}",
           sort_overrides=(("CAPACITY", "r.capacity"),)),
    nested("institution_licences", LICENCE, Label.INSTITUTION, "(p:Institution)-[:HOLDS]->(n:Licence)",
           filters_off=("province", "county")),
    nested("institution_donors", DONOR, Label.INSTITUTION, "(p:Institution)<-[r:DONATED_TO]-(n:Donor)",
           aggregate=GIVING[0], edge=GIVING[1], sort_overrides=(("DONATIONS", GIVING_ORDER),)),
    nested("institution_donations", DONATION, Label.INSTITUTION, "(dn:Donor)-[r:DONATED_TO]->(rc:Institution)",
           parent_var="rc", **_DONATION_LIST),
    nested("institution_councils", COUNCIL, Label.INSTITUTION,
           "(p:Institution)-[r:INSTITUTION_MEMBER_OF]->(n:Council)", **_ROLE_EDGE),
    nested("institution_partners", INSTITUTION, Label.INSTITUTION, "(p:Institution)-[r:PARTNERS_WITH]-(n:Institution)",
           carry=("n", "r"), edge="{since: r.since, purpose: r.purpose}"),
    nested("institution_events", EVENT, Label.INSTITUTION, "(p:Institution)-[r:PARTICIPATED_IN]->(n:Event)",
           carry=("n", "r"), edge="{role: r.role}"),
    nested("institution_assessments", ASSESSMENT, Label.INSTITUTION, "(n:Assessment)-[:ASSESSES]->(p:Institution)"),
    nested("donor_donations", DONATION, Label.DONOR, "(dn:Donor)-[r:DONATED_TO]->(rc:Institution)",
           parent_var="dn", **_DONATION_LIST),
    nested("donor_institutions", INSTITUTION, Label.DONOR, "(p:Donor)-[r:DONATED_TO]->(n:Institution)",
           aggregate=GIVING[0], edge=GIVING[1], sort_overrides=(("DONATIONS", GIVING_ORDER),)),
    nested("donor_councils", COUNCIL, Label.DONOR, "(p:Donor)-[r:DONOR_MEMBER_OF]->(n:Council)", **_ROLE_EDGE),
    nested("council_members", MEMBERSHIP, Label.COUNCIL,
           "(mb)-[r:DONOR_MEMBER_OF|INSTITUTION_MEMBER_OF|PERSON_MEMBER_OF]->(n:Council)", parent_var="n",
           **_MEMBER_LIST),
    nested("council_provinces", PROVINCE, Label.COUNCIL, "(p:Council)-[:COVERS_PROVINCE]->(n:Province)"),
    nested("council_counties", COUNTY, Label.COUNCIL, "(p:Council)-[:COVERS_COUNTY]->(n:County)"),
    nested("council_sessions", EVENT, Label.COUNCIL, "(n:Event)-[:ORGANISED_BY_COUNCIL]->(p:Council)"),
    nested("event_organisers", INSTITUTION, Label.EVENT, "(p:Event)-[:ORGANISED_BY_INSTITUTION]->(n:Institution)"),
    nested("event_councils", COUNCIL, Label.EVENT, "(p:Event)-[:ORGANISED_BY_COUNCIL]->(n:Council)"),
    nested("event_participants", INSTITUTION, Label.EVENT, "(n:Institution)-[r:PARTICIPATED_IN]->(p:Event)",
           carry=("n", "r"), edge="{role: r.role}"),
    nested("event_services", SERVICE, Label.EVENT, "(p:Event)-[r:PROVIDED]->(n:Service)",
           carry=("n", "r"), edge="{people: r.people}"),
    nested("event_donations", DONATION, Label.EVENT, "(dn:Donor)-[r:DONATED_TO_EVENT]->(rc:Event)",
           parent_var="rc", **_DONATION_LIST),
    nested("service_institutions", INSTITUTION, Label.SERVICE, "(n:Institution)-[r:OFFERS]->(p:Service)",
           carry=("n", "r"), edge="{capacity: r.capacity}", filters_off=("service",),
           sort_overrides=(("CAPACITY", "r.capacity"),)),
    nested("service_target_groups", TARGET_GROUP, Label.SERVICE, "(p:Service)-[:SERVES]->(n:TargetGroup)"),
    nested("target_group_services", SERVICE, Label.TARGET_GROUP, "(n:Service)-[:SERVES]->(p:TargetGroup)",
           filters_off=("targetGroup",)),
    nested("licence_type_services", SERVICE, Label.LICENCE_TYPE, "(p:LicenceType)-[:PERMITS]->(n:Service)"),
    nested("licence_services", SERVICE, Label.LICENCE, "(p:Licence)-[:LICENSES]->(n:Service)"),
    nested("framework_criteria", CRITERION, Label.FRAMEWORK, "(n:Criterion)-[:IN_FRAMEWORK]->(p:AssessmentFramework)"),
    nested("assessment_scores", CRITERION, Label.ASSESSMENT, "(p:Assessment)-[r:SCORED]->(n:Criterion)",
           carry=("n", "r"), edge="{value: r.value}", sort_overrides=(("VALUE", "r.value"),)),
    nested("assessment_actions", CORRECTIVE_ACTION, Label.ASSESSMENT,
           "(n:CorrectiveAction)-[:CORRECTS]->(p:Assessment)"),
    nested("institution_actions", CORRECTIVE_ACTION, Label.INSTITUTION,
           "(n:CorrectiveAction)-[:CORRECTS]->(:Assessment)-[:ASSESSES]->(p:Institution)"),
    nested("licence_changes", LICENCE_CHANGE, Label.LICENCE, "(n:LicenceChange)-[:CHANGE_OF]->(p:Licence)"),
    nested("institution_complaints", COMPLAINT, Label.INSTITUTION, "(n:Complaint)-[:COMPLAINT_ABOUT]->(p:Institution)"),
    nested("person_councils", COUNCIL, Label.PERSON, "(p:Person)-[r:PERSON_MEMBER_OF]->(n:Council)", **_ROLE_EDGE),
)}

LINTED = lint_samples([*ROOTS.values(), *NESTED.values()])
