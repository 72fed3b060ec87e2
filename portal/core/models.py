from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    """A page whose content coordinators edit in the admin (Impressum, Datenschutz, ...).

    The body is plain text: blank lines separate paragraphs, lines starting with "## " are
    headings. No HTML is taken from the database, so an edit cannot break the page.
    """

    slug = models.SlugField(_("address"), unique=True)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_de = models.TextField(_("text (German)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title_de

    def get_absolute_url(self):
        return reverse("core:page", kwargs={"slug": self.slug})

    @property
    def title(self):
        return self.title_en if get_language() == "en" and self.title_en else self.title_de

    @property
    def body(self):
        return self.body_en if get_language() == "en" and self.body_en else self.body_de

    def blocks(self):
        """The body as a list of ("h2" | "p", text) pairs for the template."""
        blocks = []
        for chunk in self.body.replace("\r\n", "\n").split("\n\n"):
            chunk = chunk.strip()
            if chunk.startswith("## "):
                blocks.append(("h2", chunk[3:].strip()))
            elif chunk:
                blocks.append(("p", chunk))
        return blocks


class AuditKind(models.TextChoices):
    CHANGE = "change", _("change")
    READ = "read", _("read")


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, target):
        """The entries about one object, newest first."""
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            object_id=str(target.pk),
        ).select_related("actor")

    def changes(self):
        return self.filter(kind=AuditKind.CHANGE)

    def reads(self):
        return self.filter(kind=AuditKind.READ)


class AuditEntry(models.Model):
    """One thing that happened to one object: who did it, what, from which status to which.

    Written only by `portal.core.audit` (and through it by `portal.core.workflows.transition`)
    inside the transaction of the change, never edited afterwards. `object_repr` keeps a name
    for objects that are later deleted.
    """

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=AuditKind.choices, default=AuditKind.CHANGE
    )
    action = models.CharField(_("action"), max_length=64)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
            models.Index(fields=["kind", "action", "at"], name="audit_action_idx"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_repr}"
