"""The engine: notation, derivations as data, verification (identity, sign, points), rendering."""
