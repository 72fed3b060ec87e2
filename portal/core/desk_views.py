"""The coordinator's desk at /desk/: what needs doing today (see `portal.core.desk`)."""

from django.shortcuts import render

from portal.core.access import role_required
from portal.core.desk import desk
from portal.core.roles import ADVISOR, COORDINATOR


@role_required(COORDINATOR, ADVISOR)
def desk_view(request):
    """Each of the person's lines with its count and the place where the work is done;
    advisors see their own part. One query per line, however many rows wait."""
    return render(request, "core/desk.html", {"rows": desk.rows_for(request.user)})
