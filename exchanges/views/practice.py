"""The library of practice examples (see exchanges/urls.py): the search, an example's page,
writing and revising one, and the author's own list.

Every page is for signed-in people. Examples are fetched through the reader's scope
(`selectors.examples_visible_to`, `examples_editable_by`), so an unpublished example answers
404 to everyone but its author and coordinators. Coordinators review in the admin; an
example's page links them to its steps there.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from exchanges.errors import ExchangeError
from exchanges.forms.practice import ExampleSearchForm, PracticeExampleForm
from exchanges.models import PRACTICE_EXAMPLE
from exchanges.selectors import practice as selectors
from exchanges.services import practice as services
from portal.accounts.models import Membership
from portal.core.access import signed_in
from portal.core.errors import show_error
from portal.core.workflows import open_steps

PAGE_SIZE = 20
SEARCH_LENGTH = 100


@signed_in
def practice_list(request):
    form = ExampleSearchForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.examples_search(request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exchanges/practice/list.html",
        {
            "form": form,
            "page": page,
            "examples": selectors.with_sizes(page.object_list),
            "query": query.urlencode(),
            "filtered": any(filters.values()),
            "may_submit": selectors.may_submit_examples(request.user),
        },
    )


@signed_in
def practice_detail(request, slug):
    example = selectors.example_detail(request.user, slug)
    if example is None:
        raise Http404
    example.size = selectors.size_class(example.municipality)
    steps = [
        (step, reverse("admin:exchanges_practiceexample_step", args=[example.pk, step.name]))
        for step in open_steps(PRACTICE_EXAMPLE.name, example, request.user)
    ]
    return render(
        request,
        "exchanges/practice/detail.html",
        {
            "example": example,
            "may_edit": selectors.may_edit_example(request.user, example),
            "is_author": example.author_id == request.user.pk,
            "steps": steps,
        },
    )


@signed_in
def practice_mine(request):
    return render(
        request,
        "exchanges/practice/mine.html",
        {
            "examples": selectors.examples_of_author(request.user),
            "may_submit": selectors.may_submit_examples(request.user),
        },
    )


@signed_in
def practice_new(request):
    if not selectors.may_submit_examples(request.user):
        return render(
            request,
            "exchanges/practice/not_yet.html",
            {
                "pending": Membership.objects.filter(user=request.user)
                .pending()
                .select_related("municipality", "organisation"),
            },
        )
    return _example_form(request, example=None)


@signed_in
def practice_edit(request, slug):
    example = get_object_or_404(selectors.examples_editable_by(request.user), slug=slug)
    if not selectors.may_edit_example(request.user, example):
        messages.info(
            request,
            _(
                "This example is %(status)s, so it cannot be changed now. If something needs "
                "correcting, please write to the coordination team."
            )
            % {"status": example.get_status_display()},
        )
        return redirect(example)
    return _example_form(request, example=example)


def _example_form(request, *, example):
    """The form page of a new or an existing example. A search for the municipality (htmx
    or, without JavaScript, a button of the form) shows the places found and keeps what was
    typed; saving goes through the services."""
    # Typed text, cut to length; a NUL byte, which no name contains, cannot reach the SQL.
    typed = request.GET.get("q") or request.POST.get("q") or ""
    query = typed.replace("\x00", "").strip()[:SEARCH_LENGTH]
    searching = request.method == "POST" and "find" in request.POST
    if request.method == "POST" and not searching:
        form = PracticeExampleForm(request.POST, instance=example)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                if example is None:
                    saved = services.example_create(
                        author=request.user, content=form.content(), submit=submit
                    )
                else:
                    saved = services.example_update(
                        example=example, by=request.user, content=form.content(), submit=submit
                    )
            except ExchangeError as error:
                show_error(request, error)
            else:
                return _saved(request, saved, submitted=submit)
        else:
            messages.error(
                request, _("Please correct the marked fields; nothing has been saved yet.")
            )
    elif searching:
        form = PracticeExampleForm.kept(request.POST, instance=example)
    else:
        form = PracticeExampleForm(instance=example)
    # htmx sends the search with the municipality ticked so far (the form is not sent).
    chosen = request.GET.get("municipality") or form["municipality"].value()
    context = {
        "form": form,
        "example": example,
        "query": query,
        "chosen": str(chosen or ""),
        "rounds_offered": form.fields["rounds"].queryset.exists(),
        "options": selectors.municipality_options(request.user, query=query, chosen=chosen),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "exchanges/practice/_municipality_choices.html", context)
    return render(request, "exchanges/practice/form.html", context)


def _saved(request, example, *, submitted: bool):
    if submitted:
        messages.success(
            request,
            _(
                "Thank you. The coordination team will review your example; you will hear by "
                "email when it is published."
            ),
        )
        return redirect("exchanges:practice_mine")
    messages.success(request, _("The example has been saved."))
    return redirect(example)


urlpatterns = [
    path("practice/", practice_list, name="practice_list"),
    # Before the example's slug, so that these words are never read as one.
    path("practice/new/", practice_new, name="practice_new"),
    path("practice/mine/", practice_mine, name="practice_mine"),
    path("practice/<slug:slug>/", practice_detail, name="practice_detail"),
    path("practice/<slug:slug>/edit/", practice_edit, name="practice_edit"),
]
