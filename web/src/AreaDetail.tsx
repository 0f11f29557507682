// The selected area's detail: its need figure by figure (with each one's source, and whether it is a census
// default or a planner's figure), licensed and unlicensed capacity, what reaches it, the shortfall and rank,
// and the providers reaching it (name, distance, weight), each linking to its own county on the map.
import type { Area } from "./Coverage";
import { graphql } from "./gql";
import type { CoverageQuestion } from "./gql/graphql";
import { useI18n } from "./i18n";
import { useQuery } from "./useQuery";

const Detail = graphql(`
  query AreaDetail($question: CoverageQuestion!, $province: String!) {
    coverage(question: $question) {
      areas(first: 50, province: $province) { # a province has at most 29 counties
        key
        needs { countyKey targetGroupKey people source year override targetGroup { nameFa nameEn } }
        providers(first: 10) {
          institutionKey serviceKey capacity distanceKm weight
          institution { key nameFa nameEn county { key nameFa nameEn } }
        }
      }
    }
  }
`);

interface Props {
  apiKey: string;
  question: CoverageQuestion;
  area: Area;
  name: string;
  onSelect: (key: string) => void;
}

export function AreaDetail({ apiKey, question, area, name, onSelect }: Props) {
  const { t, lang, number, percent, year } = useI18n();
  const detail = useQuery(apiKey, Detail, { question, province: area.provinceKey });
  const found = detail.status === "done" ? detail.data.coverage.areas.find((a) => a.key === area.key) : undefined;
  const named = (node: { nameFa: string; nameEn: string } | null | undefined, fallback: string) =>
    node ? (lang === "fa" ? node.nameFa : node.nameEn) : fallback;
  const figures: [keyof typeof t.detail, string][] = [
    ["need", number(area.need)],
    ["capacity", number(area.capacity)],
    ["unlicensedCapacity", number(area.unlicensedCapacity)],
    ["reached", number(area.reached, 2)],
    ["target", number(area.target, 2)],
    ["shortfall", number(area.shortfall, 2)],
    ["unmetShare", percent(area.unmetShare, 1)],
    ["rank", number(area.rank)],
    ["nearestKm", area.nearestKm == null ? "–" : number(area.nearestKm, 2)],
  ];
  return (
    <section className="area-detail" aria-labelledby="area-detail-heading" data-key={area.key}>
      <h3 id="area-detail-heading">{name}</h3>
      <dl className="figures">
        {figures.map(([label, value]) => (
          <div key={label} data-figure={label}><dt>{t.detail[label]}</dt><dd>{value}</dd></div>
        ))}
      </dl>
      {detail.status === "loading" && <p aria-live="polite">{t.loading}</p>}
      {detail.status === "error" && <p role="alert">{t.failed}: {detail.error.message}</p>}
      {found && (
        <>
          <table data-figures="needs">
            <caption>{t.detail.needs}</caption>
            <thead>
              <tr>
                <th scope="col">{t.detail.group}</th><th scope="col">{t.detail.people}</th>
                <th scope="col">{t.detail.year}</th><th scope="col">{t.detail.source}</th>
              </tr>
            </thead>
            <tbody>
              {found.needs.map((need) => (
                <tr key={`${need.countyKey} ${need.targetGroupKey}`} data-group={need.targetGroupKey}>
                  <th scope="row">{named(need.targetGroup, need.targetGroupKey)}</th>
                  <td>{number(need.people)}</td>
                  <td>{year(need.year)}</td>
                  <td>
                    <span className={need.override ? "badge override" : "badge census"}>
                      {need.override ? t.detail.override : t.detail.censusDefault}
                    </span>{" "}
                    <span lang="en" dir="ltr">{need.source.replace(/^default: /, "")}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-figures="providers">
            <caption>{t.detail.providers}</caption>
            <thead>
              <tr>
                <th scope="col">{t.detail.provider}</th><th scope="col">{t.detail.providerCapacity}</th>
                <th scope="col">{t.detail.distance}</th><th scope="col">{t.detail.weight}</th>
              </tr>
            </thead>
            <tbody>
              {found.providers.length === 0 && <tr><td colSpan={4}>{t.detail.noProviders}</td></tr>}
              {found.providers.map((p) => (
                <tr key={`${p.institutionKey} ${p.serviceKey}`} data-institution={p.institutionKey}>
                  <th scope="row">
                    {p.institution?.county ? (
                      <button type="button" className="link" onClick={() => onSelect(p.institution!.county!.key)}
                              title={`${t.detail.showCounty}: ${named(p.institution.county, p.institution.county.key)}`}>
                        {named(p.institution, p.institutionKey)}
                      </button>
                    ) : named(p.institution, p.institutionKey)}
                  </th>
                  <td>{number(p.capacity)}</td>
                  <td>{number(p.distanceKm, 2)}</td>
                  <td>{number(p.weight, 4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
