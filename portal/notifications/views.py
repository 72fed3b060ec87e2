"""Email settings: the signed-in page, and the one-click link in every optional email."""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from portal.accounts.models import User
from portal.core.access import signed_in, signed_link
from portal.notifications.forms import PreferencesForm
from portal.notifications.models import OPTIONAL_CATEGORIES, Category
from portal.notifications.rendering import UNSUBSCRIBE_SALT
from portal.notifications.services import preferences_for, preferences_update


@signed_in
def preferences(request):
    current = preferences_for(request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your email settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@signed_link
@csrf_exempt  # mail programs send RFC 8058 one-click POSTs without a form; the token decides
def unsubscribe(request, token):
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        category = Category(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    if category not in OPTIONAL_CATEGORIES:
        raise Http404
    user = get_object_or_404(User, pk=data["u"], is_active=True)

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
