"""The GraphQL API (Strawberry) at ``/graphql``: a thin layer over the same services as REST,
with per-request DataLoaders so nested queries cost a bounded number of SQL statements."""
