// One message catalogue per language (src/messages), and the number and date formats that go with it.
import { createContext, useContext } from "react";
import type { CoverageLevel, CoverageMethod, InstitutionKind, Role } from "./gql/graphql";
import { en } from "./messages/en";
import { fa } from "./messages/fa";

export type Lang = "fa" | "en";

export interface Messages {
  title: string;
  switchLanguage: string;
  switchLanguageLang: Lang;
  signIn: { heading: string; intro: string; keyLabel: string; submit: string; rejected: string };
  signOut: string;
  signedInAs: string;
  roles: Record<Role, string>; // a role added to the schema fails `tsc` until it is named here
  loading: string;
  failed: string;
  dashboard: {
    heading: string; area: string; country: string; asOf: string; institutions: string; byKind: string;
    kind: string; count: string; total: string; donations: string; year: string; amount: string; gifts: string;
    donors: string; noDonations: string; withheld: string; withheldNote: string;
    headline: string; councils: string; events: string; licences: string;
    // ServiceDomain imported inline: the file's import line is shared with the other sections.
    byDomain: string; domain: string; domains: Record<import("./gql/graphql").ServiceDomain, string>; capacity: string;
    byService: string; service: string; offering: string;
    expiring: string; window: string; days: string; until: string; soonest: string; institution: string;
    licenceNumber: string; licenceType: string; expiresOn: string; daysLeft: string; noExpiring: string;
    chart: string; inTable: string; largest: string;
  };
  kinds: Record<InstitutionKind, string>;
  nav: { label: string; dashboard: string; coverage: string };
  coverage: {
    heading: string; measured: string; services: string; groups: string; method: string;
    methods: Record<CoverageMethod, string>; mapLabel: string; legend: string; noData: string;
    tableCaption: string; rank: string; county: string; unmetShare: string; need: string; reached: string;
    shortfall: string; download: string; downloadNote: string; sortBy: string;
    zoomIn: string; zoomOut: string; zoomReset: string; measure: string; level: string;
    levels: Record<CoverageLevel, string>; province: string; radius: string; asOf: string; asOfPlaceholder: string;
    norm: string; normNational: string; capacity: string; ratio: string; accessibility: string;
    tableCaptionProvinces: string; worstFirst: string; find: string;
    found: (shown: string, all: string) => string; showAll: (all: string) => string;
  };
  detail: {
    need: string; capacity: string; unlicensedCapacity: string; reached: string; target: string; shortfall: string;
    unmetShare: string; rank: string; nearestKm: string; needs: string; group: string; people: string; year: string;
    source: string; override: string; censusDefault: string; providers: string; provider: string;
    providerCapacity: string; distance: string; weight: string; noProviders: string; showCounty: string;
  };
  whatIf: {
    heading: string; nothingWritten: string; places: string; service: string; addAtCounty: string; selectCounty: string;
    pick: string; picking: string; addAtPoint: string; pickedPoint: string; closeLabel: string; find: string; close: string;
    norm: string; normNational: string; changes: string; noChanges: string; add: string; placesAt: string;
    point: string; closing: string; remove: string; run: string; clear: string; notRun: string; shown: string;
    before: string; after: string; changed: string; shortfall: string; change: string;
    unmetShare: string; reached: string; noneChanged: string; arrow: string;
  };
}

const catalogues: Record<Lang, Messages> = { fa, en };

export interface I18n {
  lang: Lang;
  dir: "rtl" | "ltr";
  t: Messages;
  /** Counts and amounts; amounts arrive as strings of digits (they exceed 2^53), so they go through BigInt. */
  number: (value: number | string, fractionDigits?: number) => string;
  /** A share from 0 to 1 as a percentage (۴۵٪). */
  percent: (share: number, fractionDigits?: number) => string;
  /** A year number, without grouping (۱۴۰۳, not ۱٬۴۰۳). */
  year: (value: number) => string;
  /** An ISO day (2024-08-14) in the Solar Hijri calendar. */
  date: (iso: string) => string;
}

export function i18n(lang: Lang): I18n {
  const locale = lang === "fa" ? "fa-IR" : "en-GB";
  const numbers = new Intl.NumberFormat(locale);
  const years = new Intl.NumberFormat(locale, { useGrouping: false });
  const dates = new Intl.DateTimeFormat(`${locale}-u-ca-persian`, { dateStyle: "long", timeZone: "UTC" });
  // Formatters are made once per language and precision: making one per figure was most of the time a
  // table of 430 counties took to render.
  const decimals = memoised((digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }));
  const percents = memoised((digits: number) =>
    new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }));
  return {
    lang,
    dir: lang === "fa" ? "rtl" : "ltr",
    t: catalogues[lang],
    number: (value, fractionDigits = 0) =>
      typeof value === "string" ? numbers.format(BigInt(value)) : decimals(fractionDigits).format(value),
    percent: (share, fractionDigits = 0) => percents(fractionDigits).format(share),
    year: (value) => years.format(value),
    date: (iso) => dates.format(new Date(`${iso}T00:00:00Z`)),
  };
}

function memoised<Made>(make: (digits: number) => Made): (digits: number) => Made {
  const made = new Map<number, Made>();
  return (digits) => {
    let found = made.get(digits);
    if (found === undefined) made.set(digits, (found = make(digits)));
    return found;
  };
}

export const I18nContext = createContext<I18n>(i18n("fa"));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
