"""Celery entry points of trainings."""

from celery import shared_task

from trainings.services import registrations_expire_unconfirmed


@shared_task(acks_late=True)
def expire_guest_registrations():
    """Every few minutes (beat): guests of a public course who did not confirm within 24 hours
    lose their registration, and the seats they held go to the first people waiting. Running
    it twice changes nothing the second time."""
    return registrations_expire_unconfirmed()
