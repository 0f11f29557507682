import { useEffect, useState } from "react";
import { execute } from "./api";
import type { TypedDocumentString } from "./gql/graphql";

export type QueryState<Result> =
  | { status: "loading" }
  | { status: "error"; error: Error }
  | { status: "done"; data: Result };

type Held<Result> = QueryState<Result> & { asked: string };

/** Runs `document` whenever the key or the variables change; an answer that arrives late is dropped,
 *  and an answer is never shown for other variables than its own (while the next one loads, the state
 *  is "loading" from the first render on, not one effect later). */
export function useQuery<Result, Variables>(
  apiKey: string,
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
): QueryState<Result> {
  const asked = JSON.stringify([apiKey, variables]);
  const [state, setState] = useState<Held<Result>>({ status: "loading", asked });
  useEffect(() => {
    const abort = new AbortController();
    execute(apiKey, document, JSON.parse(asked)[1] as Variables, abort.signal).then(
      (data) => setState({ status: "done", data, asked }),
      (error: Error) => abort.signal.aborted || setState({ status: "error", error, asked }),
    );
    return () => abort.abort();
  }, [apiKey, document, asked]);
  return state.asked === asked ? state : { status: "loading" };
}
