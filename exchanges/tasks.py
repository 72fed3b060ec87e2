"""Celery entry points of exchange rounds."""

from celery import shared_task

from exchanges.services.registrations import round_registrations_expire


@shared_task(acks_late=True)
def expire_guest_registrations():
    """Every few minutes (beat): guests who did not confirm in time lose their registration,
    and the seats they held go to the waitlist. Running it twice changes nothing twice."""
    return round_registrations_expire()
