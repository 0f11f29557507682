// PostGraphile 4 over the peer's database, as a library in a plain Node HTTP server (the CLI cannot
// pass the connection filter plugin its options). Started by benchmarks/peer/run.py with NODE_PATH
// pointing at the scratch install; PEER_DATABASE_URL and PEER_PORT say where.
const http = require("http");
const { postgraphile } = require("postgraphile");
const ConnectionFilterPlugin = require("postgraphile-plugin-connection-filter");

const middleware = postgraphile(process.env.PEER_DATABASE_URL, "public", {
  simpleCollections: "both", // lists as plain arrays (`...List`) beside Relay connections
  appendPlugins: [ConnectionFilterPlugin],
  graphileBuildOptions: { connectionFilterRelations: true }, // filter institutions by their county's province
  legacyRelations: "omit",
  setofFunctionsContainNulls: false,
  ignoreRBAC: true,
  disableQueryLog: true, // a line per query would cost the peer time the hub does not spend
  graphiql: false,
  watchPg: false,
  retryOnInitFail: false,
  extendedErrors: ["hint", "detail", "errcode"],
});

http.createServer(middleware).listen(Number(process.env.PEER_PORT), "127.0.0.1");
