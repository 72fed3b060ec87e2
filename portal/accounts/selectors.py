"""Reads of municipalities and organisations for the membership pages."""

from django.db.models import Q

from portal.accounts.models import DISTRICT_PREFIX, Municipality, Organisation

SEARCH_LIMIT = 20


def municipality_search(query: str, *, chosen=None) -> list[Municipality]:
    """Up to SEARCH_LIMIT matches by name, postcode or AGS, the chosen one kept first.

    Exact name matches come before partial ones, then the larger places, so "Essen"
    finds the city before "Essenbach"; "Landkreis Görlitz" finds the district "Görlitz".
    """
    queryset = Municipality.objects.select_related("district")
    results = list(
        queryset.search(query).order_by("-population", "name")[: SEARCH_LIMIT * 5] if query else []
    )
    lowered = DISTRICT_PREFIX.sub("", query.strip(), count=1).lower()
    results.sort(
        key=lambda m: (
            m.name.lower().split(",")[0] != lowered,
            not m.name.lower().startswith(lowered),
            -(m.population or 0),
        )
    )
    results = results[:SEARCH_LIMIT]
    return _keep_chosen(results, queryset, chosen)


def organisation_search(query: str, *, chosen=None) -> list[Organisation]:
    query = query.strip()
    results = (
        list(
            Organisation.objects.filter(Q(name__icontains=query) | Q(town__icontains=query))[
                :SEARCH_LIMIT
            ]
        )
        if query
        else []
    )
    return _keep_chosen(results, Organisation.objects.all(), chosen)


def _keep_chosen(results, queryset, chosen):
    """A choice already made stays on the page when the form comes back with an error."""
    if chosen and str(chosen).isdigit() and all(str(r.pk) != str(chosen) for r in results):
        picked = queryset.filter(pk=chosen).first()
        if picked is not None:
            results = [picked, *results]
    return results
