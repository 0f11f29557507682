import { graphql } from "./gql";
import type { OverviewQuery } from "./gql/graphql";
import { useI18n } from "./i18n";
import { useQuery } from "./useQuery";

const Provinces = graphql(`
  query Provinces {
    provinces(first: 100, orderBy: KEY) { nodes { key nameFa nameEn } }
  }
`);

const Overview = graphql(`
  query Overview($province: String) {
    overview(province: $province) {
      asOf
      totals { institutions }
      institutionsByKind { kind count }
      donations(calendar: JALALI) {
        amount donations suppressed
        years { year amount donations donors suppressed }
      }
    }
  }
`);

interface Props {
  apiKey: string;
  province: string | null;
  onProvince: (province: string | null) => void;
}

/** The overview of the country or one province, every figure in an accessible table. */
export function Dashboard({ apiKey, province, onProvince }: Props) {
  const { t, lang } = useI18n();
  const provinces = useQuery(apiKey, Provinces, {});
  const overview = useQuery(apiKey, Overview, { province });
  return (
    <section aria-labelledby="dashboard-heading">
      <h2 id="dashboard-heading">{t.dashboard.heading}</h2>
      <label htmlFor="province">{t.dashboard.area}</label>{" "}
      <select id="province" value={province ?? ""} onChange={(event) => onProvince(event.target.value || null)}>
        <option value="">{t.dashboard.country}</option>
        {provinces.status === "done" &&
          provinces.data.provinces.nodes.map((p) => (
            <option key={p.key} value={p.key}>{lang === "fa" ? p.nameFa : p.nameEn}</option>
          ))}
      </select>
      {overview.status === "loading" && <p aria-live="polite">{t.loading}</p>}
      {overview.status === "error" && <p role="alert">{t.failed}: {overview.error.message}</p>}
      {overview.status === "done" && <Figures overview={overview.data.overview} />}
    </section>
  );
}

function Figures({ overview }: { overview: OverviewQuery["overview"] }) {
  const { t, number, year, date } = useI18n();
  const { donations } = overview;
  const figure = (value: number | string | null | undefined, suppressed: boolean) =>
    suppressed || value == null ? <span className="withheld">{t.dashboard.withheld}</span> : number(value);
  return (
    <>
      <p>
        {t.dashboard.asOf}: <time dateTime={overview.asOf}>{date(overview.asOf)}</time>
      </p>
      <table data-figures="institutions">
        <caption>{t.dashboard.byKind}</caption>
        <thead>
          <tr><th scope="col">{t.dashboard.kind}</th><th scope="col">{t.dashboard.count}</th></tr>
        </thead>
        <tbody>
          {overview.institutionsByKind.map((row) => (
            <tr key={row.kind} data-kind={row.kind}>
              <th scope="row">{t.kinds[row.kind]}</th><td>{number(row.count)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr><th scope="row">{t.dashboard.total}</th><td>{number(overview.totals.institutions)}</td></tr>
        </tfoot>
      </table>
      <table data-figures="donations">
        <caption>{t.dashboard.donations}</caption>
        <thead>
          <tr>
            <th scope="col">{t.dashboard.year}</th><th scope="col">{t.dashboard.amount}</th>
            <th scope="col">{t.dashboard.gifts}</th><th scope="col">{t.dashboard.donors}</th>
          </tr>
        </thead>
        <tbody>
          {donations.years.length === 0 && (
            <tr><td colSpan={4}>{t.dashboard.noDonations}</td></tr>
          )}
          {donations.years.map((row) => (
            <tr key={row.year} data-year={row.year}>
              <th scope="row">{year(row.year)}</th>
              <td>{figure(row.amount, row.suppressed)}</td>
              <td>{figure(row.donations, row.suppressed)}</td>
              <td>{figure(row.donors, row.suppressed)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t.dashboard.total}</th>
            <td>{figure(donations.amount, donations.suppressed)}</td>
            <td>{figure(donations.donations, donations.suppressed)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
      {(donations.suppressed || donations.years.some((row) => row.suppressed)) && (
        <p className="note">{t.dashboard.withheldNote}</p>
      )}
    </>
  );
}
