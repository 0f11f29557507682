// A chart as an image for screen readers (role="img" with a summary; its figures are in the table beside
// it), drawn by ECharts once its chunk has loaded. Redrawn when its option changes (new figures, another
// language), resized with its box, disposed when it leaves the page.
import type { EChartsCoreOption, EChartsType } from "echarts/core";
import { useEffect, useRef } from "react";

type Engine = typeof import("./echarts");
let loading: Promise<Engine> | null = null;
/** ECharts' chunk, fetched once. Canvas text is drawn in whatever font is ready at that moment, so the
 *  app's font is waited for as well. */
export function loadCharts(): Promise<Engine> {
  loading ??= Promise.all([import("./echarts"), document.fonts.load("1em Vazirmatn")]).then(([m]) => m);
  return loading;
}

interface Props {
  /** The chart's option for a box of this width in CSS pixels (redrawn when the width changes). */
  option: (width: number) => EChartsCoreOption;
  label: string;
  /** The chart's height in CSS pixels (bar charts grow with their number of bars). */
  height: number;
  /** What the drawing was made for (the language), set as data-drawn once it is on the canvas. */
  drawnFor: string;
}

export function Chart({ option, label, height, drawnFor }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const drawn = useRef({ option, width: 0 });

  useEffect(() => {
    const element = box.current!;
    const resized = new ResizeObserver(() => {
      const drawing = chart.current;
      if (!drawing || element.clientWidth === drawn.current.width) return;
      drawn.current.width = element.clientWidth;
      drawing.resize();
      drawing.setOption(drawn.current.option(element.clientWidth), { notMerge: true });
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const element = box.current!;
    let current = true;
    delete element.dataset.drawn;
    loadCharts().then(({ init }) => {
      if (!current) return;
      chart.current ??= init(element, null, { renderer: "canvas" });
      drawn.current = { option, width: element.clientWidth };
      chart.current.resize();
      chart.current.setOption(option(element.clientWidth), { notMerge: true });
      element.dataset.drawn = drawnFor;
    });
    return () => {
      current = false;
    };
  }, [option, drawnFor]);

  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} />;
}
