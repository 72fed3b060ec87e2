"""Conditional responses: a client that holds the current version gets 304 Not Modified.

Calendar feeds are fetched by calendar programs every few minutes; most fetches find nothing
new. The caller says what the current version is (an ETag and a Last-Modified time, both
cheap to compute from the database) and how to build the body, which is built only when the
client's copy is out of date:

    return conditional_response(
        request, etag=version.etag, last_modified=version.last_modified, build=make_feed
    )

The ETag is weak (`W/"…"`): it names the version of the data, not the bytes, which may differ
(a calendar's DTSTAMP is the time of writing).
"""

from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date


def conditional_response(
    request: HttpRequest,
    *,
    etag: str,
    last_modified: datetime | None,
    build: Callable[[], HttpResponse],
) -> HttpResponse:
    """304 when the request's If-None-Match (or, without it, If-Modified-Since) matches
    the current version; otherwise `build()`. Either carries ETag and Last-Modified."""
    tag = f'W/"{etag}"'
    seconds = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=tag, last_modified=seconds)
    if response is None:
        response = build()
    response["ETag"] = tag
    if seconds is not None:
        response["Last-Modified"] = http_date(seconds)
    return response
