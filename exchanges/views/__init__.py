"""The views of exchange rounds, one module per area; each exposes its `urlpatterns`, which
`exchanges/urls.py` joins.

- `public`: the list, a round's page, its calendar file and the feed (anyone);
- `registration`: registering, cancelling, guests and their signed links;
- `moderation`: questions in advance, attendance, documentation, participant lists;
- `practice`: the library of practice examples.
"""
