import type { OverviewQuery } from "../gql/graphql";
import { useI18n } from "../i18n";

/** The scope's headline counts, as a description list. */
export function Totals({ totals }: { totals: OverviewQuery["overview"]["totals"] }) {
  const { t, number } = useI18n();
  const shown = [
    ["institutions", t.dashboard.institutions, totals.institutions],
    ["donors", t.dashboard.donors, totals.donors],
    ["councils", t.dashboard.councils, totals.councils],
    ["events", t.dashboard.events, totals.events],
    ["licences", t.dashboard.licences, totals.licences],
  ] as const;
  return (
    <section aria-labelledby="headline-heading">
      <h3 id="headline-heading" className="visually-hidden">{t.dashboard.headline}</h3>
      <dl className="headline" data-figures="totals">
        {shown.map(([key, label, value]) => (
          <div key={key} data-total={key}>
            <dt>{label}</dt>
            <dd>{number(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
