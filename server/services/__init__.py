"""Use cases shared by REST and GraphQL. Services take a Session, raise `server.errors`
domain errors, and return Pydantic schemas or plain data — never HTTP responses."""
