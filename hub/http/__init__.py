"""The HTTP layer under the GraphQL view: the GraphQL-over-HTTP rules, pure ASGI middlewares (body
limit, request id, rate limit, security headers), the GraphiQL page and the CSV exports."""
