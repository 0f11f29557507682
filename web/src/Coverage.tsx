// The coverage view: what is measured (a service or target group), how (method, radius, day), what colours
// the map (unmet share, shortfall, ratio, accessibility) and at which level; then the map, its legend,
// the selected area's detail and the underserved-areas table (the map's keyboard-usable equivalent).
// Every choice is in the URL (url.ts). Loaded lazily (App.tsx).
import { useCallback, useDeferredValue, useMemo, useRef } from "react";
import CoverageMap, { ATTRIBUTION } from "./CoverageMap";
import { AreaDetail } from "./AreaDetail";
import { CoverageTable, Download } from "./CoverageTable";
import { graphql } from "./gql";
import type { CoverageLevel, CoverageMethod, CoverageQuery, CoverageQuestion, Right } from "./gql/graphql";
import { useI18n } from "./i18n";
import { COLOURS, measuresOf, NO_DATA, scaleOf, type Measure, type Scale } from "./measures";
import { METHODS, type View } from "./url";
import { useQuery } from "./useQuery";
import { useWhatIf, WhatIfPanel } from "./WhatIf";

const Choices = graphql(`
  query CoverageChoices {
    services(first: 100, orderBy: KEY) { nodes { key nameFa nameEn } }
    targetGroups(first: 100, orderBy: KEY) { nodes { key nameFa nameEn } }
    provinces(first: 100, orderBy: KEY) {
      nodes { key nameFa nameEn counties(first: 100) { nodes { key nameFa nameEn } } }
    }
  }
`);

const Coverage = graphql(`
  query Coverage($question: CoverageQuestion!) {
    coverage(question: $question) {
      asOf method radiusKm norm normIsNational totalCount need capacity
      areas(first: 1000) {
        key provinceKey rank need capacity unlicensedCapacity reached target shortfall unmetShare
        ratio accessibility nearestKm withinReach
      }
    }
  }
`);

export type Area = CoverageQuery["coverage"]["areas"][number];
/** A province's or county's names, by key: asked once with the view's choices, not with every answer
 *  (the names of ~430 areas were a third of each answer's time on the server). */
export type Names = ReadonlyMap<string, { nameFa: string; nameEn: string }>;

export interface CoverageProps {
  apiKey: string;
  view: View;
  onChange: (change: Partial<View>) => void;
}

/** Persian and Arabic-Indic digits to Latin ones: the API reads dates typed either way. */
const latinDigits = (text: string) =>
  text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));

/** The question the view asks, as the API takes it. */
export function questionOf(view: View, service: string | null): CoverageQuestion {
  return {
    service: view.group ? null : service,
    targetGroup: view.group,
    method: view.method,
    level: view.level,
    radiusKm: view.radius,
    asOf: view.date ? latinDigits(view.date) : null,
  };
}

/** What the key may do (`me.rights`): the what-if is only for keys with PLAN. */
interface Rights {
  rights: readonly Right[];
}

export default function CoverageView({ apiKey, view, onChange, rights }: CoverageProps & Rights) {
  const { t, lang, number, year } = useI18n(); // (year: a figure without grouping)
  const choices = useQuery(apiKey, Choices, {});
  const firstService = choices.status === "done" ? choices.data.services.nodes[0]?.key ?? null : null;
  // What is measured: the group or service in the URL, else the first service.
  const service = view.group ? null : view.service ?? firstService;
  const measured = view.group ? `group:${view.group}` : service ? `service:${service}` : "";
  const name = (node: { nameFa: string; nameEn: string }) => (lang === "fa" ? node.nameFa : node.nameEn);
  const measures = measuresOf(view.method);
  const names: Names = useMemo(() => new Map(choices.status === "done"
    ? choices.data.provinces.nodes.flatMap((p) => [p, ...p.counties.nodes]).map((n) => [n.key, n] as const) : []),
  [choices]);

  const choose = (value: string) => {
    const [kind, key] = value.split(":", 2);
    onChange(kind === "group" ? { group: key, service: null } : { service: key, group: null });
  };

  return (
    <section aria-labelledby="coverage-heading" className="coverage">
      <h2 id="coverage-heading">{t.coverage.heading}</h2>
      <div className="controls">
        <label>
          {t.coverage.measured}{" "}
          <select id="measured" value={measured} onChange={(event) => choose(event.target.value)}>
            {choices.status === "done" && (
              <>
                <optgroup label={t.coverage.services}>
                  {choices.data.services.nodes.map((s) => <option key={s.key} value={`service:${s.key}`}>{name(s)}</option>)}
                </optgroup>
                <optgroup label={t.coverage.groups}>
                  {choices.data.targetGroups.nodes.map((g) => <option key={g.key} value={`group:${g.key}`}>{name(g)}</option>)}
                </optgroup>
              </>
            )}
          </select>
        </label>
        <label>
          {t.coverage.method}{" "}
          <select id="method" value={view.method}
                  onChange={(event) => {
                    const method = event.target.value as CoverageMethod;
                    onChange({ method, measure: measuresOf(method).includes(view.measure) ? view.measure : "unmetShare" });
                  }}>
            {METHODS.map((m) => <option key={m} value={m}>{t.coverage.methods[m]}</option>)}
          </select>
        </label>
        <label>
          {t.coverage.measure}{" "}
          <select id="measure" value={view.measure} onChange={(event) => onChange({ measure: event.target.value as Measure })}>
            {measures.map((m) => <option key={m} value={m}>{t.coverage[m]}</option>)}
          </select>
        </label>
        <label>
          {t.coverage.level}{" "}
          <select id="level" value={view.level}
                  onChange={(event) => onChange({ level: event.target.value as CoverageLevel, county: null })}>
            <option value="COUNTY">{t.coverage.levels.COUNTY}</option>
            <option value="PROVINCE">{t.coverage.levels.PROVINCE}</option>
          </select>
        </label>
        <label>
          {t.coverage.province}{" "}
          <select id="coverage-province" value={view.province ?? ""}
                  onChange={(event) => onChange({ province: event.target.value || null })}>
            <option value="">{t.dashboard.country}</option>
            {choices.status === "done" &&
              choices.data.provinces.nodes.map((p) => <option key={p.key} value={p.key}>{name(p)}</option>)}
          </select>
        </label>
        <Committed id="radius" label={t.coverage.radius} value={view.radius == null ? "" : year(view.radius)}
                   size={5} placeholder={number(50)} disabled={view.method === "RATIO"}
                   onCommit={(value) => {
                     const km = Number(latinDigits(value).replace(/[,٬]/g, "").replace("٫", "."));
                     onChange({ radius: km > 0 ? km : null });
                   }} />
        <Committed id="as-of" label={t.coverage.asOf} value={view.date ?? ""} size={11}
                   placeholder={t.coverage.asOfPlaceholder}
                   onCommit={(value) => onChange({ date: value.trim() || null })} />
      </div>
      {choices.status === "error" && <p role="alert">{t.failed}: {choices.error.message}</p>}
      {(view.group || service) && (
        <Report apiKey={apiKey} question={questionOf(view, service)} view={view} onChange={onChange} rights={rights}
                names={names} />
      )}
    </section>
  );
}

interface CommittedProps {
  id: string;
  label: string;
  value: string;
  size: number;
  placeholder: string;
  disabled?: boolean;
  onCommit: (value: string) => void;
}

/** A field whose value is asked for when it is left or Enter is pressed, not at every keystroke. */
function Committed({ id, label, value, size, placeholder, disabled, onCommit }: CommittedProps) {
  return (
    <label>
      {label}{" "}
      <input id={id} key={value} type="text" defaultValue={value} placeholder={placeholder} disabled={disabled}
             size={size} dir="ltr"
             onBlur={(event) => event.target.value !== value && onCommit(event.target.value)}
             onKeyDown={(event) => { if (event.key === "Enter") onCommit(event.currentTarget.value); }} />
    </label>
  );
}

interface ReportProps extends CoverageProps, Rights {
  question: CoverageQuestion;
  names: Names;
}

function Report({ apiKey, question, view, onChange, rights, names }: ReportProps) {
  const { t, lang, number, percent, date } = useI18n();
  const report = useQuery(apiKey, Coverage, { question });
  const answered = report.status === "done" ? report.data.coverage : null;
  // The last answer is drawn while the next one loads (the map does not flash grey), and the map says
  // which question its colours answer (`data-question`), not the one being asked.
  const last = useRef<{ coverage: CoverageQuery["coverage"]; question: CoverageQuestion } | null>(null);
  if (answered && last.current?.coverage !== answered) last.current = { coverage: answered, question };
  const coverage = last.current?.coverage ?? null;
  const areas = useMemo(
    () => (coverage?.areas ?? []).filter((a) => !view.province || a.provinceKey === view.province),
    [coverage, view.province]);
  const scale = useMemo(() => scaleOf(view.measure, areas.map((a) => a[view.measure])), [areas, view.measure]);
  const planning = rights.includes("PLAN");
  const whatIf = useWhatIf(apiKey, question, view, planning, answered !== null);
  const answer = whatIf.answer?.status === "done" ? whatIf.answer.data : null;
  // While a what-if is shown the map draws its before or after figures, on the scale of the figures as they
  // are (its before report answers the same question), so the colours compare.
  const drawnAreas = useMemo(
    () => (answer ? answer[whatIf.side].areas.filter((a) => !view.province || a.provinceKey === view.province) : areas),
    [answer, whatIf.side, areas, view.province]);
  const classes = useMemo(() => new Map(drawnAreas.map((a) => [a.key, scale.classOf(a[view.measure])])),
    [drawnAreas, scale, view.measure]);
  const drawnByKey = useMemo(() => new Map(drawnAreas.map((a) => [a.key, a])), [drawnAreas]);
  const byKey = useMemo(() => new Map(areas.map((a) => [a.key, a])), [areas]);
  const nameOf = useCallback((area: { key: string }) => {
    const named = names.get(area.key);
    return named ? (lang === "fa" ? named.nameFa : named.nameEn) : area.key;
  }, [names, lang]);
  // The table (hundreds of rows) follows a choice after the map: it gets the view deferred, and props
  // that change only with an answer, so a choice's first render and the map's repaint do not wait on it.
  const tableView = useDeferredValue(view);
  const tableAreas = useDeferredValue(areas);
  const latestChange = useRef(onChange);
  latestChange.current = onChange;
  const change = useCallback((patch: Partial<View>) => latestChange.current(patch), []);
  const classOfArea = useCallback((area: Area) => scale.classOf(area[view.measure]), [scale, view.measure]);
  const format = (measure: Measure, value: number | null | undefined) =>
    value == null ? t.coverage.noData : measure === "unmetShare" ? percent(value, 1) : number(value, measure === "accessibility" ? 6 : 2);
  const describe = (key: string) => {
    const area = byKey.get(key);
    const drawn = drawnByKey.get(key);
    return area && drawn ? `${nameOf(area)}: ${t.coverage[view.measure]} ${format(view.measure, drawn[view.measure])}` : `${key}: ${t.coverage.noData}`;
  };
  return (
    <div className="coverage-report">
      <div className="map-and-side">
        <figure className="map-figure">
          <CoverageMap classes={coverage ? classes : new Map()} level={view.level} label={t.coverage.mapLabel}
                       question={coverage ? JSON.stringify([last.current?.question, view.measure, view.province,
                         answer && [view.whatIf, view.whatIfNorm, whatIf.side]]) : ""}
                       selected={view.county} onSelect={(county) => onChange({ county })}
                       describe={describe} focus={view.province}
                       onPick={whatIf.picking ? whatIf.pick : undefined} marks={whatIf.marks} />
          <figcaption>
            <Legend scale={scale} format={(v) => format(view.measure, v)} />
            <p className="attribution" lang="en" dir="ltr">{ATTRIBUTION}</p>
          </figcaption>
        </figure>
        <div className="side">
          {report.status === "loading" && <p aria-live="polite">{t.loading}</p>}
          {report.status === "error" && <p role="alert">{t.failed}: {report.error.message}</p>}
          {coverage && (
            <p className="question-summary">
              {t.coverage.asOf}: <time dateTime={coverage.asOf}>{date(coverage.asOf)}</time>
              {" · "}{t.coverage.norm}: {number(coverage.norm, 2)} {coverage.normIsNational ? t.coverage.normNational : ""}
              {question.method !== "RATIO" && <>{" · "}{t.coverage.radius}: {number(coverage.radiusKm)}</>}
            </p>
          )}
          {coverage && view.county && byKey.has(view.county) && (
            <AreaDetail apiKey={apiKey} question={question} area={byKey.get(view.county)!} name={nameOf(byKey.get(view.county)!)}
                        onSelect={(county) => onChange({ county: view.level === "PROVINCE" ? county.slice(0, 5) : county })} />
          )}
          {planning && (
            // (a county the answer does not name, say from a mistyped link, is offered to no change)
            <WhatIfPanel apiKey={apiKey} question={question} onChange={onChange} whatIf={whatIf}
                         view={view.county && !byKey.has(view.county) ? { ...view, county: null } : view}
                         nameOf={(key) => (byKey.has(key) ? nameOf(byKey.get(key)!) : key)} />
          )}
        </div>
      </div>
      {coverage && (
        <div className="underserved">
          <Download apiKey={apiKey} question={question} />
          <CoverageTable areas={tableAreas} view={tableView} onChange={change} nameOf={nameOf} names={names}
                         classOf={classOfArea} />
        </div>
      )}
    </div>
  );
}

function Legend({ scale, format }: { scale: Scale; format: (value: number) => string }) {
  const { t } = useI18n();
  const fixed = scale.measure === "unmetShare";
  // Classes in colour order (best served first); for measures where higher is better the breaks run backwards.
  const ranges = scale.breaks.map((upper, index) => ({ lower: index === 0 ? null : scale.breaks[index - 1], upper, index }));
  return (
    <ul className="legend" aria-label={`${t.coverage.legend}: ${t.coverage[scale.measure]}`}>
      {COLOURS.map((colour, cls) => {
        const range = ranges.find((r) => scale.classOfBin(r.index) === cls && (fixed || r.lower === null || r.lower < r.upper));
        return (
          <li key={colour} data-class={cls}>
            <span className="swatch" style={{ background: colour }} aria-hidden="true" />
            {range ? (fixed ? `${format(range.lower ?? 0)}–${format(range.upper)}`
              : range.lower === null ? `≤ ${format(range.upper)}` : `${format(range.lower)}–${format(range.upper)}`) : "–"}
          </li>
        );
      })}
      <li data-class="none">
        <span className="swatch" style={{ background: NO_DATA }} aria-hidden="true" />
        {t.coverage.noData}
      </li>
    </ul>
  );
}
