from django.db import models
from django.urls import reverse
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
