// The choropleth: county (or province) shapes from the census-2016 outlines bundled as GeoJSON, drawn as
// SVG paths with d3-geo (no tile server, no WebGL, nothing fetched from another host), zoomed and panned
// with d3-zoom (wheel, drag, or the buttons). Shapes are projected once; a new answer only recolours them.
// Why SVG and not maplibre: maplibre alone is ~450 KB of gzipped JavaScript with its worker, over the
// first view's 350 KB budget (benchmarks/README.md).
import { geoArea, geoMercator, geoPath, type GeoProjection } from "d3-geo";
import { select } from "d3-selection";
import { zoom, zoomIdentity, type ZoomBehavior } from "d3-zoom";
import type { Geometry, Position } from "geojson";
import { useEffect, useMemo, useRef, useState, type MouseEvent } from "react";
import { COLOURS, NO_DATA } from "./measures";
import countiesUrl from "./geo/counties.simplified.geojson?url";
import provincesUrl from "./geo/provinces.simplified.geojson?url";
import { useI18n } from "./i18n";

export const ATTRIBUTION = "© OpenStreetMap contributors, ODbL";
const WIDTH = 800;
const HEIGHT = 720;
const MARK_RADIUS = 6; // on screen, whatever the zoom

interface Feature {
  type: "Feature";
  properties: { key?: string; code?: string };
  geometry: Geometry;
}
interface Shapes {
  counties: Feature[];
  provinces: Feature[];
}

/** d3-geo takes a polygon whose rings run counter-clockwise (GeoJSON's RFC 7946 order) for the rest of
 *  the globe: such polygons are turned round. */
function rewind(feature: Feature): Feature {
  const turn = (rings: Position[][]) => {
    const area = geoArea({ type: "Polygon", coordinates: rings });
    return area > 2 * Math.PI ? rings.map((ring) => [...ring].reverse()) : rings;
  };
  const g = feature.geometry;
  if (g.type === "Polygon") g.coordinates = turn(g.coordinates);
  else if (g.type === "MultiPolygon") g.coordinates = g.coordinates.map(turn);
  return feature;
}

let loading: Promise<Shapes> | null = null;
/** The outlines, fetched once from the app's own assets. */
function loadShapes(): Promise<Shapes> {
  const get = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return ((await response.json()) as { features: Feature[] }).features.map(rewind);
  };
  loading ??= Promise.all([get(countiesUrl), get(provincesUrl)]).then(([counties, provinces]) => ({ counties, provinces }));
  return loading;
}

interface Drawn {
  key: string;
  d: string;
}

export interface Mark {
  lat: number;
  lon: number;
  label: string;
}

export interface MapProps {
  /** Whose figures colour the map: each county's (or province's) class 0-4 by key; others are grey. */
  classes: ReadonlyMap<string, number | null>;
  level: "COUNTY" | "PROVINCE";
  /** What the colours answer (a signature of the question), set as `data-question` once drawn. */
  question: string;
  label: string;
  /** The selected area's key, outlined. */
  selected: string | null;
  onSelect: (key: string) => void;
  /** The tooltip's text for an area under the pointer. */
  describe: (key: string) => string;
  /** The province to zoom to (null: the whole country). */
  focus: string | null;
  /** When set, a click picks a point (latitude, longitude) instead of selecting an area. */
  onPick?: (lat: number, lon: number) => void;
  marks?: readonly Mark[];
}

export default function CoverageMap(props: MapProps) {
  const { classes, level, question, label, selected, onSelect, describe, focus, onPick, marks = [] } = props;
  const { t } = useI18n();
  const [shapes, setShapes] = useState<Shapes | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const layer = useRef<SVGGElement>(null);
  const zoomer = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const zoomScale = useRef(1);

  useEffect(() => {
    loadShapes().then(setShapes, (error: Error) => setFailed(error.message));
  }, []);

  const projection = useMemo<GeoProjection | null>(() => shapes &&
    geoMercator().fitExtent([[8, 8], [WIDTH - 8, HEIGHT - 8]], { type: "FeatureCollection", features: shapes.provinces } as never),
  [shapes]);

  const drawn = useMemo(() => {
    if (!shapes || !projection) return null;
    const path = geoPath(projection);
    // Counties carry `key`, provinces `code`.
    const draw = (f: Feature): Drawn => ({ key: f.properties.key ?? f.properties.code ?? "", d: path(f as never) ?? "" });
    return { counties: shapes.counties.map(draw), provinces: shapes.provinces.map(draw) };
  }, [shapes, projection]);

  // Zoom and pan the shapes' layer; strokes keep their width (vector-effect in styles.css).
  useEffect(() => {
    if (!drawn || !svg.current) return;
    const behaviour = zoom<SVGSVGElement, unknown>().scaleExtent([1, 24])
      .translateExtent([[0, 0], [WIDTH, HEIGHT]])
      .on("zoom", (event) => {
        layer.current?.setAttribute("transform", event.transform.toString());
        // Marks keep their size: their radius shrinks as the layer is scaled up.
        zoomScale.current = event.transform.k;
        layer.current?.querySelectorAll(".mark").forEach((mark) => mark.setAttribute("r", String(MARK_RADIUS / event.transform.k)));
      });
    select(svg.current).call(behaviour);
    zoomer.current = behaviour;
    return () => { if (svg.current) select(svg.current).on(".zoom", null); };
  }, [drawn]);

  // Zoom to the province in focus (or back out to the country).
  useEffect(() => {
    if (!drawn || !svg.current || !zoomer.current || !projection || !shapes) return;
    const province = focus && shapes.provinces.find((f) => f.properties.code === focus);
    let transform = zoomIdentity;
    if (province) {
      const [[x0, y0], [x1, y1]] = geoPath(projection).bounds(province as never);
      const scale = Math.min(24, 0.9 / Math.max((x1 - x0) / WIDTH, (y1 - y0) / HEIGHT));
      transform = zoomIdentity.translate(WIDTH / 2, HEIGHT / 2).scale(scale).translate(-(x0 + x1) / 2, -(y0 + y1) / 2);
    }
    select(svg.current).call(zoomer.current.transform, transform);
  }, [drawn, focus, projection, shapes]);

  useEffect(() => {
    if (drawn) performance.mark("hub:map-painted", { detail: question });
  }, [drawn, question, classes]);

  const zoomBy = (factor: number | null) => {
    if (!svg.current || !zoomer.current) return;
    const target = select(svg.current);
    if (factor === null) target.call(zoomer.current.transform, zoomIdentity);
    else target.call(zoomer.current.scaleBy, factor);
  };

  const areas = drawn ? (level === "COUNTY" ? drawn.counties : drawn.provinces) : [];
  // The shapes change only with a new answer, never with the tooltip (hundreds of paths; handlers delegated).
  const painted = useMemo(() => areas.map((area) => {
    const index = classes.get(area.key);
    return <path key={area.key} d={area.d} data-key={area.key} fill={index == null ? NO_DATA : COLOURS[index]}
                 data-class={index ?? "none"} className="area" />;
  }), [areas, classes]);
  const keyOf = (event: MouseEvent) => (event.target as SVGElement).dataset?.key;
  const hover = (event: MouseEvent) => {
    const key = keyOf(event);
    if (!key) return setTip(null);
    const box = svg.current!.parentElement!.getBoundingClientRect();
    setTip({ x: event.clientX - box.left, y: event.clientY - box.top, text: describe(key) });
  };
  const click = (event: MouseEvent) => {
    const key = keyOf(event);
    if (!key) return;
    if (onPick && projection && layer.current) {
      const point = svg.current!.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      const local = point.matrixTransform(layer.current.getScreenCTM()!.inverse());
      const lonLat = projection.invert?.([local.x, local.y]);
      if (lonLat) onPick(lonLat[1], lonLat[0]);
    } else {
      onSelect(key);
    }
  };

  if (failed) return <p role="alert">{t.failed}: {failed}</p>;
  return (
    <div className={`map${onPick ? " picking" : ""}`} data-ready={drawn ? "true" : "false"} data-level={level}
         data-question={drawn ? question : ""} data-selected={selected ?? ""} onMouseLeave={() => setTip(null)}>
      <svg ref={svg} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <g ref={layer} onMouseMove={hover} onClick={click}>
          {level === "COUNTY" && drawn?.provinces.map((p) => (
            <path key={p.key} d={p.d} className="province-under" fill={NO_DATA} />
          ))}
          {painted}
          {drawn?.provinces.map((p) => <path key={p.key} d={p.d} className="province-outline" />)}
          {selected && areas.filter((a) => a.key === selected).map((a) => (
            <path key={a.key} d={a.d} className="selected-outline" />
          ))}
          {projection && marks.map((mark, index) => {
            const [x, y] = projection([mark.lon, mark.lat]) ?? [0, 0];
            return <circle key={index} cx={x} cy={y} r={MARK_RADIUS / zoomScale.current} className="mark"><title>{mark.label}</title></circle>;
          })}
        </g>
      </svg>
      {tip && <div className="tooltip" aria-hidden="true" style={{ transform: `translate(${tip.x + 12}px, ${tip.y + 12}px)` }}>{tip.text}</div>}
      <div className="zoom-buttons">
        <button type="button" onClick={() => zoomBy(1.5)} aria-label={t.coverage.zoomIn} title={t.coverage.zoomIn}>+</button>
        <button type="button" onClick={() => zoomBy(1 / 1.5)} aria-label={t.coverage.zoomOut} title={t.coverage.zoomOut}>−</button>
        <button type="button" onClick={() => zoomBy(null)} aria-label={t.coverage.zoomReset} title={t.coverage.zoomReset}>⟲</button>
      </div>
    </div>
  );
}
