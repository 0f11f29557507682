// What the coverage map colours counties (or provinces) by, and the classes shared by the map, its legend
// and its table. The unmet share has fixed breaks (a fifth of the need each); the other measures have no
// natural scale, so their breaks are the quintiles of the figures shown.
import type { CoverageMethod } from "./gql/graphql";

export const MEASURES = ["unmetShare", "shortfall", "ratio", "accessibility"] as const;
export type Measure = (typeof MEASURES)[number];

/** The measures a method reports: accessibility only for the two-step methods. */
export function measuresOf(method: CoverageMethod): Measure[] {
  return MEASURES.filter((m) => m !== "accessibility" || method === "TWO_STEP" || method === "ENHANCED");
}

/** One colour per class, light (well served) to dark (worst served): ColorBrewer YlOrRd. */
export const COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
/** Areas the API reports no figure for (e.g. the 49 counties created since 2016). */
export const NO_DATA = "#d9dde3";

/** Higher is worse for these; for the others (places per person) higher is better. */
const WORSE_WHEN_HIGHER: Record<Measure, boolean> = {
  unmetShare: true, shortfall: true, ratio: false, accessibility: false,
};

export interface Scale {
  measure: Measure;
  /** Class upper bounds, ascending: excluded for the unmet share ([0, 0.2), ... [0.8, 1]), included for
   *  the quintiles of the others (the last one is the largest figure). */
  breaks: number[];
  /** The class (colour index) of the figures up to `breaks[index]`. */
  classOfBin: (index: number) => number;
  /** The class (0 = best served, 4 = worst) of a figure; null when there is none. */
  classOf: (value: number | null | undefined) => number | null;
}

/** The scale of `measure` over the figures shown. */
export function scaleOf(measure: Measure, values: readonly (number | null | undefined)[]): Scale {
  const known = values.filter((v): v is number => v != null && Number.isFinite(v)).sort((a, b) => a - b);
  const fixed = measure === "unmetShare";
  const breaks = fixed ? [0.2, 0.4, 0.6, 0.8, 1] : quintiles(known);
  const bin = (value: number) => {
    const index = breaks.findIndex((upper) => (fixed ? value < upper : value <= upper));
    return index === -1 ? breaks.length - 1 : index;
  };
  const classOfBin = (index: number) => (WORSE_WHEN_HIGHER[measure] ? index : COLOURS.length - 1 - index);
  return {
    measure,
    breaks,
    classOfBin,
    classOf: (value) => (value == null || !Number.isFinite(value) ? null : classOfBin(bin(value))),
  };
}

function quintiles(sorted: number[]): number[] {
  if (sorted.length === 0) return [1, 1, 1, 1, 1];
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return [at(0.2), at(0.4), at(0.6), at(0.8), sorted[sorted.length - 1]];
}
