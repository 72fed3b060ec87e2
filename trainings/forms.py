"""Forms of the calendar filters, the registration, attendance, the course feedback and the
certificate check."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from consultations.forms import CHECK, MembershipChoiceField
from portal.accounts.models import FederalState, Membership
from portal.advisors.models import Topic
from portal.core.forms import FilterForm
from portal.core.guests import GuestForm
from portal.core.templatetags.content_language import german, page_is_german, shown_in_german
from trainings.models import (
    CourseDate,
    CourseFeedback,
    CourseFormat,
    Question,
    Rating,
    certificate_code_as_issued,
)


def _months(now: datetime, count: int = 12) -> list[tuple[str, str]]:
    local = timezone.localtime(now)
    year, month = local.year, local.month
    months = []
    for _index in range(count):
        first = local.replace(year=year, month=month, day=1)
        months.append((f"{year:04d}-{month:02d}", date_format(first, "F Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class TopicSelect(forms.Select):
    """Topics without an English name are German in the English interface: their options
    say so (`lang="de"`)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        topic = getattr(value, "instance", None)
        if topic is not None and not page_is_german() and shown_in_german(topic, "name"):
            option["attrs"]["lang"] = "de"
        return option


class TopicFilterField(forms.ModelChoiceField):
    """A list's filter by topic: the active topics, named in the address by their slugs,
    marked German where they have no English name (`TopicSelect`)."""

    def __init__(self, *, label, empty_label, **kwargs):
        super().__init__(
            label=label,
            queryset=Topic.objects.active(),
            to_field_name="slug",
            required=False,
            empty_label=empty_label,
            widget=TopicSelect,
            **kwargs,
        )


class CalendarFilterForm(FilterForm):
    """The calendar's filters, read from the query string; a wrong value is ignored."""

    columns = {"free": "col-12 col-md-6 col-xl-auto"}

    topic = TopicFilterField(label=_("Topic"), empty_label=_("All topics"))
    format = forms.ChoiceField(label=_("Format"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False)
    state = forms.ChoiceField(label=_("Federal state of the venue"), required=False)
    free = forms.BooleanField(
        label=_("Only dates with free seats"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("", _("All formats")), *CourseFormat.choices]
        self.fields["month"].choices = [("", _("Any month")), *_months(now)]
        self.fields["state"].choices = [("", _("All states")), *FederalState.choices]

    def filters(self) -> dict:
        """The valid filters as keyword arguments of `selectors.calendar_dates`."""
        valid = self.valid()
        month = None
        if valid.get("month"):
            year, number = (int(part) for part in valid["month"].split("-"))
            month = timezone.make_aware(datetime(year, number, 1))
        return {
            "topic": valid.get("topic"),
            "format": valid.get("format", ""),
            "month": month,
            "state": valid.get("state", ""),
            "free_only": bool(valid.get("free")),
        }


class DateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, date):
        start = timezone.localtime(date.start)
        end = timezone.localtime(date.end)
        return f"{date_format(start, 'D, j. F Y, H:i')}–{end:%H:%M}, {date.place}"


class RegistrationForm(forms.Form):
    """Who registers on whose behalf, for which date, and the course's own questions."""

    membership = MembershipChoiceField(
        label=_("On behalf of"),
        queryset=Membership.objects.none(),
        widget=forms.RadioSelect(attrs=CHECK),
        empty_label=None,
        error_messages={"required": _("Please choose for whom you register.")},
    )
    date = DateChoiceField(
        label=_("Date"),
        queryset=CourseDate.objects.none(),
        widget=forms.RadioSelect(attrs=CHECK),
        empty_label=None,
        required=False,
        error_messages={"required": _("Please choose a date.")},
    )
    share_contact = forms.BooleanField(
        label=_("The other participants may see my name and municipality."),
        help_text=_("Optional. Helps to stay in touch after the course; you can say no."),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args, user, course, dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        memberships = Membership.objects.verified().filter(user=user)
        self.fields["membership"].queryset = memberships.select_related(
            "municipality", "organisation"
        )
        if course.is_series:
            del self.fields["date"]
        else:
            self.fields["date"].queryset = CourseDate.objects.filter(
                pk__in=[d.pk for d in dates]
            ).order_by("start")
            self.fields["date"].required = True
        self.questions = list(course.questions.all())
        for question in self.questions:
            self.fields[self.question_field(question)] = self._field_for(question)

    def question_fields(self) -> list:
        """The bound fields of the course's questions with the kind of answer each takes."""
        return [(self[self.question_field(q)], q.kind) for q in self.questions]

    @staticmethod
    def question_field(question: Question) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def _field_for(question: Question) -> forms.Field:
        required_message = {"required": _("Please answer this question.")}
        label = german(question.label)  # the course's questions are written in German
        if question.kind == Question.Kind.YES_NO:
            return forms.TypedChoiceField(
                label=label,
                choices=[("yes", _("yes")), ("no", _("no"))],
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect(attrs=CHECK),
                required=question.required,
                error_messages=required_message,
            )
        if question.kind == Question.Kind.CHOICE:
            return forms.ChoiceField(
                label=label,
                choices=[(option, german(option)) for option in question.options],
                widget=forms.RadioSelect(attrs=CHECK),
                required=question.required,
                error_messages=required_message,
            )
        return forms.CharField(
            label=label,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
            required=question.required,
            error_messages=required_message,
        )

    def answers(self) -> dict:
        """Answers keyed by question id, as `services.registration_create` takes them."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(self.question_field(question))
            if question.kind == Question.Kind.YES_NO and value in ("", None):
                value = None
            answers[question.pk] = value
        return answers


class GuestRegistrationForm(GuestForm):
    """A guest's registration for a course open to the public: name, address, consent and,
    for a repeated course, the date."""

    date = DateChoiceField(
        label=_("Date"),
        queryset=CourseDate.objects.none(),
        widget=forms.RadioSelect(attrs=CHECK),
        empty_label=None,
        error_messages={
            "required": _("Please choose a date."),
            "invalid_choice": _("Please choose one of the dates shown."),
        },
    )

    def __init__(self, *args, course, dates, **kwargs):
        super().__init__(*args, **kwargs)
        if course.is_series:
            del self.fields["date"]
        else:
            self.fields["date"].queryset = CourseDate.objects.filter(
                pk__in=[d.pk for d in dates]
            ).order_by("start")


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel my registration."),
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={"required": _("Please confirm that you want to cancel.")},
    )


class AttendanceForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.TypedChoiceField(
        choices=[("1", _("present")), ("0", _("absent"))], coerce=lambda value: value == "1"
    )


class AttendanceAllForm(forms.Form):
    """ "All present" or "all absent" for every confirmed participant of a date."""

    all = forms.TypedChoiceField(
        choices=[("1", _("present")), ("0", _("absent"))], coerce=lambda value: value == "1"
    )


class CourseFeedbackForm(forms.ModelForm):
    class Meta:
        model = CourseFeedback
        fields = ["rating", "will_apply", "comment"]
        widgets = {
            "rating": forms.RadioSelect(attrs=CHECK),
            "will_apply": forms.Textarea(attrs={"rows": 3}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = Rating.choices
        self.fields["rating"].error_messages["required"] = _("Please rate the course.")
        for name in ("will_apply", "comment"):
            self.fields[name].max_length = 3000


class CertificateLookupForm(forms.Form):
    """The code printed on a certificate, as someone types it (case and hyphens aside)."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("Printed at the foot of the certificate, e.g. TB-7QH3-MZ2K."),
        error_messages={"required": _("Please enter the code printed on the certificate.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = certificate_code_as_issued(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("A code is made of letters and digits."))
        return code
