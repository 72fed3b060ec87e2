"""The emails of exchange rounds, one module per area; each registers its kinds with
`portal.notifications.kinds` when `ExchangesConfig.ready()` imports it."""
