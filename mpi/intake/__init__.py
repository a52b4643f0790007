"""Adapters turning files into source records (CSV here; the Ministry's XML envelopes alongside)."""
