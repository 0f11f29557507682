// The view's state lives in the URL (?lang=en&province=IR-06), so every view can be linked to.
import { useCallback, useEffect, useState } from "react";
import type { Lang } from "./i18n";

export interface View {
  lang: Lang;
  province: string | null; // null: the whole country
}

function read(): View {
  const params = new URLSearchParams(window.location.search);
  return { lang: params.get("lang") === "en" ? "en" : "fa", province: params.get("province") || null };
}

function write(view: View): string {
  const params = new URLSearchParams();
  if (view.lang !== "fa") params.set("lang", view.lang);
  if (view.province) params.set("province", view.province);
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ""}`;
}

export function useView(): [View, (change: Partial<View>) => void] {
  const [view, setView] = useState(read);
  useEffect(() => {
    const back = () => setView(read());
    window.addEventListener("popstate", back);
    return () => window.removeEventListener("popstate", back);
  }, []);
  const change = useCallback((patch: Partial<View>) => {
    const next = { ...view, ...patch };
    window.history.pushState(null, "", write(next));
    setView(next);
  }, [view]);
  return [view, change];
}
