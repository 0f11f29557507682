import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from "react";
import { Unauthenticated } from "./api";
import { Dashboard } from "./Dashboard";
import { graphql } from "./gql";
import type { Right } from "./gql/graphql";
import { I18nContext, i18n, useI18n } from "./i18n";
import { session } from "./session";
import { SignIn } from "./SignIn";
import { useView } from "./url";
import { useQuery } from "./useQuery";

// The coverage view (map, d3-geo and d3-zoom) is loaded only when it is opened.
const Coverage = lazy(() => import("./Coverage"));

// What the key may do: the app shows only what its rights allow.
const Me = graphql(`
  query Me {
    me { role provinces rights }
  }
`);

export function App() {
  const [view, setView] = useView();
  const [apiKey, setApiKey] = useState(session.read);
  const [rejected, setRejected] = useState(false);
  const language = useMemo(() => i18n(view.lang), [view.lang]);

  useEffect(() => {
    document.documentElement.lang = language.lang;
    document.documentElement.dir = language.dir;
    document.title = language.t.title;
  }, [language]);

  const signIn = (key: string) => {
    session.save(key);
    setRejected(false);
    setApiKey(key);
  };
  const signOut = (wasRejected = false) => {
    session.clear();
    setRejected(wasRejected);
    setApiKey(null);
  };

  return (
    <I18nContext.Provider value={language}>
      <header>
        <h1>{language.t.title}</h1>
        <button type="button" lang={language.t.switchLanguageLang}
                onClick={() => setView({ lang: language.t.switchLanguageLang })}>
          {language.t.switchLanguage}
        </button>
      </header>
      <main className={view.page === "coverage" ? "wide" : undefined}>
        {apiKey ? (
          <SignedIn apiKey={apiKey} onSignOut={signOut}>{(rights) => <>
            <nav aria-label={language.t.nav.label} className="views">
              {(["dashboard", "coverage"] as const).map((page) => (
                <button key={page} type="button" aria-current={view.page === page ? "page" : undefined}
                        onClick={() => setView({ page })}>
                  {language.t.nav[page]}
                </button>
              ))}
            </nav>
            {view.page === "coverage" ? (
              <Suspense fallback={<p aria-live="polite">{language.t.loading}</p>}>
                <Coverage apiKey={apiKey} view={view} onChange={setView} rights={rights} />
              </Suspense>
            ) : (
              <Dashboard apiKey={apiKey} province={view.province} onProvince={(province) => setView({ province })} />
            )}
          </>}</SignedIn>
        ) : (
          <SignIn onKey={signIn} rejected={rejected} />
        )}
      </main>
    </I18nContext.Provider>
  );
}

interface SignedInProps {
  apiKey: string;
  onSignOut: (rejected?: boolean) => void;
  /** What to show once the key is accepted, given its rights. */
  children: (rights: readonly Right[]) => ReactNode;
}

function SignedIn({ apiKey, onSignOut, children }: SignedInProps) {
  const { t } = useI18n();
  const me = useQuery(apiKey, Me, {});
  const refused = me.status === "error" && me.error instanceof Unauthenticated;
  useEffect(() => {
    if (refused) onSignOut(true);
  }, [refused, onSignOut]);
  if (me.status === "loading") return <p aria-live="polite">{t.loading}</p>;
  if (me.status === "error") return <p role="alert">{t.failed}: {me.error.message}</p>;
  return (
    <>
      <p className="who">
        {t.signedInAs}: <strong data-role={me.data.me.role}>{t.roles[me.data.me.role]}</strong>{" "}
        <button type="button" onClick={() => onSignOut()}>{t.signOut}</button>
      </p>
      {me.data.me.rights.includes("READ") && children(me.data.me.rights)}
    </>
  );
}
