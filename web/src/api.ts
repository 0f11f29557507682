// The hub's GraphQL API over fetch, with the typed documents codegen makes from schema.graphql.
import type { TypedDocumentString } from "./gql/graphql";

export class Unauthenticated extends Error {}

interface Answer<Result> {
  data?: Result;
  errors?: { message: string; extensions?: { code?: string; limit?: string } }[];
}

/** How long to wait before asking again when the hub runs as many analyses for this key as it allows
 *  (a map, a county's detail and a what-if may be asked together): 0.25 s, 0.5 s, 1 s, ... 8 s. */
const BUSY_WAITS_MS = [250, 500, 1000, 2000, 4000, 8000];

export async function execute<Result, Variables>(
  apiKey: string,
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  signal?: AbortSignal,
): Promise<Result> {
  for (const wait of BUSY_WAITS_MS) {
    const answer = await post(apiKey, document, variables, signal);
    if (answer.errors?.[0]?.extensions?.limit !== "concurrent") return unwrap(answer);
    await new Promise((resolve) => setTimeout(resolve, wait));
    signal?.throwIfAborted();
  }
  return unwrap(await post(apiKey, document, variables, signal));
}

function unwrap<Result>(answer: Answer<Result>): Result {
  if (answer.errors?.length) throw new Error(answer.errors[0].message);
  if (!answer.data) throw new Error("no data in the answer");
  return answer.data;
}

async function post<Result, Variables>(
  apiKey: string,
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  signal?: AbortSignal,
): Promise<Answer<Result>> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      authorization: `Bearer ${apiKey}`,
    },
    body: JSON.stringify({ query: document.toString(), variables }),
    signal,
  });
  if (response.status === 401) throw new Unauthenticated();
  if (!(response.headers.get("content-type") ?? "").includes("json")) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as Answer<Result>;
}
