import type { I18n } from "../i18n";

export interface Entry {
  label: string;
  /** The figure as written (or "withheld"). */
  text: string;
  value: number | null;
}

/** A chart's text alternative: what it shows, its figures (the largest five when `ranked`, else all, in
 *  order), and where the full table is. */
export function summary({ t, lang }: I18n, title: string, entries: Entry[], ranked: boolean): string {
  const shown = ranked
    ? [...entries].sort((a, b) => (b.value ?? -1) - (a.value ?? -1)).slice(0, 5)
    : entries;
  const list = shown.map((e) => `${e.label} ${e.text}`).join(lang === "fa" ? "، " : ", ");
  return `${t.dashboard.chart}: ${title}. ${ranked ? `${t.dashboard.largest}: ` : ""}${list}. ${t.dashboard.inTable}`;
}
