"""SQL, one module per aggregate. Functions take a Session and plain values and return ORM
rows or plain data; they never commit (services own the transaction) and never raise HTTP."""
