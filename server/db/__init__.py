"""Database layer: typed models, engine factory, migrations and the data version."""
