import "./dashboard.css";
import { useEffect } from "react";
import { loadCharts } from "./charts/Chart";
import { Domains, Kinds } from "./dashboard/Institutions";
import { Donations } from "./dashboard/Donations";
import { Licences } from "./dashboard/Licences";
import { Services } from "./dashboard/Services";
import { Totals } from "./dashboard/Totals";
import { graphql } from "./gql";
import { useI18n } from "./i18n";
import { useQuery } from "./useQuery";

const Provinces = graphql(`
  query Provinces {
    provinces(first: 100, orderBy: KEY) { nodes { key nameFa nameEn } }
  }
`);

// The licences expiring in the next 30 and 60 days are two more overviews of the same scope, asked in the
// same request: the overview loads only the sections selected, so each costs one expiry count.
const Overview = graphql(`
  query Overview($province: String) {
    overview(province: $province, expiringWithinDays: 90) {
      asOf
      totals { institutions donors councils events licences }
      institutionsByKind { kind count }
      serviceDomains { domain institutions capacity }
      services { institutions capacity service { key nameFa nameEn domain } }
      expiringLicences {
        endsOn total
        soonest {
          daysLeft
          licence { key number expiresOn licenceType { nameFa nameEn } }
          institution { key nameFa nameEn }
        }
      }
      donations(calendar: JALALI) {
        amount donations suppressed
        years { year amount donations donors suppressed }
      }
    }
    within30: overview(province: $province, expiringWithinDays: 30) { expiringLicences { endsOn total } }
    within60: overview(province: $province, expiringWithinDays: 60) { expiringLicences { endsOn total } }
  }
`);

interface Props {
  apiKey: string;
  province: string | null;
  onProvince: (province: string | null) => void;
}

/** The overview of the country or one province: each section a chart (ECharts, loaded after the tables)
 *  and its figures as a table. */
export function Dashboard({ apiKey, province, onProvince }: Props) {
  const { t, lang, date } = useI18n();
  const provinces = useQuery(apiKey, Provinces, {});
  const overview = useQuery(apiKey, Overview, { province });
  // ECharts' chunk is fetched while the overview is asked, not after it has come.
  useEffect(() => void loadCharts(), []);
  return (
    <section aria-labelledby="dashboard-heading" className="dashboard">
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
      {overview.status === "done" && (
        <>
          <p>
            {t.dashboard.asOf}: <time dateTime={overview.data.overview.asOf}>{date(overview.data.overview.asOf)}</time>
          </p>
          <Totals totals={overview.data.overview.totals} />
          <Kinds rows={overview.data.overview.institutionsByKind} total={overview.data.overview.totals.institutions} />
          <Domains rows={overview.data.overview.serviceDomains} />
          <Services rows={overview.data.overview.services} />
          <Donations donations={overview.data.overview.donations} />
          <Licences data={overview.data} />
        </>
      )}
    </section>
  );
}
