import { useState, type FormEvent } from "react";
import { useI18n } from "./i18n";

export function SignIn({ onKey, rejected }: { onKey: (apiKey: string) => void; rejected: boolean }) {
  const { t } = useI18n();
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) onKey(value.trim());
  };
  return (
    <form className="sign-in" onSubmit={submit}>
      <h2>{t.signIn.heading}</h2>
      <p>{t.signIn.intro}</p>
      <label htmlFor="api-key">{t.signIn.keyLabel}</label>
      <input id="api-key" type="password" dir="ltr" autoComplete="off" spellCheck={false}
             value={value} onChange={(event) => setValue(event.target.value)} />
      <button type="submit">{t.signIn.submit}</button>
      {rejected && <p role="alert">{t.signIn.rejected}</p>}
    </form>
  );
}
