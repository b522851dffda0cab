"""Pure NetworkX functions over the friendship and listening graphs (no database, no web).

Filled in by the graph issue (#6); the package exists now so the layout is stable.
"""
