// The option of a one-series bar chart, laid out for the page's direction: in Persian the value axis runs
// from the right (horizontal bars grow leftwards, categories read right to left) and every number on it
// is the app's own Persian-digit formatting, not ECharts' Latin default.
import type { EChartsCoreOption } from "echarts/core";

const BAR_COLOUR = "#1f4e79"; // the app header's blue
const MARK_COLOUR = "#6b5b00"; // the tables' colour for "withheld"
const FONT = "Vazirmatn, system-ui, sans-serif";
/** Height of one horizontal bar's row, in CSS pixels. */
export const ROW = 30;

export interface Bars {
  name: string;
  categories: string[];
  /** null: a figure not shown (withheld); drawn as a gap, never as zero. */
  values: (number | null)[];
  horizontal: boolean;
  rtl: boolean;
  /** A figure as written on its bar and in the tooltip. */
  format: (value: number) => string;
  /** The exact figure of bar `index`, for the tooltip (default: `format`). */
  exact?: (index: number) => string;
  /** Widest category label of horizontal bars in CSS pixels, on a wide chart (longer ones end in an ellipsis). */
  labelWidth?: number;
  /** Counts: ticks at whole numbers only. */
  whole?: boolean;
  /** Categories marked under their label with `markText` (withheld years). */
  marked?: boolean[];
  markText?: string;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The option for a chart `width` CSS pixels wide: category labels of horizontal bars take at most 40% of it. */
export function barsOption(bars: Bars, width: number): EChartsCoreOption {
  const { rtl, horizontal, format } = bars;
  const exact = bars.exact ?? ((i: number) => format(bars.values[i]!));
  const categoryAxis = {
    type: "category",
    data: bars.categories,
    // Horizontal bars: the first category on top, as in the table. Vertical: in reading order.
    inverse: horizontal || rtl,
    position: horizontal ? (rtl ? "right" : "left") : "bottom",
    axisTick: { alignWithLabel: true },
    axisLabel: {
      interval: 0,
      color: "#1d2433",
      fontFamily: FONT,
      fontSize: 13,
      lineHeight: 20,
      ...(horizontal
        ? { width: Math.min(bars.labelWidth ?? 190, width * 0.4), overflow: "truncate" }
        : { hideOverlap: true }),
      formatter: (label: string, index: number) =>
        bars.marked?.[index] ? `${label}\n{mark|${bars.markText ?? ""}}` : label,
      rich: { mark: { color: MARK_COLOUR, fontStyle: "italic", fontFamily: FONT, fontSize: 13, lineHeight: 20 } },
    },
  };
  const valueAxis = {
    type: "value",
    inverse: horizontal && rtl,
    position: horizontal ? "bottom" : rtl ? "right" : "left",
    minInterval: bars.whole ? 1 : undefined,
    axisLabel: { color: "#4a5568", fontFamily: FONT, hideOverlap: true, formatter: (value: number) => format(value) },
    splitLine: { lineStyle: { color: "#e2e6ec" } },
  };
  return {
    animation: false,
    textStyle: { fontFamily: FONT },
    // Room past the longest bar for its figure (axis labels are kept in by ECharts' outerBounds, bar labels are not).
    grid: horizontal
      ? { top: 8, bottom: 8, [rtl ? "left" : "right"]: 56, [rtl ? "right" : "left"]: 12 }
      : { top: 28, bottom: 8, left: 12, right: 12 },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      textStyle: { fontFamily: FONT },
      formatter: (items: { dataIndex: number }[]) => {
        const i = items[0].dataIndex;
        const value = bars.values[i];
        return `${escape(bars.categories[i])}<br>${escape(bars.name)}: ${
          value == null ? escape(bars.markText ?? "") : escape(exact(i))}`;
      },
    },
    series: [{
      type: "bar",
      name: bars.name,
      data: bars.values.map((value) => value ?? "-"),
      itemStyle: { color: BAR_COLOUR },
      barMaxWidth: 28,
      label: {
        show: true,
        position: horizontal ? (rtl ? "left" : "right") : "top",
        color: "#1d2433",
        fontFamily: FONT,
        formatter: ({ value }: { value: number }) => format(value),
      },
    }],
  };
}
