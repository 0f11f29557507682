import { useMemo } from "react";
import { Chart } from "../charts/Chart";
import { barsOption, ROW } from "../charts/bars";
import type { OverviewQuery } from "../gql/graphql";
import { useI18n } from "../i18n";
import { Section } from "./Section";
import { summary } from "./summary";

type Overview = OverviewQuery["overview"];

/** Institutions per kind, every kind listed. */
export function Kinds({ rows, total }: { rows: Overview["institutionsByKind"]; total: number }) {
  const i18n = useI18n();
  const { t, number, lang, dir } = i18n;
  const labels = useMemo(() => rows.map((row) => t.kinds[row.kind]), [rows, t]);
  const option = useMemo(() => (width: number) => barsOption({
    name: t.dashboard.count, categories: labels, values: rows.map((row) => row.count),
    horizontal: true, rtl: dir === "rtl", format: number, whole: true,
  }, width), [labels, rows, t, number, dir]);
  const label = summary(i18n, t.dashboard.byKind,
    rows.map((row, i) => ({ label: labels[i], text: number(row.count), value: row.count })), true);
  return (
    <Section id="kinds" title={t.dashboard.byKind}
             chart={<Chart option={option} label={label} height={rows.length * ROW + 50} drawnFor={lang} />}>
      <table data-figures="institutions">
        <caption className="visually-hidden">{t.dashboard.byKind}</caption>
        <thead>
          <tr><th scope="col">{t.dashboard.kind}</th><th scope="col">{t.dashboard.count}</th></tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.kind} data-kind={row.kind}>
              <th scope="row">{labels[i]}</th><td>{number(row.count)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr><th scope="row">{t.dashboard.total}</th><td>{number(total)}</td></tr>
        </tfoot>
      </table>
    </Section>
  );
}

/** The three service domains: institutions offering any of their services (charted), and their capacity. */
export function Domains({ rows }: { rows: Overview["serviceDomains"] }) {
  const i18n = useI18n();
  const { t, number, lang, dir } = i18n;
  const labels = useMemo(() => rows.map((row) => t.dashboard.domains[row.domain]), [rows, t]);
  const option = useMemo(() => (width: number) => barsOption({
    name: t.dashboard.institutions, categories: labels, values: rows.map((row) => row.institutions),
    horizontal: true, rtl: dir === "rtl", format: number, whole: true,
  }, width), [labels, rows, t, number, dir]);
  const label = summary(i18n, t.dashboard.byDomain,
    rows.map((row, i) => ({ label: labels[i], text: number(row.institutions), value: row.institutions })), false);
  return (
    <Section id="domains" title={t.dashboard.byDomain}
             chart={<Chart option={option} label={label} height={rows.length * ROW + 70} drawnFor={lang} />}>
      <table data-figures="domains">
        <caption className="visually-hidden">{t.dashboard.byDomain}</caption>
        <thead>
          <tr>
            <th scope="col">{t.dashboard.domain}</th><th scope="col">{t.dashboard.institutions}</th>
            <th scope="col">{t.dashboard.capacity}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.domain} data-domain={row.domain}>
              <th scope="row">{labels[i]}</th><td>{number(row.institutions)}</td><td>{number(row.capacity)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
