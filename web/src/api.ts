// The hub's GraphQL API over fetch, with the typed documents codegen makes from schema.graphql.
import type { TypedDocumentString } from "./gql/graphql";

export class Unauthenticated extends Error {}

export async function execute<Result, Variables>(
  apiKey: string,
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  signal?: AbortSignal,
): Promise<Result> {
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
  const body = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors[0].message);
  if (!body.data) throw new Error(`HTTP ${response.status}`);
  return body.data;
}
