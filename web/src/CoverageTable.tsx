// The underserved-areas table beside the map (and its keyboard-usable equivalent): sortable by its columns
// (the sort kept in the URL), a row and an area on the map select each other; and the CSV download of the
// same question, fetched with the API key (a plain link could not send it) and saved with its HXL row.
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { Area, CoverageProps, Names } from "./Coverage";
import type { CoverageQuestion } from "./gql/graphql";
import { useI18n } from "./i18n";
import { COLOURS } from "./measures";

/** Rows drawn until "show all" is pressed: laying out all ~430 rows was most of what a method change
 *  cost the browser (benchmarks/README.md); the worst served come first, and a search shows every match. */
const FIRST_ROWS = 50;

const COLUMNS = ["rank", "county", "unmetShare", "need", "capacity", "reached", "shortfall", "ratio", "accessibility"] as const;
type Column = (typeof COLUMNS)[number];

/** A name as search compares it: Arabic yeh and kaf as Persian, no zero-width non-joiners or diacritics,
 *  Persian and Arabic-Indic digits as Latin, lower case (the hub's search normalises the same way). */
export function normalise(text: string): string {
  return text.normalize("NFKD").replace(/[\u064B-\u065F\u0670\u0300-\u036f]/g, "")
    .replace(/[يى]/g, "ی").replace(/ك/g, "ک").replace(/[\u200c\u200d\u200f\u200e]/g, "")
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/\s+/g, " ").trim().toLowerCase();
}

/** The sort in the URL (`unmetShare`, `-need`): its column and direction; by rank when absent or unknown. */
function parseSort(sort: string | null): { column: Column; descending: boolean } {
  const descending = sort?.startsWith("-") ?? false;
  const column = COLUMNS.find((c) => c === sort?.replace(/^-/, "")) ?? "rank";
  return { column, descending };
}

function sortAreas(areas: readonly Area[], column: Column, descending: boolean, name: (a: Area) => string): Area[] {
  // Missing figures (ratio without need, accessibility for other methods) sort last in either direction.
  const value = (area: Area): number | null => (column === "county" ? 0 : area[column]);
  return [...areas].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x == null || y == null) return (x == null ? 1 : 0) - (y == null ? 1 : 0) || a.rank - b.rank;
    const order = column === "county" ? name(a).localeCompare(name(b)) : x - y;
    return (descending ? -order : order) || a.rank - b.rank; // ties by rank, whatever the direction
  });
}

export function Download({ apiKey, question }: { apiKey: string; question: CoverageQuestion }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(question)) if (value != null) params.set(name, String(value));
    try {
      const response = await fetch(`/export/coverage.csv?${params}`, {
        headers: { authorization: `Bearer ${apiKey}`, accept: "text/csv" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
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

interface TableProps extends Omit<CoverageProps, "apiKey"> {
  areas: readonly Area[];
  nameOf: (area: { key: string }) => string;
  names: Names;
  classOf: (area: Area) => number | null;
}

export const CoverageTable = memo(function CoverageTable({ areas, view, onChange, nameOf, names, classOf }: TableProps) {
  const { t, lang, number, percent } = useI18n();
  const { column, descending } = parseSort(view.sort);
  const columns = COLUMNS.filter((c) => c !== "accessibility" || view.method === "TWO_STEP" || view.method === "ENHANCED");
  const [find, setFind] = useState("");
  const rows = useMemo(() => {
    const wanted = normalise(find);
    const found = wanted ? areas.filter((a) => [names.get(a.key), names.get(a.provinceKey)].some((named) => named &&
      (normalise(named.nameFa).includes(wanted) || normalise(named.nameEn).includes(wanted)))) : areas;
    return sortAreas(found, column, descending, nameOf);
  }, // (nameOf changes only with lang)
  [areas, column, descending, lang, find, names]);
  const [all, setAll] = useState(false);
  const cut = !all && !find && rows.length > FIRST_ROWS;
  // The selected area is always among the rows drawn (after the first ones when it ranks lower).
  const shown = useMemo(() => {
    if (!cut) return rows;
    const first = rows.slice(0, FIRST_ROWS);
    const selected = rows.find((a) => a.key === view.county);
    return selected && !first.includes(selected) ? [...first, selected] : first;
  }, [rows, cut, view.county]);
  // A selection made on the map scrolls its row into the table's own view (never the page).
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const row = box.current?.querySelector<HTMLElement>(`tr[data-key="${view.county}"]`);
    if (!row || !box.current) return;
    const { scrollTop, clientHeight } = box.current;
    if (row.offsetTop < scrollTop || row.offsetTop + row.offsetHeight > scrollTop + clientHeight) {
      box.current.scrollTop = row.offsetTop - clientHeight / 2;
    }
  }, [view.county, shown]);
  const sortBy = (next: Column) => {
    const flip = next === column && !descending;
    onChange({ sort: next === "rank" && !flip ? null : `${flip ? "-" : ""}${next}` });
  };
  const select = (key: string) => onChange({ county: key });
  const provinceName = (area: Area) => nameOf({ key: area.provinceKey });
  const header = (col: Column) => (
    <th scope="col" key={col} aria-sort={col === column ? (descending ? "descending" : "ascending") : undefined}>
      <button type="button" className="sort" data-sort={col} onClick={() => sortBy(col)}>
        {col === "county" && view.level === "PROVINCE" ? t.coverage.province : t.coverage[col]}
        <span aria-hidden="true">{col === column ? (descending ? " ▼" : " ▲") : ""}</span>
      </button>
    </th>
  );
  const sortedBy = column === "county" && view.level === "PROVINCE" ? t.coverage.province : t.coverage[column];
  return (
    <>
      <p className="find">
        <label>
          {t.coverage.find}{" "}
          <input type="search" id="find-area" value={find} onChange={(event) => setFind(event.target.value)} />
        </label>{" "}
        <span aria-live="polite">{find && t.coverage.found(number(rows.length), number(areas.length))}</span>
      </p>
      <div className="table-scroll" role="region" aria-labelledby="coverage-table-caption" tabIndex={0} ref={box}>
        <table data-figures="coverage">
          <caption id="coverage-table-caption">
            {view.level === "PROVINCE" ? t.coverage.tableCaptionProvinces : t.coverage.tableCaption}
            {" · "}
            {column === "rank" && !descending ? t.coverage.worstFirst : `${t.coverage.sortBy} ${sortedBy} ${descending ? "▼" : "▲"}`}
          </caption>
          <thead>
            <tr>
              {columns.slice(0, 2).map(header)}
              {view.level === "COUNTY" && <th scope="col">{t.coverage.province}</th>}
              {columns.slice(2).map(header)}
            </tr>
          </thead>
          <tbody>
            {shown.map((area) => {
              const cls = classOf(area);
              return (
                <tr key={area.key} data-key={area.key} data-class={cls ?? "none"}
                    tabIndex={0} aria-current={area.key === view.county ? "true" : undefined}
                    className={area.key === view.county ? "selected" : undefined}
                    onClick={() => select(area.key)}
                    onKeyDown={(event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(area.key); } }}>
                  <td>{number(area.rank)}</td>
                  <th scope="row">
                    <span className="swatch" style={{ background: cls == null ? undefined : COLOURS[cls] }} aria-hidden="true" />
                    {nameOf(area)}
                  </th>
                  {view.level === "COUNTY" && <td>{provinceName(area)}</td>}
                  <td data-share={area.unmetShare}>{percent(area.unmetShare, 1)}</td>
                  <td>{number(area.need)}</td>
                  <td>{number(area.capacity)}</td>
                  <td>{number(area.reached, 2)}</td>
                  <td>{number(area.shortfall, 2)}</td>
                  <td>{area.ratio == null ? "–" : number(area.ratio, 2)}</td>
                  {columns.includes("accessibility") && <td>{area.accessibility == null ? "–" : number(area.accessibility, 6)}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {cut && (
        <p>
          <button type="button" className="show-all" onClick={() => setAll(true)}>
            {t.coverage.showAll(number(rows.length))}
          </button>
        </p>
      )}
    </>
  );
});
