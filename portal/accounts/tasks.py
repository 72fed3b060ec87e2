"""Celery entry points of accounts."""

from celery import shared_task
from django.utils import timezone

from portal.accounts.services import membership_digest_queue


@shared_task
def queue_membership_digest():
    """Every morning (beat): tell coordinators which memberships wait for verification."""
    return membership_digest_queue(today=timezone.localdate())
