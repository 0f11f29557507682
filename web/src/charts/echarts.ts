// The part of Apache ECharts the dashboard draws with, registered once: bar charts on a grid with a
// tooltip, painted on canvas. Imported only through dynamic import() (Chart.tsx), so ECharts is a chunk of
// its own, fetched after the dashboard's tables are on screen. The canvas renderer paints pixels and sets
// element.style from script only, which the app's CSP (`style-src 'self'`) allows.
import { BarChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import { init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export { init };
