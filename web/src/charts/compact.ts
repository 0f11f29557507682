import type { Lang } from "../i18n";

/** Large amounts in words of the language (۷٫۳ میلیارد, 7.3bn) for axes and bar labels, where the
 *  exact rials would not fit; the tables and tooltips keep the exact figure. */
export function compact(lang: Lang): (value: number) => string {
  const format = new Intl.NumberFormat(lang === "fa" ? "fa-IR" : "en-GB", {
    notation: "compact", maximumFractionDigits: 1,
  });
  return (value) => format.format(value);
}
