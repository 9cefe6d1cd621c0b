"""The outcomes ledger: what became of each graduate, the host's offer, retention checks."""
