// The view's state lives in the URL (?lang=en&province=IR-06, ?view=coverage&service=svc-x&method=RATIO),
// so every view can be linked to.
import { useCallback, useEffect, useState } from "react";
import type { CoverageLevel, CoverageMethod } from "./gql/graphql";
import type { Lang } from "./i18n";
import { MEASURES, type Measure } from "./measures";

export type Page = "dashboard" | "coverage";

/** One hypothetical change of a what-if (WhatIf.tsx), as the URL keeps it: `add=IR-06-0607:50`,
 *  `addAt=31.3,48.7:40` (a service after a third colon when the question is a target group's),
 *  `close=inst-000001`. */
export type WhatIfChange =
  | { kind: "add"; county: string; capacity: number; service: string | null }
  | { kind: "addAt"; lat: number; lon: number; capacity: number; service: string | null }
  | { kind: "close"; institution: string };
export const METHODS: CoverageMethod[] = ["ENHANCED", "TWO_STEP", "RATIO", "NEAREST"];

export interface View {
  lang: Lang;
  page: Page;
  province: string | null; // null: the whole country
  service: string | null; // what the coverage map measures: a service's key, or
  group: string | null; // a target group's key (null for both: the first service)
  method: CoverageMethod;
  sort: string | null; // the coverage table's sort: a column, "-" before it for descending (null: by rank)
  county: string | null; // the area (county, or province at province level) selected in the table and on the map
  measure: Measure; // what colours the map
  level: CoverageLevel; // counties or provinces
  radius: number | null; // catchment radius in km (null: the API's default, 50)
  date: string | null; // the day licences are counted on, ISO or Solar Hijri as typed (null: today)
  whatIf: WhatIfChange[]; // the what-if last run, in order (empty, with no norm: none)
  whatIfNorm: number | null; // the what-if's norm after the changes (null: the norm before)
}

/** A what-if change from its URL parameter; null for one that does not parse. */
function readChange(name: string, value: string): WhatIfChange | null {
  if (name === "close") return value ? { kind: "close", institution: value } : null;
  const [where, places, service] = value.split(":");
  const capacity = Number(places);
  if (!where || !Number.isInteger(capacity) || capacity <= 0) return null;
  if (name === "add") return { kind: "add", county: where, capacity, service: service || null };
  const [lat, lon] = where.split(",").map(Number);
  if (![lat, lon].every(Number.isFinite)) return null;
  return { kind: "addAt", lat, lon, capacity, service: service || null };
}

function writeChange(change: WhatIfChange): [string, string] {
  if (change.kind === "close") return ["close", change.institution];
  const where = change.kind === "add" ? change.county : `${change.lat},${change.lon}`;
  return [change.kind, `${where}:${change.capacity}${change.service ? `:${change.service}` : ""}`];
}

function read(): View {
  const params = new URLSearchParams(window.location.search);
  const method = params.get("method") as CoverageMethod | null;
  return {
    lang: params.get("lang") === "en" ? "en" : "fa",
    page: params.get("view") === "coverage" ? "coverage" : "dashboard",
    province: params.get("province") || null,
    service: params.get("service") || null,
    group: params.get("group") || null,
    method: method && METHODS.includes(method) ? method : "ENHANCED",
    sort: params.get("sort") || null,
    county: params.get("county") || null,
    measure: MEASURES.find((m) => m === params.get("measure")) ?? "unmetShare",
    level: params.get("level") === "PROVINCE" ? "PROVINCE" : "COUNTY",
    radius: Number(params.get("radius")) > 0 ? Number(params.get("radius")) : null,
    date: params.get("date") || null,
    whatIf: [...params].filter(([name]) => ["add", "addAt", "close"].includes(name))
      .map(([name, value]) => readChange(name, value)).filter((c): c is WhatIfChange => c !== null),
    whatIfNorm: Number(params.get("norm")) > 0 ? Number(params.get("norm")) : null,
  };
}

function write(view: View): string {
  const params = new URLSearchParams();
  if (view.lang !== "fa") params.set("lang", view.lang);
  if (view.page !== "dashboard") params.set("view", view.page);
  if (view.province) params.set("province", view.province);
  if (view.page === "coverage") {
    if (view.service) params.set("service", view.service);
    if (view.group) params.set("group", view.group);
    if (view.method !== "ENHANCED") params.set("method", view.method);
    if (view.sort) params.set("sort", view.sort);
    if (view.county) params.set("county", view.county);
    if (view.measure !== "unmetShare") params.set("measure", view.measure);
    if (view.level !== "COUNTY") params.set("level", view.level);
    if (view.radius != null) params.set("radius", String(view.radius));
    if (view.date) params.set("date", view.date);
    for (const change of view.whatIf) params.append(...writeChange(change));
    if (view.whatIfNorm != null) params.set("norm", String(view.whatIfNorm));
  }
  // `:` and `,` need no escaping in a query string: add=IR-06-0607:50 reads better than add=IR-06-0607%3A50.
  const query = params.toString().replace(/%3A/g, ":").replace(/%2C/g, ",");
  return `${window.location.pathname}${query ? `?${query}` : ""}`;
}

export function useView(): [View, (change: Partial<View>) => void] {
  const [view, setView] = useState(read);
  useEffect(() => {
    const back = () => setView(read());
    window.addEventListener("popstate", back);
    return () => window.removeEventListener("popstate", back);
  }, []);
  const change = useCallback((patch: Partial<View>) => {
    const next = { ...view, ...patch };
    window.history.pushState(null, "", write(next));
    setView(next);
  }, [view]);
  return [view, change];
}
