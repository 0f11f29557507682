import { useMemo } from "react";
import { Chart } from "../charts/Chart";
import { barsOption, ROW } from "../charts/bars";
import type { OverviewQuery } from "../gql/graphql";
import { useI18n } from "../i18n";
import { Section } from "./Section";
import { summary } from "./summary";

/** Every service of the catalogue with the scope's capacity of it (charted) and the institutions offering it. */
export function Services({ rows }: { rows: OverviewQuery["overview"]["services"] }) {
  const i18n = useI18n();
  const { t, number, lang, dir } = i18n;
  const labels = useMemo(() => rows.map(({ service }) => (lang === "fa" ? service.nameFa : service.nameEn)), [rows, lang]);
  const option = useMemo(() => (width: number) => barsOption({
    name: t.dashboard.capacity, categories: labels, values: rows.map((row) => row.capacity),
    horizontal: true, rtl: dir === "rtl", format: number, whole: true, labelWidth: 320,
  }, width), [labels, rows, t, number, dir]);
  const label = summary(i18n, t.dashboard.byService,
    rows.map((row, i) => ({ label: labels[i], text: number(row.capacity), value: row.capacity })), true);
  return (
    <Section id="services" title={t.dashboard.byService} stacked
             chart={<Chart option={option} label={label} height={rows.length * ROW + 50} drawnFor={lang} />}>
      <table data-figures="services">
        <caption className="visually-hidden">{t.dashboard.byService}</caption>
        <thead>
          <tr>
            <th scope="col">{t.dashboard.service}</th><th scope="col">{t.dashboard.domain}</th>
            <th scope="col">{t.dashboard.offering}</th><th scope="col">{t.dashboard.capacity}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.service.key} data-service={row.service.key}>
              <th scope="row">{labels[i]}</th><td>{t.dashboard.domains[row.service.domain]}</td>
              <td>{number(row.institutions)}</td><td>{number(row.capacity)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
