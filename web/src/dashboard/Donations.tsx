import { useMemo } from "react";
import { Chart } from "../charts/Chart";
import { barsOption } from "../charts/bars";
import { compact } from "../charts/compact";
import type { OverviewQuery } from "../gql/graphql";
import { useI18n } from "../i18n";
import { Section } from "./Section";
import { summary } from "./summary";

/** Donations per Solar Hijri year. A withheld year (privacy) is a gap in the chart marked "withheld" under
 *  its year, never a bar of zero; in the table its figures say "withheld". */
export function Donations({ donations }: { donations: OverviewQuery["overview"]["donations"] }) {
  const i18n = useI18n();
  const { t, number, year, lang, dir } = i18n;
  const { years } = donations;
  const option = useMemo(() => (width: number) => barsOption({
    name: t.dashboard.amount,
    categories: years.map((row) => year(row.year)),
    values: years.map((row) => (row.suppressed || row.amount == null ? null : Number(row.amount))),
    horizontal: false, rtl: dir === "rtl", format: compact(lang),
    exact: (i) => number(years[i].amount!),
    marked: years.map((row) => row.suppressed), markText: t.dashboard.withheld,
  }, width), [years, t, number, year, lang, dir]);
  const figure = (value: number | string | null | undefined, suppressed: boolean) =>
    suppressed || value == null ? <span className="withheld">{t.dashboard.withheld}</span> : number(value);
  const label = summary(i18n, t.dashboard.donations, years.map((row) => ({
    label: year(row.year),
    text: row.suppressed || row.amount == null ? t.dashboard.withheld : number(row.amount),
    value: null,
  })), false);
  return (
    <Section id="donations" title={t.dashboard.donations}
             chart={years.length > 0 && <Chart option={option} label={label} height={300} drawnFor={lang} />}>
      <table data-figures="donations">
        <caption className="visually-hidden">{t.dashboard.donations}</caption>
        <thead>
          <tr>
            <th scope="col">{t.dashboard.year}</th><th scope="col">{t.dashboard.amount}</th>
            <th scope="col">{t.dashboard.gifts}</th><th scope="col">{t.dashboard.donors}</th>
          </tr>
        </thead>
        <tbody>
          {years.length === 0 && (
            <tr><td colSpan={4}>{t.dashboard.noDonations}</td></tr>
          )}
          {years.map((row) => (
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
      {(donations.suppressed || years.some((row) => row.suppressed)) && (
        <p className="note">{t.dashboard.withheldNote}</p>
      )}
    </Section>
  );
}
