// The coverage map: a county choropleth of the unmet share of a service or target group by a method,
// with its legend, and the underserved-areas table beside it (the map's accessible equivalent): sortable
// by its columns (the sort kept in the URL), a row and a county on the map select each other, and the
// table downloads as the hub's CSV export (with its HXL row), fetched with the API key.
// Loaded lazily (App.tsx): maplibre is most of the app's JavaScript.
import { useEffect, useMemo, useState } from "react";
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
        <Report apiKey={apiKey} question={{ service, targetGroup: view.group, method: view.method }}
                view={view} onChange={onChange} />
      )}
    </section>
  );
}

interface Question {
  service: string | null;
  targetGroup: string | null;
  method: CoverageMethod;
}

interface ReportProps extends Props {
  question: Question;
}

function Report({ apiKey, question, view, onChange }: ReportProps) {
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
        <CoverageMap classes={classes} label={t.coverage.mapLabel} selected={view.county}
                     onSelect={(county) => onChange({ county })} />
        <figcaption>
          <Legend />
          <p className="attribution" lang="en" dir="ltr">{ATTRIBUTION}</p>
        </figcaption>
      </figure>
      {report.status === "loading" && <p aria-live="polite">{t.loading}</p>}
      {report.status === "error" && <p role="alert">{t.failed}: {report.error.message}</p>}
      {report.status === "done" && (
        <div className="underserved">
          <Download apiKey={apiKey} question={question} />
          <Figures coverage={report.data.coverage} view={view} onChange={onChange} />
        </div>
      )}
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

type Area = CoverageQuery["coverage"]["areas"][number];
const COLUMNS = ["rank", "county", "unmetShare", "need", "reached", "shortfall"] as const;
type Column = (typeof COLUMNS)[number];

/** The sort in the URL (`unmetShare`, `-need`): its column and direction; by rank when absent or unknown. */
function parseSort(sort: string | null): { column: Column; descending: boolean } {
  const descending = sort?.startsWith("-") ?? false;
  const column = COLUMNS.find((c) => c === sort?.replace(/^-/, "")) ?? "rank";
  return { column, descending };
}

function sortAreas(areas: readonly Area[], column: Column, descending: boolean, name: (a: Area) => string): Area[] {
  const value = (area: Area): number => (column === "county" ? 0 : Number(area[column]));
  return [...areas].sort((a, b) => {
    const order = column === "county" ? name(a).localeCompare(name(b)) : value(a) - value(b);
    return (descending ? -order : order) || a.rank - b.rank; // ties by rank, whatever the direction
  });
}

/** Fetches the CSV export of the question with the key (a plain link could not send it) and saves it. */
function Download({ apiKey, question }: { apiKey: string; question: Question }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    const params = new URLSearchParams({ method: question.method });
    if (question.targetGroup) params.set("targetGroup", question.targetGroup);
    else if (question.service) params.set("service", question.service);
    try {
      const response = await fetch(`/export/coverage.csv?${params}`, {
        headers: { authorization: `Bearer ${apiKey}`, accept: "text/csv" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = named?.[1] ?? "coverage.csv";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <p className="download">
      <button type="button" onClick={download} title={t.coverage.downloadNote}>{t.coverage.download}</button>
      {error && <span role="alert">{t.failed}: {error}</span>}
    </p>
  );
}

function Figures({ coverage, view, onChange }: { coverage: CoverageQuery["coverage"] } & Omit<Props, "apiKey">) {
  const { t, lang, number, percent } = useI18n();
  const name = (area: Area) => (area.county ? (lang === "fa" ? area.county.nameFa : area.county.nameEn) : area.key);
  const { column, descending } = parseSort(view.sort);
  const rows = useMemo(() => sortAreas(coverage.areas, column, descending, name),
    // (name changes only with lang)
    [coverage.areas, column, descending, lang]);
  const sortBy = (next: Column) => {
    const flip = next === column && !descending;
    onChange({ sort: next === "rank" && !flip ? null : `${flip ? "-" : ""}${next}` });
  };
  const select = (county: string) => onChange({ county });
  const header = (col: Column) => (
    <th scope="col" key={col}
        aria-sort={col === column ? (descending ? "descending" : "ascending") : undefined}>
      <button type="button" className="sort" data-sort={col} onClick={() => sortBy(col)}>
        {t.coverage[col]}
        <span aria-hidden="true">{col === column ? (descending ? " ▼" : " ▲") : ""}</span>
      </button>
    </th>
  );
  return (
    <div className="table-scroll" role="region" aria-labelledby="coverage-table-caption" tabIndex={0}>
      <table data-figures="coverage">
        <caption id="coverage-table-caption">{t.coverage.tableCaption}</caption>
        <thead>
          <tr>{COLUMNS.map(header)}</tr>
        </thead>
        <tbody>
          {rows.map((area) => (
            <tr key={area.key} data-key={area.key} data-class={classOf(area.unmetShare)}
                tabIndex={0} aria-current={area.key === view.county ? "true" : undefined}
                className={area.key === view.county ? "selected" : undefined}
                onClick={() => select(area.key)}
                onKeyDown={(event) => { if (event.key === "Enter") select(area.key); }}>
              <td>{number(area.rank)}</td>
              <th scope="row">{name(area)}</th>
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
