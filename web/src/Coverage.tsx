// The coverage map: a county choropleth of the unmet share of a service or target group by a method,
// with its legend, and every county's figures in a table (the map's accessible equivalent).
// Loaded lazily (App.tsx): maplibre is most of the app's JavaScript.
import { useEffect, useState } from "react";
import { BREAKS, classOf, COLOURS, NO_DATA } from "./coverageClasses";
import CoverageMap, { ATTRIBUTION } from "./CoverageMap";
import { graphql } from "./gql";
import type { CoverageMethod, CoverageQuery } from "./gql/graphql";
import { useI18n } from "./i18n";
import { METHODS, type View } from "./url";
import { useQuery } from "./useQuery";

const Choices = graphql(`
  query CoverageChoices {
    services(first: 100, orderBy: KEY) { nodes { key nameFa nameEn } }
    targetGroups(first: 100, orderBy: KEY) { nodes { key nameFa nameEn } }
  }
`);

const Coverage = graphql(`
  query Coverage($question: CoverageQuestion!) {
    coverage(question: $question) {
      asOf method radiusKm norm normIsNational totalCount
      areas(first: 1000) {
        key rank need reached target shortfall unmetShare
        county { nameFa nameEn }
      }
    }
  }
`);

interface Props {
  apiKey: string;
  view: View;
  onChange: (change: Partial<View>) => void;
}

export default function CoverageView({ apiKey, view, onChange }: Props) {
  const { t, lang } = useI18n();
  const choices = useQuery(apiKey, Choices, {});
  const firstService = choices.status === "done" ? choices.data.services.nodes[0]?.key ?? null : null;
  // What is measured: the group or service in the URL, else the first service.
  const service = view.group ? null : view.service ?? firstService;
  const measured = view.group ? `group:${view.group}` : service ? `service:${service}` : "";
  const name = (node: { nameFa: string; nameEn: string }) => (lang === "fa" ? node.nameFa : node.nameEn);

  const choose = (value: string) => {
    const [kind, key] = value.split(":", 2);
    onChange(kind === "group" ? { group: key, service: null } : { service: key, group: null });
  };

  return (
    <section aria-labelledby="coverage-heading" className="coverage">
      <h2 id="coverage-heading">{t.coverage.heading}</h2>
      <div className="controls">
        <label htmlFor="measured">{t.coverage.measured}</label>
        <select id="measured" value={measured} onChange={(event) => choose(event.target.value)}>
          {choices.status === "done" && (
            <>
              <optgroup label={t.coverage.services}>
                {choices.data.services.nodes.map((s) => (
                  <option key={s.key} value={`service:${s.key}`}>{name(s)}</option>
                ))}
              </optgroup>
              <optgroup label={t.coverage.groups}>
                {choices.data.targetGroups.nodes.map((g) => (
                  <option key={g.key} value={`group:${g.key}`}>{name(g)}</option>
                ))}
              </optgroup>
            </>
          )}
        </select>
        <label htmlFor="method">{t.coverage.method}</label>
        <select id="method" value={view.method}
                onChange={(event) => onChange({ method: event.target.value as CoverageMethod })}>
          {METHODS.map((m) => <option key={m} value={m}>{t.coverage.methods[m]}</option>)}
        </select>
      </div>
      {choices.status === "error" && <p role="alert">{t.failed}: {choices.error.message}</p>}
      {(view.group || service) && (
        <Report apiKey={apiKey} question={{ service, targetGroup: view.group, method: view.method }} />
      )}
    </section>
  );
}

interface Question {
  service: string | null;
  targetGroup: string | null;
  method: CoverageMethod;
}

function Report({ apiKey, question }: { apiKey: string; question: Question }) {
  const { t } = useI18n();
  const report = useQuery(apiKey, Coverage, { question });
  const areas = report.status === "done" ? report.data.coverage.areas : null;
  // The classes drawn: the last answer's, kept while the next one loads (the map does not flash grey).
  const [classes, setClasses] = useState<ReadonlyMap<string, number>>(new Map());
  useEffect(() => {
    if (areas) setClasses(new Map(areas.map((area) => [area.key, classOf(area.unmetShare)])));
  }, [areas]);
  return (
    <div className="coverage-report">
      <figure className="map-figure">
        <CoverageMap classes={classes} label={t.coverage.mapLabel} />
        <figcaption>
          <Legend />
          <p className="attribution" lang="en" dir="ltr">{ATTRIBUTION}</p>
        </figcaption>
      </figure>
      {report.status === "loading" && <p aria-live="polite">{t.loading}</p>}
      {report.status === "error" && <p role="alert">{t.failed}: {report.error.message}</p>}
      {report.status === "done" && <Figures coverage={report.data.coverage} />}
    </div>
  );
}

function Legend() {
  const { t, percent } = useI18n();
  return (
    <ul className="legend" aria-label={t.coverage.legend}>
      {COLOURS.map((colour, index) => (
        <li key={colour} data-class={index}>
          <span className="swatch" style={{ background: colour }} aria-hidden="true" />
          {percent(index === 0 ? 0 : BREAKS[index - 1])}–{percent(BREAKS[index])}
        </li>
      ))}
      <li data-class="none">
        <span className="swatch" style={{ background: NO_DATA }} aria-hidden="true" />
        {t.coverage.noData}
      </li>
    </ul>
  );
}

function Figures({ coverage }: { coverage: CoverageQuery["coverage"] }) {
  const { t, lang, number, percent } = useI18n();
  return (
    <div className="table-scroll" role="region" aria-labelledby="coverage-table-caption" tabIndex={0}>
      <table data-figures="coverage">
        <caption id="coverage-table-caption">{t.coverage.tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.coverage.rank}</th><th scope="col">{t.coverage.county}</th>
            <th scope="col">{t.coverage.unmetShare}</th><th scope="col">{t.coverage.need}</th>
            <th scope="col">{t.coverage.reached}</th><th scope="col">{t.coverage.shortfall}</th>
          </tr>
        </thead>
        <tbody>
          {coverage.areas.map((area) => (
            <tr key={area.key} data-key={area.key} data-class={classOf(area.unmetShare)}>
              <td>{number(area.rank)}</td>
              <th scope="row">
                {area.county ? (lang === "fa" ? area.county.nameFa : area.county.nameEn) : area.key}
              </th>
              <td data-share={area.unmetShare}>
                <span className="swatch" style={{ background: COLOURS[classOf(area.unmetShare)] }} aria-hidden="true" />
                {percent(area.unmetShare, 1)}
              </td>
              <td>{number(area.need)}</td>
              <td>{number(area.reached, 2)}</td>
              <td>{number(area.shortfall, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
