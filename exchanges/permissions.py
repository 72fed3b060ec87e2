"""Who may do what with exchange rounds and practice examples.

The services ask these before they change anything, and views and selectors before they show
anything that is not public.
"""

from portal.accounts.roles import is_coordinating


def may_manage_rounds(user) -> bool:
    """Coordinators announce, publish, move and cancel rounds."""
    return is_coordinating(user)


def is_moderator(user, round) -> bool:
    return user.is_authenticated and round.moderators.filter(pk=user.pk).exists()


def may_moderate(user, round) -> bool:
    """The round's moderating advisors and every coordinator: questions, attendance,
    documentation and participant lists."""
    return is_coordinating(user) or is_moderator(user, round)


def may_review_examples(user) -> bool:
    """Coordinators publish practice examples or send them back."""
    return is_coordinating(user)
