from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.core import health
from portal.core.access import public
from portal.core.forms import LanguageForm
from portal.core.language import set_language_cookie
from portal.core.models import Page
from portal.core.preferences import save_language


@public
def home(request):
    return render(request, "core/home.html")


LEGAL_NOTICE = "impressum"


@public
def page(request, slug):
    context = {"page": get_object_or_404(Page, slug=slug)}
    if slug == LEGAL_NOTICE:
        # Who provides the portal comes from the settings of the installation, not from text
        # anyone can edit, so the legal notice always names it.
        context["provider"] = settings.PROVIDER
    return render(request, "core/page.html", context)


@public
@never_cache
def healthz(request):
    """200 while the database answers, 503 when it does not; the broker is reported."""
    database = health.database_ok()
    broker = health.broker_ok()
    return JsonResponse(
        {
            "status": "ok" if database and broker else ("degraded" if database else "down"),
            "database": "ok" if database else "unavailable",
            "broker": "ok" if broker else "unavailable",
        },
        status=200 if database else 503,
    )


@public
@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user keeps it as their preference."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            save_language(user=request.user, language=language)
        set_language_cookie(response, language)
    return response
