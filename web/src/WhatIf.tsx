// The what-if of the coverage view, for keys with the PLAN right only (Coverage.tsx renders none of it
// otherwise): a list of hypothetical changes is built (places added at the selected county or at a point
// picked on the map, a provider closed, another norm); Run asks `coverageWhatIf` and puts the changes in the
// URL (url.ts), so a link reopens the same what-if; the map then shows the after (or before) figures and a
// table lists the areas that changed. The API computes it in memory: nothing is written.
import { useEffect, useState } from "react";
import { execute } from "./api";
import type { Mark } from "./CoverageMap";
import { graphql } from "./gql";
import type { CoverageChangeInput, CoverageQuestion, CoverageWhatIfQuery } from "./gql/graphql";
import { useI18n } from "./i18n";
import type { View, WhatIfChange } from "./url";
import { useQuery, type QueryState } from "./useQuery";

const WhatIf = graphql(`
  query CoverageWhatIf($question: CoverageQuestion!, $changes: [CoverageChangeInput!]!, $normAfter: Float) {
    coverageWhatIf(question: $question, changes: $changes, normAfter: $normAfter) {
      before { areas(first: 1000) { key provinceKey unmetShare shortfall ratio accessibility } }
      after { areas(first: 1000) { key provinceKey unmetShare shortfall ratio accessibility } }
      changed {
        shortfallChange
        before { key shortfall reached unmetShare county { nameFa nameEn } province { nameFa nameEn } }
        after { shortfall reached unmetShare }
      }
    }
  }
`);

// What changes can be made of: the services serving a target group (places added under a group's question
// name their service) and the institutions one may close: those of the selected county offering what is
// measured, or those whose name matches. Directory reads, not analytics: the hub runs at most two analytics
// operations of a key at once (HUB_MAX_CONCURRENT_ANALYTICS), and the map, the area's detail and the what-if
// are already two or three.
const Options = graphql(`
  query WhatIfOptions($group: String!, $withServices: Boolean!, $institutions: InstitutionFilter!, $withInstitutions: Boolean!) {
    services(first: 100, filter: { targetGroup: $group }) @include(if: $withServices) { nodes { key nameFa nameEn } }
    institutions(first: 100, filter: $institutions) @include(if: $withInstitutions) { nodes { key nameFa nameEn } }
  }
`);

export type WhatIfAnswer = CoverageWhatIfQuery["coverageWhatIf"];
export type Side = "before" | "after";
interface Point {
  lat: number;
  lon: number;
}

function changeInput(change: WhatIfChange): CoverageChangeInput {
  if (change.kind === "close") return { closeInstitution: change.institution };
  const where = change.kind === "add" ? { county: change.county } : { lat: change.lat, lon: change.lon };
  return { addCapacity: { capacity: change.capacity, service: change.service, ...where } };
}

/** A picked coordinate to 4 decimals (about 10 m): the URL, the list and the API then hold the same point. */
const round = (degrees: number) => Math.round(degrees * 1e4) / 1e4;

/** The what-if being built (changes listed, norm typed, a point picked on the map, the side shown) and the
 *  answer to the one in the URL, asked once `ready` (the plain report has arrived: one analytics operation
 *  at a time). Without `planning` nothing is asked and nothing is marked on the map. */
export function useWhatIf(apiKey: string, question: CoverageQuestion, view: View, planning: boolean, ready: boolean) {
  const { t, number } = useI18n();
  const normInUrl = view.whatIfNorm == null ? "" : String(view.whatIfNorm);
  const [changes, setChanges] = useState(view.whatIf);
  const [norm, setNorm] = useState(normInUrl);
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState<Point | null>(null);
  const [side, setSide] = useState<Side>("after");
  const [attempt, setAttempt] = useState(0); // Run again on the same what-if (after a refusal) asks again
  // The URL wins when it changes (Run, Back, Forward).
  const inUrl = JSON.stringify([view.whatIf, normInUrl]);
  useEffect(() => {
    setChanges(view.whatIf);
    setNorm(normInUrl);
  }, [inUrl]); // (the URL's own values, compared by content)

  const asked = planning && ready && (view.whatIf.length > 0 || view.whatIfNorm != null)
    ? JSON.stringify({ question, changes: view.whatIf.map(changeInput), normAfter: view.whatIfNorm })
    : null;
  const [answer, setAnswer] = useState<QueryState<WhatIfAnswer> | null>(null);
  useEffect(() => {
    setAnswer(asked ? { status: "loading" } : null);
    if (!asked) return;
    const abort = new AbortController();
    execute(apiKey, WhatIf, JSON.parse(asked), abort.signal).then(
      (data) => setAnswer({ status: "done", data: data.coverageWhatIf }),
      (error: Error) => abort.signal.aborted || setAnswer({ status: "error", error }),
    );
    return () => abort.abort();
  }, [apiKey, asked, attempt]);

  const marks: Mark[] = planning ? [
    ...changes.flatMap((c) => (c.kind === "addAt"
      ? [{ lat: c.lat, lon: c.lon, label: `${t.whatIf.add} ${number(c.capacity)} ${t.whatIf.placesAt} ${t.whatIf.point}` }]
      : [])),
    ...(picked ? [{ ...picked, label: t.whatIf.pickedPoint }] : []),
  ] : [];
  const pick = (lat: number, lon: number) => {
    setPicked({ lat: round(lat), lon: round(lon) });
    setPicking(false);
  };
  const again = () => setAttempt((n) => n + 1);
  return { changes, setChanges, norm, setNorm, picking, setPicking, picked, setPicked, side, setSide, answer, marks, pick,
           again };
}

export type WhatIfState = ReturnType<typeof useWhatIf>;

interface PanelProps {
  apiKey: string;
  question: CoverageQuestion;
  view: View;
  onChange: (change: Partial<View>) => void;
  whatIf: WhatIfState;
  /** An area's name by its key (the key itself when unknown). */
  nameOf: (key: string) => string;
}

export function WhatIfPanel({ apiKey, question, view, onChange, whatIf, nameOf }: PanelProps) {
  const { t, lang, number } = useI18n();
  const county = view.level === "COUNTY" ? view.county : null;
  const [places, setPlaces] = useState("50");
  const [service, setService] = useState("");
  const [find, setFind] = useState("");
  const [closing, setClosing] = useState("");
  const options = useQuery(apiKey, Options, {
    group: view.group ?? "",
    withServices: view.group !== null,
    institutions: {
      county: find.trim() ? null : county, search: find.trim() || null, service: question.service,
      targetGroup: question.targetGroup, licenceStatus: ["ACTIVE"],
    },
    withInstitutions: county !== null || find.trim() !== "",
  });
  const named = (node: { nameFa: string; nameEn: string }) => (lang === "fa" ? node.nameFa : node.nameEn);
  const services = options.status === "done" ? options.data.services?.nodes ?? [] : [];
  const institutions = options.status === "done" ? options.data.institutions?.nodes ?? [] : [];
  // Names of the institutions met, for the changes listed (a change from the URL may name one not listed now).
  const [known, setKnown] = useState(new Map<string, string>());
  useEffect(() => {
    if (institutions.length) setKnown((before) => new Map([...before, ...institutions.map((i) => [i.key, named(i)] as const)]));
  }, [options, lang]); // (institutions and named follow from these)

  const capacity = Number(places);
  const addable = Number.isInteger(capacity) && capacity > 0 && (!view.group || service !== "");
  const serviceOf = view.group ? service : null;
  const add = (change: WhatIfChange) => whatIf.setChanges([...whatIf.changes, change]);
  const norm = whatIf.norm.trim() === "" ? null : Number(whatIf.norm);
  const normValid = norm === null || (Number.isFinite(norm) && norm > 0);
  const listed = JSON.stringify([whatIf.changes, norm]);
  const shown = JSON.stringify([view.whatIf, view.whatIfNorm]);
  const run = () => (listed === shown ? whatIf.again() : onChange({ whatIf: whatIf.changes, whatIfNorm: norm }));
  const clear = () => {
    whatIf.setChanges([]);
    whatIf.setNorm("");
    whatIf.setPicked(null);
    whatIf.setPicking(false);
    onChange({ whatIf: [], whatIfNorm: null });
  };
  const serviceName = (key: string) => {
    const found = services.find((s) => s.key === key);
    return found ? named(found) : key;
  };
  const separator = lang === "fa" ? "، " : ", ";
  const describe = (change: WhatIfChange) => {
    if (change.kind === "close") return `${t.whatIf.closing} ${known.get(change.institution) ?? change.institution}`;
    const where = change.kind === "add" ? nameOf(change.county)
      : `${t.whatIf.point} ${number(change.lat, 4)}${separator}${number(change.lon, 4)}`;
    return `${t.whatIf.add} ${number(change.capacity)} ${t.whatIf.placesAt} ${where}${change.service ? ` (${serviceName(change.service)})` : ""}`;
  };
  const answer = whatIf.answer?.status === "done" ? whatIf.answer.data : null;

  return (
    <section className="what-if" aria-labelledby="what-if-heading">
      <h3 id="what-if-heading">{t.whatIf.heading}</h3>
      <p>{t.whatIf.nothingWritten}</p>
      <fieldset className="controls">
        <legend>{t.whatIf.add}</legend>
        <label>
          {t.whatIf.places}{" "}
          <input id="what-if-places" type="number" min={1} step={1} size={6} dir="ltr" value={places}
                 onChange={(event) => setPlaces(event.target.value)} />
        </label>
        {view.group && (
          <label>
            {t.whatIf.service}{" "}
            <select id="what-if-service" value={service} onChange={(event) => setService(event.target.value)}>
              <option value="">–</option>
              {services.map((s) => <option key={s.key} value={s.key}>{named(s)}</option>)}
            </select>
          </label>
        )}
        {county && (
          <button type="button" disabled={!addable}
                  onClick={() => add({ kind: "add", county, capacity, service: serviceOf })}>
            {t.whatIf.addAtCounty}: {nameOf(county)}
          </button>
        )}
        <button type="button" aria-pressed={whatIf.picking} onClick={() => whatIf.setPicking(!whatIf.picking)}>
          {t.whatIf.pick}
        </button>
        {whatIf.picking && <span aria-live="polite">{t.whatIf.picking}</span>}
        {whatIf.picked && (
          <button type="button" disabled={!addable}
                  onClick={() => {
                    add({ kind: "addAt", ...whatIf.picked!, capacity, service: serviceOf });
                    whatIf.setPicked(null);
                  }}>
            {t.whatIf.addAtPoint}: <span dir="ltr">{number(whatIf.picked.lat, 4)}, {number(whatIf.picked.lon, 4)}</span>
          </button>
        )}
      </fieldset>
      <fieldset className="controls">
        <legend>{t.whatIf.closing}</legend>
        <label>
          {t.whatIf.find}{" "}
          <input id="what-if-find" type="search" value={find} size={16} onChange={(event) => setFind(event.target.value)} />
        </label>
        <label>
          {t.whatIf.closeLabel}{" "}
          <select id="what-if-close" value={closing} onChange={(event) => setClosing(event.target.value)}>
            <option value="">–</option>
            {institutions.map((i) => <option key={i.key} value={i.key}>{named(i)}</option>)}
          </select>
        </label>
        <button type="button"
                disabled={!closing || whatIf.changes.some((c) => c.kind === "close" && c.institution === closing)}
                onClick={() => { add({ kind: "close", institution: closing }); setClosing(""); }}>
          {t.whatIf.close}
        </button>
      </fieldset>
      {!county && <p>{t.whatIf.selectCounty}</p>}
      {options.status === "error" && <p role="alert">{t.failed}: {options.error.message}</p>}
      <label>
        {t.whatIf.norm}{" "}
        <input id="what-if-norm" type="number" min={0} step="any" size={8} dir="ltr" value={whatIf.norm}
               placeholder={t.whatIf.normNational} aria-invalid={normValid ? undefined : true}
               onChange={(event) => whatIf.setNorm(event.target.value)} />
      </label>
      <h4>{t.whatIf.changes}</h4>
      {whatIf.changes.length === 0 ? <p>{t.whatIf.noChanges}</p> : (
        <ol className="what-if-changes">
          {whatIf.changes.map((change, index) => (
            <li key={index} data-kind={change.kind}>
              {describe(change)}{" "}
              <button type="button" className="link"
                      onClick={() => whatIf.setChanges(whatIf.changes.filter((_, i) => i !== index))}>
                {t.whatIf.remove}
              </button>
            </li>
          ))}
        </ol>
      )}
      <p>
        <button type="button" onClick={run} disabled={!normValid || (whatIf.changes.length === 0 && norm === null)}>
          {t.whatIf.run}
        </button>{" "}
        <button type="button" onClick={clear}>{t.whatIf.clear}</button>
      </p>
      {listed !== shown && (view.whatIf.length > 0 || view.whatIfNorm != null) && <p>{t.whatIf.notRun}</p>}
      {whatIf.answer?.status === "loading" && <p aria-live="polite">{t.loading}</p>}
      {whatIf.answer?.status === "error" && <p role="alert">{t.failed}: {whatIf.answer.error.message}</p>}
      {answer && (
        <>
          <fieldset className="controls">
            <legend>{t.whatIf.shown}</legend>
            {(["before", "after"] as const).map((s) => (
              <label key={s}>
                <input type="radio" name="what-if-side" value={s} checked={whatIf.side === s}
                       onChange={() => whatIf.setSide(s)} />{" "}
                {t.whatIf[s]}
              </label>
            ))}
          </fieldset>
          <Changed changed={answer.changed} level={view.level} selected={view.county}
                   onSelect={(key) => onChange({ county: key })} />
        </>
      )}
    </section>
  );
}

interface ChangedProps {
  changed: WhatIfAnswer["changed"];
  level: View["level"];
  selected: string | null;
  onSelect: (key: string) => void;
}

/** The areas that changed, most improved first (the API's order), wherever they are (a norm changes every
 *  province's); a row selects its area. */
function Changed({ changed, level, selected, onSelect }: ChangedProps) {
  const { t, lang, number, percent } = useI18n();
  // The change with its sign, placed as the language places it (+۱۵٫۸۲ in Persian too).
  const signed = new Intl.NumberFormat(lang === "fa" ? "fa-IR" : "en-GB", { maximumFractionDigits: 2, signDisplay: "exceptZero" });
  const name = (node: { nameFa: string; nameEn: string } | null | undefined) => (node ? (lang === "fa" ? node.nameFa : node.nameEn) : "");
  return (
    <div className="table-scroll" role="region" aria-labelledby="what-if-changed-caption" tabIndex={0}>
      <table data-figures="what-if-changed">
        <caption id="what-if-changed-caption">{t.whatIf.changed}</caption>
        <thead>
          <tr>
            <th scope="col">{level === "PROVINCE" ? t.coverage.province : t.coverage.county}</th>
            {level === "COUNTY" && <th scope="col">{t.coverage.province}</th>}
            <th scope="col">{t.whatIf.shortfall}</th><th scope="col">{t.whatIf.change}</th>
            <th scope="col">{t.whatIf.unmetShare}</th><th scope="col">{t.whatIf.reached}</th>
          </tr>
        </thead>
        <tbody>
          {changed.length === 0 && <tr><td colSpan={6}>{t.whatIf.noneChanged}</td></tr>}
          {changed.map(({ before, after, shortfallChange }) => (
              <tr key={before.key} data-key={before.key} tabIndex={0}
                  aria-current={before.key === selected ? "true" : undefined}
                  className={before.key === selected ? "selected" : undefined}
                  onClick={() => onSelect(before.key)}
                  onKeyDown={(event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onSelect(before.key); } }}>
                <th scope="row">{name(before.county ?? before.province) || before.key}</th>
                {level === "COUNTY" && <td>{name(before.province)}</td>}
                <td data-before={before.shortfall} data-after={after.shortfall}>
                  {number(before.shortfall, 2)} {t.whatIf.arrow} {number(after.shortfall, 2)}
                </td>
                <td data-change={shortfallChange}>{signed.format(shortfallChange)}</td>
                <td data-before={before.unmetShare} data-after={after.unmetShare}>
                  {percent(before.unmetShare, 1)} {t.whatIf.arrow} {percent(after.unmetShare, 1)}
                </td>
                <td data-before={before.reached} data-after={after.reached}>
                  {number(before.reached, 2)} {t.whatIf.arrow} {number(after.reached, 2)}
                </td>
              </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
