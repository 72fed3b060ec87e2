"""Celery entry points of the outbox; they take ids and call services."""

from celery import shared_task

from portal.notifications import services


@shared_task
def dispatch_notifications():
    """Every minute (beat): hand due emails to workers."""
    return services.notifications_dispatch()


@shared_task(acks_late=True)
def send_notifications(notification_ids):
    """Send these emails; safe to run twice, since each row is claimed under a lock."""
    return services.notifications_send(notification_ids=notification_ids)
