// The county choropleth: maplibre-gl with the census-2016 outlines bundled as GeoJSON (no tile server,
// nothing fetched from another host). Each county's class of unmet share is a feature state, so a new
// answer recolours the map without reloading its shapes.
import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useRef, useState } from "react";
import { COLOURS, NO_DATA } from "./coverageClasses";
import countiesUrl from "./geo/counties.simplified.geojson?url";
import provincesUrl from "./geo/provinces.simplified.geojson?url";

// Without an explicit worker URL maplibre's GeoJSON layers never draw in a Vite build.
maplibregl.setWorkerUrl(workerUrl);

export const ATTRIBUTION = "© OpenStreetMap contributors, ODbL";
const IRAN: maplibregl.LngLatBoundsLike = [[44.0, 25.0], [63.4, 39.8]];
const absolute = (url: string) => new URL(url, window.location.href).href; // the worker resolves no relative URL

declare global {
  interface Window {
    /** The map, for tests (`__hubMap.queryRenderedFeatures`) and the curious. */
    __hubMap?: maplibregl.Map;
  }
}

// fill-color: the county's class (feature state `class`, 0-4), grey when it has none.
const fillColour: maplibregl.ExpressionSpecification = [
  "match", ["coalesce", ["feature-state", "class"], -1],
  ...COLOURS.flatMap((colour, index) => [index, colour]),
  NO_DATA,
] as unknown as maplibregl.ExpressionSpecification;

const style: maplibregl.StyleSpecification = {
  version: 8,
  sources: {
    provinces: { type: "geojson", data: absolute(provincesUrl) },
    counties: { type: "geojson", data: absolute(countiesUrl), promoteId: "key" },
  },
  layers: [
    { id: "background", type: "background", paint: { "background-color": "#f6f7f9" } },
    { id: "provinces-fill", type: "fill", source: "provinces", paint: { "fill-color": NO_DATA } },
    { id: "counties", type: "fill", source: "counties", paint: { "fill-color": fillColour } },
    { id: "counties-outline", type: "line", source: "counties", paint: { "line-color": "#ffffff", "line-width": 0.5 } },
    { id: "counties-selected", type: "line", source: "counties", paint: {
      "line-color": "#111827",
      "line-width": ["case", ["boolean", ["feature-state", "selected"], false], 3, 0],
    } },
    { id: "provinces-outline", type: "line", source: "provinces", paint: { "line-color": "#4a5568", "line-width": 1.2 } },
  ],
};

interface Props {
  /** Each county's class of unmet share, by key; counties not named are drawn as having no figure. */
  classes: ReadonlyMap<string, number>;
  label: string;
  /** The selected county's key, outlined on the map. */
  selected: string | null;
  /** A county clicked on the map. */
  onSelect: (key: string) => void;
}

export default function CoverageMap({ classes, label, selected, onSelect }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<maplibregl.Map | null>(null);
  const select = useRef(onSelect); // the latest callback, for the click handler registered once
  useEffect(() => { select.current = onSelect; }, [onSelect]);

  useEffect(() => {
    const created = new maplibregl.Map({
      container: container.current!,
      style,
      bounds: IRAN,
      dragRotate: false,
      pitchWithRotate: false,
      attributionControl: false, // the attribution is shown under the map (Coverage.tsx), where nothing covers it
    });
    created.touchZoomRotate.disableRotation();
    created.on("load", () => setMap(created));
    created.on("click", "counties", (event) => {
      const key = event.features?.[0]?.properties?.key;
      if (typeof key === "string") select.current(key);
    });
    created.on("mouseenter", "counties", () => { created.getCanvas().style.cursor = "pointer"; });
    created.on("mouseleave", "counties", () => { created.getCanvas().style.cursor = ""; });
    window.__hubMap = created;
    return () => {
      if (window.__hubMap === created) delete window.__hubMap;
      created.remove();
    };
  }, []);

  useEffect(() => {
    map?.getCanvas().setAttribute("aria-label", label);
  }, [map, label]);

  useEffect(() => {
    if (!map) return;
    map.removeFeatureState({ source: "counties" });
    for (const [key, index] of classes) map.setFeatureState({ source: "counties", id: key }, { class: index });
    if (selected) map.setFeatureState({ source: "counties", id: selected }, { selected: true });
  }, [map, classes, selected]);

  return <div ref={container} className="map" data-ready={map ? "true" : "false"}
              data-selected={selected ?? ""} />;
}
