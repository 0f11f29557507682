import { useMemo } from "react";
import { Chart } from "../charts/Chart";
import { barsOption } from "../charts/bars";
import type { OverviewQuery } from "../gql/graphql";
import { useI18n } from "../i18n";
import { Section } from "./Section";
import { summary } from "./summary";

/** Licences in force expiring within 30, 60 and 90 days (each window counts from today), and the ten
 *  soonest to expire with their institution and date. */
export function Licences({ data }: { data: OverviewQuery }) {
  const i18n = useI18n();
  const { t, number, date, lang, dir } = i18n;
  const windows = useMemo(() => [
    { days: 30, ...data.within30.expiringLicences },
    { days: 60, ...data.within60.expiringLicences },
    { days: 90, ...data.overview.expiringLicences },
  ], [data]);
  const { soonest } = data.overview.expiringLicences;
  const labels = useMemo(() => windows.map((w) => `${number(w.days)} ${t.dashboard.days}`), [windows, number, t]);
  const option = useMemo(() => (width: number) => barsOption({
    name: t.dashboard.licences, categories: labels, values: windows.map((w) => w.total),
    horizontal: false, rtl: dir === "rtl", format: number, whole: true,
  }, width), [labels, windows, t, number, dir]);
  const label = summary(i18n, t.dashboard.expiring,
    windows.map((w, i) => ({ label: labels[i], text: number(w.total), value: w.total })), false);
  const list = soonest.length === 0 ? <p>{t.dashboard.noExpiring}</p> : (
    <table data-figures="soonest">
      <caption>{t.dashboard.soonest}</caption>
      <thead>
        <tr>
          <th scope="col">{t.dashboard.institution}</th><th scope="col">{t.dashboard.licenceNumber}</th>
          <th scope="col">{t.dashboard.licenceType}</th><th scope="col">{t.dashboard.expiresOn}</th>
          <th scope="col">{t.dashboard.daysLeft}</th>
        </tr>
      </thead>
      <tbody>
        {soonest.map(({ licence, institution, daysLeft }) => (
          <tr key={licence.key} data-licence={licence.key}>
            <th scope="row">{lang === "fa" ? institution.nameFa : institution.nameEn}</th>
            <td>{licence.number}</td>
            <td>{licence.licenceType && (lang === "fa" ? licence.licenceType.nameFa : licence.licenceType.nameEn)}</td>
            <td>{licence.expiresOn && <time dateTime={licence.expiresOn}>{date(licence.expiresOn)}</time>}</td>
            <td>{number(daysLeft)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Section id="licences" title={t.dashboard.expiring} below={list}
             chart={<Chart option={option} label={label} height={260} drawnFor={lang} />}>
      <table data-figures="expiring">
        <caption className="visually-hidden">{t.dashboard.expiring}</caption>
        <thead>
          <tr>
            <th scope="col">{t.dashboard.window}</th><th scope="col">{t.dashboard.until}</th>
            <th scope="col">{t.dashboard.licences}</th>
          </tr>
        </thead>
        <tbody>
          {windows.map((w, i) => (
            <tr key={w.days} data-days={w.days}>
              <th scope="row">{labels[i]}</th>
              <td><time dateTime={w.endsOn}>{date(w.endsOn)}</time></td>
              <td>{number(w.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
