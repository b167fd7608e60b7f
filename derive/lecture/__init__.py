"""The lecture's content: closed forms, the derivations, claims and the errata."""
