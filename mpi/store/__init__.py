"""Storage: SQLAlchemy models, the database (engines, transactions, migrations) and repositories."""
