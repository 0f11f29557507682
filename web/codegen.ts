import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed documents from the hub's checked-in schema: a schema change that breaks a query fails `tsc`.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**"],
  generates: {
    "src/gql/": {
      preset: "client",
      // Documents as strings: the app posts them with fetch, no GraphQL runtime in the bundle.
      config: { documentMode: "string", useTypeImports: true, enumsAsTypes: true,
                scalars: { Date: "string", DateTime: "string", Rials: "string" } },
      presetConfig: { fragmentMasking: false },
    },
  },
  ignoreNoDocuments: true,
  silent: true,
};

export default config;
