"""German content inside the English interface is marked `lang="de"` (issue 14.17).

Course titles, descriptions, goals, questions, programme and module names are written in
German only, and a topic may have no English name. Where such text appears on a page whose
language is not German, it carries `lang="de"`, so that screen readers pronounce it in
German and browsers hyphenate it as German; on German pages nothing is added.

    {% load content_language %}
    <h1{% lang_de %}>{{ course.title }}</h1>
    <span{% lang_de topic "name" %}>{{ topic.name }}</span>    (German unless `name_en` is shown)
    {% blocktranslate with title=course.title|german %}Register for “{{ title }}”…

Nothing here is specific to courses: advisors and consultations use it for topic names too.
"""

from django import template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

GERMAN = "de"
LANG_DE = mark_safe(' lang="de"')


def page_is_german() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] == GERMAN


def shown_in_german(obj=None, field: str = "") -> bool:
    """Whether the text shown is German: always for single-language content; for a pair of
    fields (`name_de`, `name_en`), unless the page is English and the English one is filled
    (the rule of `portal.advisors.models.in_language`)."""
    if obj is None or not field:
        return True
    english = getattr(obj, f"{field}_en", "")
    return not (english and (get_language() or "").startswith("en"))


@register.simple_tag
def lang_de(obj=None, field: str = ""):
    """` lang="de"` for an element holding German content on a page in another language."""
    if page_is_german() or not shown_in_german(obj, field):
        return ""
    return LANG_DE


@register.filter(is_safe=True)
def german(value):
    """The German text, in `<span lang="de">` on a page in another language (for text inside
    a translated sentence)."""
    if value in (None, "") or page_is_german():
        return conditional_escape(value)
    return format_html('<span lang="de">{}</span>', value)
