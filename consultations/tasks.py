"""Celery entry points of consultations."""

from celery import shared_task
from django.utils import timezone

from consultations.services import triage_digest_queue


@shared_task
def queue_triage_digest():
    """Every morning (beat): tell coordinators which requests wait for triage too long."""
    return triage_digest_queue(today=timezone.localdate())
