"""Reads of exchange rounds, scoped to who asks, one module per area (`public`,
`registrations`, `moderation`, `practice`). Nothing here writes."""
