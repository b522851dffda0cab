"""Pydantic v2 schemas: XBase / XCreate / XUpdate / XPublic / XPage per resource."""
