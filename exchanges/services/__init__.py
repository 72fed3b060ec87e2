"""Every write to exchange rounds, one module per area (each service runs in one transaction,
goes through `portal.core.workflows.transition` for a status and leaves an audit entry):

- `rounds`: publishing, moving, cancelling, holding a round, the next meeting of a series;
- `registrations`: members and guests registering, confirming, cancelling, expiring, the
  waitlist (seats are counted by `portal.core.capacity`, as for course dates);
- `questions`: questions in advance and the agenda;
- `documentation`: attendance, the documentation, follow-up items and files;
- `follow_ups`: open follow-up items carried into the next round on a theme or series;
- `practice`: practice examples, their review and publication.
"""
