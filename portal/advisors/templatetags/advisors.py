"""Template helpers for advisor pages."""

from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def request_advice_url(context, profile):
    """Where "Request advice from …" leads: the request form with this advisor chosen.

    Until the consultations app offers its form, the first steps towards a request are
    signing up and, for a signed-in person, naming the municipality they work for.
    """
    try:
        return f"{reverse('consultations:new')}?{urlencode({'advisor': profile.slug})}"
    except NoReverseMatch:
        user = context.get("user")
        if user is not None and user.is_authenticated:
            return reverse("accounts:membership_new")
        return reverse("account_signup")


@register.simple_tag
def photo_url(profile):
    """The photo's address; it changes with every upload, so browsers may cache it."""
    version = profile.photo.name.rsplit("/", 1)[-1].split(".")[0]
    return f"{reverse('advisors:photo', args=[profile.slug])}?v={version}"
