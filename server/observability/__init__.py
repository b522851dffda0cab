"""Logs, metrics and request ids: what an operator sees of a running server.

- `context`: the request id of the request being served, in a context variable, so every log
  line written while serving it (in the event loop or a worker thread) carries it.
- `logs`: the logging configuration of `soundstream serve`: JSON lines or text, one level.
- `metrics`: Prometheus metrics (requests by route template and status, GraphQL operations,
  the database pool, the data version), single- or multi-process.
- `middleware`: the one pure-ASGI middleware that times each request, counts it, writes its
  access log line, echoes ``X-Request-ID`` and answers ``/metrics``.
- `graphql`: the Strawberry extension that counts operations by type, name and outcome.
"""
