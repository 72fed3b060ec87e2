"""Views of questions in advance and of a round's moderation (see exchanges/urls.py).

- `/exchanges/<slug>/questions/`: a registered participant hands in and withdraws questions
  (the form sits on the round's page; errors are shown here with what was typed); anyone
  without an active registration gets 404.
- `/exchanges/<slug>/moderate/...`: questions by theme and the agenda, attendance, the
  documentation with follow-up items and files, the participant list to print, as CSV and as
  name badges. Advisors and coordinators only, and of those the round's moderators and every
  coordinator (`permissions.may_moderate`): an advisor of another round gets 404.
- `/exchanges/<slug>/files/<pk>/`: a documentation file, for those who may read the
  documentation (`selectors.moderation.may_read_documentation`); 404 for everyone else.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.errors import ExchangeError
from exchanges.exports import badges_pdf, participants_csv
from exchanges.forms.moderation import (
    AgendaForm,
    AttendanceForm,
    DocumentationForm,
    FileRemoveForm,
    FollowUpDoneForm,
    FollowUpFormSet,
    QuestionForm,
    RoundFilesForm,
)
from exchanges.models import ExchangeRound, RoundStatus
from exchanges.selectors import moderation as selectors
from exchanges.services import documentation as documentation_services
from exchanges.services import questions as question_services
from portal.accounts.roles import ADVISOR, COORDINATOR
from portal.core.access import role_required, signed_in
from portal.core.errors import show_error
from portal.core.uploads import private_download


def _round_page(round: ExchangeRound, anchor: str) -> str:
    return f"{round.get_absolute_url()}#{anchor}"


# --- Questions in advance (participants) ------------------------------------------------------


def _asking_round(request, slug) -> ExchangeRound:
    """The round, if the person has an active registration for it; 404 otherwise."""
    round = get_object_or_404(ExchangeRound.objects.exclude(status=RoundStatus.DRAFT), slug=slug)
    if not question_services.may_ask(selectors.asking_registration(round, request.user)):
        raise Http404
    return round


@signed_in
def questions(request, slug):
    """GET: the person's questions and the form; POST: hand in a question."""
    round = _asking_round(request, slug)
    form = None
    if request.method == "POST":
        form = QuestionForm(request.POST, round=round)
        if form.is_valid():
            try:
                question_services.question_submit(
                    registration=selectors.asking_registration(round, request.user),
                    text=form.cleaned_data["text"],
                    theme=form.cleaned_data.get("theme"),
                    show_name=form.cleaned_data["show_name"],
                )
            except ExchangeError as error:
                show_error(request, error)
            else:
                messages.success(
                    request,
                    _("Thank you: your question has reached the moderators.")
                    if not form.cleaned_data["show_name"]
                    else _(
                        "Thank you: your question has reached the moderators. If they put it "
                        "on the agenda, it appears on the round's page with your name."
                    ),
                )
                return redirect(_round_page(round, "questions"))
        else:
            messages.error(
                request, _("Please correct the marked fields; nothing has been saved yet.")
            )
    return render(
        request,
        "exchanges/moderation/questions_own.html",
        {"round": round, "panel": selectors.questions_panel(round, request.user, form=form)},
    )


@signed_in
@require_POST
def question_withdraw(request, slug, pk):
    round = _asking_round(request, slug)
    question = selectors.own_question(request.user, round, pk)
    if question is None:
        raise Http404
    try:
        question_services.question_withdraw(question=question, by=request.user)
    except ExchangeError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Your question has been withdrawn."))
    return redirect(_round_page(round, "questions"))


# --- Moderation --------------------------------------------------------------------------------


def _moderated(request, slug) -> ExchangeRound:
    """The round, if the person moderates it (or coordinates); 404 otherwise."""
    return get_object_or_404(
        selectors.rounds_moderated_by(request.user).prefetch_related("themes"), slug=slug
    )


def _moderation_page(request, round, template: str, context: dict, *, status=200):
    return render(
        request,
        f"exchanges/moderation/{template}",
        {"round": round, "now": timezone.now(), **context},
        status=status,
    )


@role_required(ADVISOR, COORDINATOR)
def moderate_questions(request, slug):
    round = _moderated(request, slug)
    if request.method == "POST":
        form = AgendaForm(request.POST)
        question = None
        if form.is_valid():
            question = round.questions.filter(pk=form.cleaned_data["question"]).first()
        if question is None:
            messages.error(request, _("That did not work; please try again."))
            return redirect(request.path)
        try:
            question_services.question_set_on_agenda(
                question=question, on_agenda=form.cleaned_data["on_agenda"], by=request.user
            )
        except ExchangeError as error:
            show_error(request, error)
        return redirect(f"{request.path}#question-{question.pk}")
    groups = selectors.questions_by_theme(round)
    return _moderation_page(
        request,
        round,
        "questions.html",
        {
            "groups": groups,
            "count": sum(len(questions) for _theme, questions in groups),
            "on_agenda": sum(q.on_agenda for _theme, questions in groups for q in questions),
            "editable": round.status not in (RoundStatus.DOCUMENTED, RoundStatus.CANCELLED),
        },
    )


@role_required(ADVISOR, COORDINATOR)
def moderate_attendance(request, slug):
    round = _moderated(request, slug)
    registrations = selectors.participant_list(round)
    form = AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST":
        if form.is_valid():
            try:
                present = documentation_services.attendance_record(
                    round=round, present_ids=form.cleaned_data["present"], by=request.user
                )
            except ExchangeError as error:
                show_error(request, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance saved: %(present)d of %(total)d participant present.",
                        "Attendance saved: %(present)d of %(total)d participants present.",
                        len(registrations),
                    )
                    % {"present": present, "total": len(registrations)},
                )
                return redirect(request.path)
        else:
            messages.error(request, _("That did not work; please try again."))
    return _moderation_page(
        request,
        round,
        "attendance.html",
        {
            "form": form,
            "rows": registrations,
            "present_count": sum(1 for r in registrations if r.attended),
            "recorded": any(r.attended is not None for r in registrations),
            "can_record": selectors.attendance_open(round),
        },
    )


def _documentation_forms(round, items, data=None, files=None) -> dict:
    return {
        "documentation_form": DocumentationForm(
            data,
            initial={
                "summary": round.documentation_summary,
                "results": round.documentation_results,
                "open_to_officers": round.documentation_open_to_officers,
            },
        ),
        "follow_up_formset": FollowUpFormSet(
            data,
            items=items,
            prefix="follow_ups",
            initial=[
                {"id": i.pk, "what": i.what, "who": i.who, "due": i.due, "done": i.done}
                for i in items
            ],
        ),
        "files_form": RoundFilesForm(data, files),
    }


def _save_documentation(request, round, forms, items) -> bool:
    documentation_form, formset = forms["documentation_form"], forms["follow_up_formset"]
    if not (documentation_form.is_valid() and formset.is_valid()):
        return False
    by_pk = {item.pk: item for item in items}
    rows = [
        documentation_services.FollowUpRow(
            item=by_pk.get(form.cleaned_data.get("id")),
            what=form.cleaned_data.get("what", ""),
            who=form.cleaned_data.get("who", ""),
            due=form.cleaned_data.get("due"),
            done=form.cleaned_data.get("done", False),
            delete=form in formset.deleted_forms,
        )
        for form in formset.forms
        if form.has_changed() or form.cleaned_data.get("id")
    ]
    documentation_services.documentation_save(
        round=round, follow_ups=rows, by=request.user, **documentation_form.cleaned_data
    )
    return True


def _add_files(request, round, forms) -> bool:
    form = forms["files_form"]
    if not form.is_valid():
        return False
    try:
        for upload in form.cleaned_data["files"]:
            documentation_services.round_file_add(round=round, upload=upload, by=request.user)
    except ValidationError as error:
        form.add_error("files", error)
        return False
    count = len(form.cleaned_data["files"])
    messages.success(
        request,
        ngettext("%(count)d file added.", "%(count)d files added.", count) % {"count": count},
    )
    return True


def _documentation_action(request, round, action: str, forms, items) -> bool:
    """Run the posted action; True when it worked (the page is then loaded afresh)."""
    if action == "save":
        done = _save_documentation(request, round, forms, items)
        if done:
            messages.success(request, _("The documentation has been saved."))
        return done
    if action == "files":
        return _add_files(request, round, forms)
    if action == "remove_file":
        form = FileRemoveForm(request.POST)
        file = round.files.filter(pk=form.cleaned_data["file"]).first() if form.is_valid() else None
        if file is None:
            raise Http404
        documentation_services.round_file_remove(file=file, by=request.user)
        messages.success(request, _("The file has been removed."))
        return True
    if action == "carried_done":
        form = FollowUpDoneForm(request.POST)
        item = None
        if form.is_valid():
            item = round.carried_follow_ups.filter(pk=form.cleaned_data["item"]).first()
        if item is None:
            raise Http404
        documentation_services.follow_up_set_done(
            item=item, done=form.cleaned_data["done"], by=request.user
        )
        return True
    if action == "publish":
        count = documentation_services.documentation_publish(round=round, by=request.user)
        messages.success(
            request,
            ngettext(
                "The documentation is published; %(count)d participant is told by email.",
                "The documentation is published; %(count)d participants are told by email.",
                count,
            )
            % {"count": count},
        )
        return True
    raise Http404


@role_required(ADVISOR, COORDINATOR)
def moderate_documentation(request, slug):
    round = _moderated(request, slug)
    items = list(round.follow_ups.all())
    if request.method == "POST":
        action = request.POST.get("action", "")
        forms = _documentation_forms(round, items, request.POST, request.FILES)
        try:
            if _documentation_action(request, round, action, forms, items):
                return redirect(request.path)
        except ExchangeError as error:
            show_error(request, error)
        else:
            messages.error(
                request, _("Please correct the marked fields; nothing has been saved yet.")
            )
        # Only the form that was sent keeps what was typed; the others show what is stored.
        fresh = _documentation_forms(round, items)
        if action != "save":
            forms["documentation_form"] = fresh["documentation_form"]
            forms["follow_up_formset"] = fresh["follow_up_formset"]
        if action != "files":
            forms["files_form"] = fresh["files_form"]
    else:
        forms = _documentation_forms(round, items)
    return _moderation_page(
        request,
        round,
        "documentation.html",
        {
            **forms,
            "files": list(round.files.all()),
            "carried": selectors.carried_follow_ups(round),
            "editable": selectors.attendance_open(round),
            "published": round.status == RoundStatus.DOCUMENTED,
            "may_publish": round.status == RoundStatus.HELD,
        },
    )


@role_required(ADVISOR, COORDINATOR)
def moderate_participants(request, slug):
    """The confirmed participants to print and sign at the door."""
    round = _moderated(request, slug)
    rows = [
        (registration, registration.attended) for registration in selectors.participant_list(round)
    ]
    return _moderation_page(request, round, "participants.html", {"rows": rows})


@role_required(ADVISOR, COORDINATOR)
def participants_csv_view(request, slug):
    round = _moderated(request, slug)
    return participants_csv(round, selectors.registration_list(round))


@role_required(ADVISOR, COORDINATOR)
def badges_pdf_view(request, slug):
    round = _moderated(request, slug)
    response = HttpResponse(
        badges_pdf(round, selectors.participant_list(round), language=get_language() or "de"),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="badges-{round.slug}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Documentation files -----------------------------------------------------------------------


@signed_in
def round_file(request, slug, pk):
    file = selectors.readable_file(request.user, slug, pk)
    if file is None:
        raise Http404
    extension = file.file.name.rsplit(".", 1)[-1]
    return private_download(
        file.file, filename=f"{file.title}.{extension}", content_type=file.content_type
    )


urlpatterns = [
    path("<slug:slug>/questions/", questions, name="questions"),
    path("<slug:slug>/questions/<int:pk>/withdraw/", question_withdraw, name="question_withdraw"),
    path("<slug:slug>/moderate/questions/", moderate_questions, name="moderate_questions"),
    path("<slug:slug>/moderate/attendance/", moderate_attendance, name="moderate_attendance"),
    path(
        "<slug:slug>/moderate/documentation/",
        moderate_documentation,
        name="moderate_documentation",
    ),
    path("<slug:slug>/moderate/participants/", moderate_participants, name="moderate_participants"),
    path("<slug:slug>/moderate/participants.csv", participants_csv_view, name="participants_csv"),
    path("<slug:slug>/moderate/badges.pdf", badges_pdf_view, name="badges_pdf"),
    path("<slug:slug>/files/<int:pk>/", round_file, name="round_file"),
]
