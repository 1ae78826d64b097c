import { AuthMode } from "../../components/config";

/** One point of the chart: a door's monthly cost at a traffic level. */
export interface CostPoint {
  door: AuthMode;
  requestsPerMonth: number;
  usdPerMonth: number;
}

// vega 6 and vega-lite 6 are ES modules; load them with a real dynamic import from CommonJS.
const importEsm = new Function("specifier", "return import(specifier)") as (s: string) => Promise<any>;

/** The vega-lite spec: monthly cost against requests per month, one line per door, log scales. */
export function chartSpec(points: CostPoint[], title: string): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 560,
    height: 320,
    background: "white",
    data: { values: points.map((p) => ({ ...p, usdPerMonth: Math.max(p.usdPerMonth, 0.01) })) },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "requestsPerMonth",
        type: "quantitative",
        scale: { type: "log" },
        title: "requests per month",
        axis: { format: "~s" },
      },
      y: {
        field: "usdPerMonth",
        type: "quantitative",
        scale: { type: "log" },
        title: "USD per month (log; $0 shown as $0.01)",
      },
      color: { field: "door", type: "nominal", title: "authMode" },
    },
  };
}

/** Renders the chart to SVG headlessly (no browser, no canvas). */
export async function renderChartSvg(points: CostPoint[], title: string): Promise<string> {
  const vega = await importEsm("vega");
  const vl = await importEsm("vega-lite");
  const compiled = vl.compile(chartSpec(points, title)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg: string = await view.toSVG();
  view.finalize();
  return svg.endsWith("\n") ? svg : `${svg}\n`;
}
