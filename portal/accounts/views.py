"""The signed-in person's own pages: overview, profile and memberships."""

from django.contrib import messages
from django.db.models import Case, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts.forms import (
    MunicipalityMembershipForm,
    OrganisationMembershipForm,
    OrganisationRegisterForm,
    ProfileForm,
    SearchForm,
)
from portal.accounts.models import Membership, MembershipStatus
from portal.accounts.roles import ADVISOR, STAFF_ROLES
from portal.accounts.selectors import SEARCH_LIMIT, municipality_search, organisation_search
from portal.accounts.services import (
    membership_request,
    membership_withdraw,
    organisation_register,
    user_update_profile,
)
from portal.core.access import signed_in
from portal.core.errors import DomainError, show_error
from portal.core.language import set_language_cookie


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@signed_in
def overview(request):
    # Rejected requests are not listed: they grant nothing, and the person may ask again.
    verified_first = Case(When(status=MembershipStatus.VERIFIED, then=Value(0)), default=Value(1))
    memberships = (
        Membership.objects.current()
        .filter(user=request.user)
        .select_related("municipality", "municipality__district", "organisation")
        .order_by(verified_first, "-created_at")
    )
    return render(
        request,
        "accounts/overview.html",
        {
            "memberships": memberships,
            "is_advisor": request.user.has_role(ADVISOR),
            # Advisors and coordinators work for the programme: they are not asked where.
            "works_for_the_programme": any(request.user.has_role(role) for role in STAFF_ROLES),
        },
    )


@signed_in
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:overview")
        # The interface follows the language chosen here from now on.
        set_language_cookie(response, request.user.preferred_language)
        return response
    return render(request, "accounts/profile_form.html", {"form": form})


@signed_in
def membership_new(request):
    return render(request, "accounts/membership_new.html")


@signed_in
def membership_new_municipality(request):
    search = SearchForm(request.GET or request.POST or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = MunicipalityMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_request(
                user=request.user,
                municipality=form.cleaned_data["municipality"],
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            show_error(request, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. The coordination team will confirm that you work for "
                    "%(municipality)s; you will see the status here."
                )
                % {"municipality": form.cleaned_data["municipality"].name},
            )
            return redirect("accounts:overview")
    results = municipality_search(query, chosen=form["municipality"].value())
    context = {
        "search": search,
        "query": query,
        "form": form,
        "results": results,
        "search_limit": SEARCH_LIMIT,
    }
    if _is_htmx(request):
        return render(request, "accounts/_municipality_results.html", context)
    return render(request, "accounts/membership_municipality.html", context)


@signed_in
def membership_new_organisation(request):
    search = SearchForm(request.GET or request.POST or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    is_register = request.method == "POST" and "register" in request.POST
    form = OrganisationMembershipForm(
        request.POST if request.method == "POST" and not is_register else None
    )
    register_form = OrganisationRegisterForm(request.POST if is_register else None)
    submitted = register_form if is_register else form
    if request.method == "POST" and submitted.is_valid():
        try:
            if is_register:
                membership = organisation_register(user=request.user, **register_form.cleaned_data)
            else:
                membership = membership_request(
                    user=request.user,
                    organisation=form.cleaned_data["organisation"],
                    role=form.cleaned_data["role"],
                )
        except DomainError as error:
            show_error(request, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. The coordination team will confirm that you work for "
                    "%(organisation)s; you will see the status here."
                )
                % {"organisation": membership.organisation.name},
            )
            return redirect("accounts:overview")
    results = organisation_search(query, chosen=form["organisation"].value())
    context = {
        "search": search,
        "query": query,
        "form": form,
        "register_form": register_form,
        "results": results,
        "search_limit": SEARCH_LIMIT,
    }
    if _is_htmx(request):
        return render(request, "accounts/_organisation_results.html", context)
    return render(request, "accounts/membership_organisation.html", context)


@signed_in
@require_POST
def membership_withdraw_view(request, pk):
    membership = get_object_or_404(Membership.objects.current().filter(user=request.user), pk=pk)
    try:
        membership_withdraw(membership=membership, by=request.user)
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request, _("The membership with %(body)s has been removed.") % {"body": membership.body}
        )
    return redirect("accounts:overview")
