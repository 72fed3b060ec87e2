"""Email settings: the signed-in page, and the one-click link in every optional email."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from portal.core.access import signed_in, signed_link
from portal.notifications.forms import PreferencesForm
from portal.notifications.links import UNSUBSCRIBE_LINK
from portal.notifications.services import preferences_for, preferences_update


@signed_in
def preferences(request):
    current = preferences_for(request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your email settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@signed_link
@csrf_exempt  # mail programs send RFC 8058 one-click POSTs without a form; the token decides
def unsubscribe(request, token):
    link = UNSUBSCRIBE_LINK.resolve(token)
    if link is None:  # forged, a transactional category, or the account is gone
        raise Http404
    user, category = link.user, link.category

    switched_off = False
    if request.method == "POST":
        preferences_update(user=user, **{category.value: False})
        switched_off = True
    context = {
        "category": category,
        "email": user.email,
        "switched_off": switched_off or not preferences_for(user).wants(category),
    }
    return render(request, "notifications/unsubscribe.html", context)
