import { useEffect, useState } from "react";
import { execute } from "./api";
import type { TypedDocumentString } from "./gql/graphql";

export type QueryState<Result> =
  | { status: "loading" }
  | { status: "error"; error: Error }
  | { status: "done"; data: Result };

/** Runs `document` whenever the key or the variables change; an answer that arrives late is dropped. */
export function useQuery<Result, Variables>(
  apiKey: string,
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
): QueryState<Result> {
  const [state, setState] = useState<QueryState<Result>>({ status: "loading" });
  const asked = JSON.stringify(variables);
  useEffect(() => {
    const abort = new AbortController();
    setState({ status: "loading" });
    execute(apiKey, document, JSON.parse(asked) as Variables, abort.signal).then(
      (data) => setState({ status: "done", data }),
      (error: Error) => abort.signal.aborted || setState({ status: "error", error }),
    );
    return () => abort.abort();
  }, [apiKey, document, asked]);
  return state;
}
