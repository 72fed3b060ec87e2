"""Forms of exchange rounds, one module per area (see `exchanges/views/`)."""
