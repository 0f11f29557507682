// The coverage map's classes of unmet share: shared by the map, its legend and its table.

/** Upper bounds of the classes of unmet share (0 to 1): [0, 0.2), [0.2, 0.4), ... [0.8, 1]. */
export const BREAKS = [0.2, 0.4, 0.6, 0.8, 1];
/** One colour per class, light (well served) to dark (most of the need unmet): ColorBrewer YlOrRd. */
export const COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
/** Counties the API reports no figure for (e.g. the 49 counties created since 2016). */
export const NO_DATA = "#d9dde3";

/** The class (0 to 4) of an unmet share. */
export function classOf(unmetShare: number): number {
  const index = BREAKS.findIndex((upper) => unmetShare < upper);
  return index === -1 ? BREAKS.length - 1 : index;
}
