"""Use cases: each public method is one unit of work (one transaction) on the store."""
