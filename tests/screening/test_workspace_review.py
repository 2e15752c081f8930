"""A disposition for every flag, kept forever; sign-off only when every
urgent, high and review flag has one; after sign-off, changes need the case reopened. The
state machine: every allowed and every refused transition."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from intake import services as intake_services
from intake.demo import demo_document, make_answers
from intake.models import Partner
from screening import review
from screening.models import AuditEntry, Disposition, SignOff
from screening.queries import review_queue
from screening.review import ReviewError
from tests.dates import day
from tests.factories import (
    case_url,
    committed,
    current_disposition,
    dispose_all,
    document,
    flagged_case,
    imported_case,
    make_user,
    plain_case,
    review_item,
)
from tests.intake.helpers import (
    element_text,
    flag_articles,
    messages_shown,
    seed_steps,
    visible_text,
)
from tests.screening.records import snapshot

pytestmark = pytest.mark.django_db

NEEDING = [  # (rule, partner) of the demo couple's flags that need a disposition
    ("SI-2", "a"),
    ("VOL-1", "b"),
    ("CV-2", "b"),
    ("CV-4", "a"),
    ("SU-2", "b"),
    ("RX-2", "b"),
    ("LG-1", "a"),
]


def post_disposition(
    client, couple, rule, partner, outcome="follow_up", note="", replaces=None, **kwargs
):
    key = review_item(couple, rule, partner).key
    data = {"key": key, "outcome": outcome, "note": note}
    if replaces is not None:
        data["replaces"] = replaces
    return client.post(case_url(couple) + "dispositions/", data, **kwargs)


# --- dispositions ----------------------------------------------------------------------------


def test_a_clinician_records_a_disposition_with_a_note(people):
    couple = people.couple
    response = post_disposition(
        people.clinician, couple, "SI-2", "a", "follow_up", "Called Sam; safety plan agreed."
    )
    assert response.status_code == 302
    key = review_item(couple, "SI-2", "a").key
    assert response["Location"] == case_url(couple) + f"#flag-{key[:12]}"  # back at the flag
    page = people.clinician.get(response["Location"])
    card = flag_articles(page)[("SI-2", "partner A")]
    assert card.startswith("Disposition recorded.")  # said in the flag, where the clinician is
    today = day(timezone.localtime())
    assert f"Recorded: Follow-up arranged · dr.lee · {today}" in card  # the folded line
    assert f"Follow-up arranged by dr.lee, {today}" in card
    assert "Called Sam; safety plan agreed." in card
    assert "No disposition yet." not in card
    stored = Disposition.objects.get()
    assert (stored.rule, stored.partner, stored.outcome, stored.by) == (
        "SI-2",
        "a",
        "follow_up",
        people.clinician.user,
    )
    assert stored.note == "Called Sam; safety plan agreed."
    # the case leaves "awaiting review"
    assert "Status: In review" in visible_text(page)


def test_every_change_is_kept_and_shown_never_overwritten(people):
    couple = people.couple
    post_disposition(people.clinician, couple, "CV-2", "b", "follow_up", "Asked the GP.")
    first = current_disposition(couple, "CV-2", "b")
    response = post_disposition(
        people.clinician,
        couple,
        "CV-2",
        "b",
        "acknowledged",
        "GP letter received.",
        replaces=first.pk,
    )
    assert response.status_code == 302
    rows = list(Disposition.objects.order_by("at", "id").values_list("outcome", "note", "by"))
    user = people.clinician.user.pk
    assert rows == [
        ("follow_up", "Asked the GP.", user),
        ("acknowledged", "GP letter received.", user),
    ]
    assert current_disposition(couple, "CV-2", "b").replaces == first
    card = flag_articles(people.clinician.get(response["Location"]))[("CV-2", "partner B")]
    assert card.startswith("Disposition changed.")
    latest, earlier = card.split("Earlier records (1)")
    assert "Reviewed: noted for the prescriber by dr.lee" in latest
    assert "GP letter received." in latest
    assert "Follow-up arranged by dr.lee" in earlier and "Asked the GP." in earlier
    # both are in the audit log: the record, and the change naming what it replaced
    entries = AuditEntry.objects.filter(
        action__in=[AuditEntry.Action.DISPOSITION_RECORDED, AuditEntry.Action.DISPOSITION_CHANGED]
    ).order_by("at", "id")
    assert [(e.action, e.data) for e in entries] == [
        (AuditEntry.Action.DISPOSITION_RECORDED, {"rule": "CV-2", "outcome": "follow_up"}),
        (
            AuditEntry.Action.DISPOSITION_CHANGED,
            {
                "rule": "CV-2",
                "outcome": "acknowledged",
                "earlier_outcome": "follow_up",
                "earlier_by": "dr.lee",
            },
        ),
    ]
    audit_page = visible_text(people.clinician.get(case_url(couple) + "audit/"))
    assert "Disposition changed" in audit_page and "earlier_outcome: follow_up" in audit_page


def test_recording_again_without_change_is_refused_and_the_note_is_kept(people):
    """A recorded flag is not recorded again by a second "Record": the one in force is shown,
    with who recorded it, and the typed note waits in the "Change" form."""
    couple = people.couple
    post_disposition(people.clinician, couple, "VOL-1", "b", "follow_up", "Will see B alone.")
    response = post_disposition(
        people.clinician2, couple, "VOL-1", "b", "acknowledged", "Saw B alone."
    )
    assert response.status_code == 409
    assert Disposition.objects.count() == 1
    card = flag_articles(response)[("VOL-1", "partner B")]
    assert card.startswith(
        "A disposition is already recorded for this flag (Follow-up arranged, by dr.lee on "
    )
    assert "To record something else, use “Change”." in card
    html = response.content.decode()
    key = review_item(couple, "VOL-1", "b").key
    assert f'name="replaces" value="{current_disposition(couple, "VOL-1", "b").pk}"' in html
    assert ">Saw B alone.</textarea>" in html  # what was typed is kept, ready to send
    assert f'value="acknowledged" id="o-{key[:12]}-acknowledged" required checked>' in html

    # sent again as a change of the one shown: both kept, the latest in force
    post_disposition(
        people.clinician2,
        couple,
        "VOL-1",
        "b",
        "acknowledged",
        "Saw B alone.",
        replaces=current_disposition(couple, "VOL-1", "b").pk,
    )
    assert set(Disposition.objects.values_list("by__username", flat=True)) == {
        "dr.lee",
        "dr.okafor",
    }
    card = flag_articles(people.clinician.get(case_url(couple)))[("VOL-1", "partner B")]
    assert "Reviewed: noted for the prescriber by dr.okafor" in card
    assert "Earlier records (1)" in card
    assert "Follow-up arranged by dr.lee" in card and "Will see B alone." in card


def test_a_change_made_from_an_earlier_record_is_refused(people):
    """Two clinicians opened "Change" on the same record: the second is shown the first's
    change instead of overwriting it unseen."""
    couple = people.couple
    post_disposition(people.clinician, couple, "CV-4", "a", "follow_up", "Asked for a letter.")
    first = current_disposition(couple, "CV-4", "a")
    post_disposition(
        people.clinician, couple, "CV-4", "a", "acknowledged", "Letter in.", replaces=first.pk
    )
    response = post_disposition(
        people.clinician2, couple, "CV-4", "a", "not_relevant", "Not needed.", replaces=first.pk
    )
    assert response.status_code == 409
    card = flag_articles(response)[("CV-4", "partner A")]
    assert "This disposition was changed meanwhile (Reviewed: noted for the prescriber" in card
    assert Disposition.objects.count() == 2
    assert current_disposition(couple, "CV-4", "a").note == "Letter in."


def test_a_double_submit_records_once(people):
    for _ in range(2):
        post_disposition(people.clinician, people.couple, "LG-1", "a", "follow_up", "Taxi?")
    assert Disposition.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"key": "0" * 64}, "This flag is no longer current."),
        ({"key": ""}, "This flag is no longer current."),
        ({"key": "<script>"}, "This flag is no longer current."),
        ({"rule": ("RL-1", "a")}, "This flag is no longer current."),  # info: no disposition
    ],
)
def test_a_refused_disposition_says_why_and_records_nothing(people, data, message):
    couple = people.couple
    post = {"key": review_item(couple, "SI-2", "a").key, "outcome": "follow_up", "note": "Rang."}
    if "rule" in data:
        screening = review.current_screening(couple)
        rule, partner = data.pop("rule")
        post["key"] = screening.flags.get(rule=rule, partner=partner).key
    post.update(data)
    before = snapshot(couple)
    response = people.clinician.post(case_url(couple) + "dispositions/", post)
    assert response.status_code == 400
    shown = " ".join(messages_shown(response))
    assert message in shown
    assert "Your note was not recorded: “Rang.”" in shown  # nothing typed is lost
    assert snapshot(couple)["dispositions"] == before["dispositions"] == 0


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"outcome": "made_up"}, "o", "Choose what was done."),
        ({"outcome": ""}, "o", "Choose what was done."),
        ({"note": "   "}, "n", "Write a short note about what was done."),
        ({"replaces": "x"}, "", "The disposition to change is not this flag's. Reload the case."),
    ],
)
def test_a_bad_value_is_said_next_to_its_field_with_the_typing_kept(people, data, field, message):
    couple = people.couple
    key = review_item(couple, "SI-2", "a").key
    post = {"key": key, "outcome": "follow_up", "note": "Rang Sam at 9."} | data
    response = people.clinician.post(case_url(couple) + "dispositions/", post)
    assert response.status_code == 400
    card = flag_articles(response)[("SI-2", "partner A")]
    assert message in card
    html = response.content.decode()
    if field:
        assert f'id="{field}-{key[:12]}-error">{message}</div>' in html
    if post["note"].strip():
        assert f">{post['note']}</textarea>" in html
    assert not Disposition.objects.exists()


def test_dispositions_cannot_be_changed_or_deleted(people):
    disposition = review.record_disposition(
        people.couple,
        review_item(people.couple, "SI-2", "a").key,
        "follow_up",
        "Called.",
        people.clinician.user,
    )
    disposition.note = "Something else."
    with pytest.raises(PermissionError):
        disposition.save()
    with pytest.raises(PermissionError):
        disposition.delete()
    with pytest.raises(PermissionError):
        Disposition.objects.filter(pk=disposition.pk).update(note="Something else.")
    with pytest.raises(PermissionError):
        Disposition.objects.all().delete()
    with pytest.raises(PermissionError):
        people.couple.dispositions.all().delete()
    assert Disposition.objects.get().note == "Called."


# --- sign-off -----------------------------------------------------------------------------------


def test_sign_off_is_refused_while_flags_lack_a_disposition_and_the_page_lists_them(people):
    couple = people.couple
    post_disposition(people.clinician, couple, "SI-2", "a", "follow_up", "Called.")
    response = people.clinician.post(
        case_url(couple) + "sign-off/", {"note": "All fine."}, follow=True
    )
    assert not SignOff.objects.exists()
    shown = " ".join(messages_shown(response))
    assert "Record what was done for every urgent, high and review flag first" in shown
    assert "VOL-1 (b), CV-2 (b), CV-4 (a), SU-2 (b), RX-2 (b), LG-1 (a)" in shown
    assert "SI-2" not in shown
    listed = element_text(response, r"data-missing")[0]
    assert listed == (
        "VOL-1 (high, partner B) CV-2 (high, partner B) CV-4 (review, partner A) "
        "SU-2 (review, partner B) RX-2 (review, partner B) LG-1 (review, partner A)"
    )
    assert "Before sign-off, record what was done for 6 items:" in visible_text(response)
    assert "Status: In review" in visible_text(response)


def test_sign_off_is_refused_while_a_partner_has_not_submitted(people):
    case = imported_case(document(a=make_answers()))  # B has not started
    dispose_all(case.couple, people.clinician.user)
    response = people.clinician.post(
        case_url(case.couple) + "sign-off/", {"note": "Ready."}, follow=True
    )
    assert "Waiting for partner B to submit their answers." in messages_shown(response)
    assert not SignOff.objects.exists()


def test_sign_off_needs_a_summary_note(people):
    dispose_all(people.couple, people.clinician.user)
    response = people.clinician.post(
        case_url(people.couple) + "sign-off/", {"note": "   "}, follow=True
    )
    assert "Write a short summary note for the prescriber." in messages_shown(response)
    assert not SignOff.objects.exists()


def test_sign_off_when_every_flag_has_a_disposition_records_who_when_and_the_note(people):
    couple = people.couple
    for rule, partner in NEEDING:
        post_disposition(people.clinician, couple, rule, partner, "acknowledged", "Seen.")
    page = people.clinician.get(case_url(couple))
    assert not element_text(page, r"data-missing")
    response = people.clinician2.post(
        case_url(couple) + "sign-off/",
        {"note": "Cardiac letter on file; VOL-1 discussed alone."},
        follow=True,
    )
    assert "Signed off: the case is ready for the prescriber." in messages_shown(response)
    signed = SignOff.objects.get()
    assert signed.by == people.clinician2.user
    assert signed.note == "Cardiac letter on file; VOL-1 discussed alone."
    assert signed.screening == review.current_screening(couple)
    assert abs((timezone.now() - signed.at).total_seconds()) < 60
    block = element_text(response, r"data-signed-off")[0]
    assert block.startswith("Signed off as ready for the prescriber by dr.okafor on ")
    text = visible_text(response)
    assert "Cardiac letter on file; VOL-1 discussed alone." in text
    assert "Status: Ready for the prescriber" in text
    # no more disposition forms: changes need the case reopened
    assert 'name="outcome"' not in response.content.decode()
    assert "To change anything, reopen the case." in text


def test_info_flags_alone_do_not_hold_up_sign_off(people):
    case = plain_case()
    assert review.missing_dispositions(case.couple) == []
    people.clinician.post(case_url(case.couple) + "sign-off/", {"note": "Nothing of note."})
    assert SignOff.objects.get().couple == case.couple


def test_an_urgent_answer_changed_before_submission_still_needs_a_disposition(people):
    """The clinic was alerted while the partner was filling in; the answer was then changed.
    The alert still needs what was done recorded before sign-off."""
    case = intake_services.create_case()
    partner = case.couple.partner("a")
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.IN_PROGRESS)
    from screening import services

    with committed():
        services.check_urgent(partner, {"unsafe_now": True})
    answers = make_answers()
    with committed():
        intake_services.submit(case.couple.partner("a"), answers)
        intake_services.submit(case.couple.partner("b"), make_answers(preferred_name="Robin"))
    missing = review.missing_dispositions(case.couple)
    assert [(m.rule, m.severity, m.flag) for m in missing] == [("IPV-1", "urgent", None)]
    page = people.clinician.get(case_url(case.couple))
    cards = flag_articles(page)
    assert "urgent answer before submission" in cards[("IPV-1", "partner A")]
    assert "No disposition yet." in cards[("IPV-1", "partner A")]
    people.clinician.post(case_url(case.couple) + "sign-off/", {"note": "n"})
    assert not SignOff.objects.exists()
    people.clinician.post(
        case_url(case.couple) + "dispositions/",
        {"key": missing[0].key, "outcome": "follow_up", "note": "Called; safe now."},
    )
    people.clinician.post(case_url(case.couple) + "sign-off/", {"note": "n"})
    assert SignOff.objects.get().couple == case.couple


def test_after_sign_off_a_disposition_is_refused_with_the_reason_shown(people):
    couple = people.couple
    dispose_all(couple, people.clinician.user)
    review.sign_off(couple, people.clinician.user, "Ready.")
    before = snapshot(couple)
    response = post_disposition(
        people.clinician2, couple, "SI-2", "a", "not_relevant", "Changed my mind."
    )
    assert response.status_code == 400
    assert messages_shown(response) == [
        "This case is signed off. Reopen the case to change anything. Your note was not "
        "recorded: “Changed my mind.”"
    ]
    assert snapshot(couple)["dispositions"] == before["dispositions"]
    response = people.clinician.post(
        case_url(couple) + "sign-off/", {"note": "Again."}, follow=True
    )
    assert "This case is already signed off." in messages_shown(response)
    assert SignOff.objects.count() == 1


def test_reopening_a_signed_off_case_is_recorded_and_allows_changes_again(people):
    couple = people.couple
    dispose_all(couple, people.clinician.user)
    first = review.sign_off(couple, people.clinician.user, "Ready.")

    response = people.clinician2.post(case_url(couple) + "reopen/", {"reason": ""}, follow=True)
    assert "Give a reason for reopening the case." in messages_shown(response)
    assert review.sign_off_in_force(couple) == first

    response = people.clinician2.post(
        case_url(couple) + "reopen/", {"reason": "New cardiology letter."}, follow=True
    )
    assert "The case is open again for review." in messages_shown(response)
    first.refresh_from_db()
    assert first.reopened_by == people.clinician2.user
    assert first.reopen_reason == "New cardiology letter."
    assert abs((timezone.now() - first.reopened_at).total_seconds()) < 60
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CASE_REOPENED)
    assert (entry.actor, entry.data) == (
        people.clinician2.user,
        {"reason": "New cardiology letter."},
    )
    assert "Status: In review" in visible_text(response)
    assert 'name="outcome"' in response.content.decode()

    post_disposition(
        people.clinician2,
        couple,
        "CV-2",
        "b",
        "follow_up",
        "Cardiology again.",
        replaces=current_disposition(couple, "CV-2", "b").pk,
    )
    assert Disposition.objects.count() == len(NEEDING) + 1
    second = review.sign_off(couple, people.clinician2.user, "Ready again.")
    assert list(SignOff.objects.order_by("at", "id")) == [first, second]
    assert review.sign_off_in_force(couple) == second

    # reopened again, then once more: an open case cannot be reopened
    people.clinician.post(case_url(couple) + "reopen/", {"reason": "Another letter."})
    response = people.clinician.post(case_url(couple) + "reopen/", {"reason": "x"}, follow=True)
    assert "This case is not signed off." in messages_shown(response)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_REOPENED).count() == 2


# --- the state machine -------------------------------------------------------------------------


def _invited(user):
    return intake_services.create_case().couple


def _in_progress(user):
    case = intake_services.create_case()
    seed_steps(case.couple.partner("a"), make_answers(), ["about"])
    return case.couple


def _one_submitted(user):
    return imported_case(document(a=demo_document()["partners"]["a"])).couple


def _submitted(user):
    return flagged_case().couple


def _submitted_clean(user):
    return plain_case().couple


def _in_review(user):
    couple = flagged_case().couple
    first = review.missing_dispositions(couple)[0]
    review.record_disposition(couple, first.key, "follow_up", "Called.", user)
    return couple


def _in_review_complete(user):
    couple = flagged_case().couple
    dispose_all(couple, user)
    return couple


def _ready(user):
    couple = _in_review_complete(user)
    review.sign_off(couple, user, "Ready.")
    return couple


STATES: dict[str, tuple[Callable, str]] = {
    # name: (builder, the case's status)
    "invited": (_invited, "invited"),
    "in_progress": (_in_progress, "in_progress"),
    "one_submitted": (_one_submitted, "in_progress"),
    "submitted": (_submitted, "submitted"),
    "submitted_clean": (_submitted_clean, "submitted"),
    "in_review": (_in_review, "in_review"),
    "in_review_complete": (_in_review_complete, "in_review"),
    "ready": (_ready, "ready"),
}


def _disposition_key(couple) -> str:
    items = review.review_items(couple)
    if items:
        return items[0].key
    screening = review.current_screening(couple)
    if screening is not None:  # info flags only
        return screening.flags.first().key
    return "0" * 64


def _in_force(couple) -> int | None:
    disposition = review.latest_dispositions(couple).get(_disposition_key(couple))
    return disposition.pk if disposition else None


ACTIONS = {
    "disposition": lambda couple, user: review.record_disposition(  # a change if recorded
        couple,
        _disposition_key(couple),
        "not_relevant",
        "Reviewed again.",
        user,
        replaces=_in_force(couple),
    ),
    "sign_off": lambda couple, user: review.sign_off(couple, user, "For the prescriber."),
    "reopen_case": lambda couple, user: review.reopen_case(couple, user, "New information."),
    "reopen_partner": lambda couple, user: review.reopen_partner(
        couple, "a", user, "Partner A asked to change an answer."
    ),
}

WAITING_BOTH = "Waiting for partner A and partner B to submit their answers."
NOT_CURRENT = "This flag is no longer current."
NOT_SIGNED = "This case is not signed off."
NOT_SUBMITTED = "Partner A's answers are not submitted."
MISSING = "Record what was done for every urgent, high and review flag first"

# (state, action) -> the new status, or the refusal's message
TRANSITIONS = {
    ("invited", "disposition"): ReviewError(NOT_CURRENT),
    ("invited", "sign_off"): ReviewError(WAITING_BOTH),
    ("invited", "reopen_case"): ReviewError(NOT_SIGNED),
    ("invited", "reopen_partner"): ReviewError(NOT_SUBMITTED),
    ("in_progress", "disposition"): ReviewError(NOT_CURRENT),
    ("in_progress", "sign_off"): ReviewError(WAITING_BOTH),
    ("in_progress", "reopen_case"): ReviewError(NOT_SIGNED),
    ("in_progress", "reopen_partner"): ReviewError(NOT_SUBMITTED),
    ("one_submitted", "disposition"): "in_progress",  # partner A's flags may be reviewed
    ("one_submitted", "sign_off"): ReviewError("Waiting for partner B to submit their answers."),
    ("one_submitted", "reopen_case"): ReviewError(NOT_SIGNED),
    ("one_submitted", "reopen_partner"): "in_progress",
    ("submitted", "disposition"): "in_review",
    ("submitted", "sign_off"): ReviewError(MISSING),
    ("submitted", "reopen_case"): ReviewError(NOT_SIGNED),
    ("submitted", "reopen_partner"): "in_progress",
    ("submitted_clean", "disposition"): ReviewError(NOT_CURRENT),  # info flags need none
    ("submitted_clean", "sign_off"): "ready",
    ("submitted_clean", "reopen_case"): ReviewError(NOT_SIGNED),
    ("submitted_clean", "reopen_partner"): "in_progress",
    ("in_review", "disposition"): "in_review",
    ("in_review", "sign_off"): ReviewError(MISSING),
    ("in_review", "reopen_case"): ReviewError(NOT_SIGNED),
    ("in_review", "reopen_partner"): "in_progress",
    ("in_review_complete", "disposition"): "in_review",
    ("in_review_complete", "sign_off"): "ready",
    ("in_review_complete", "reopen_case"): ReviewError(NOT_SIGNED),
    ("in_review_complete", "reopen_partner"): "in_progress",
    ("ready", "disposition"): ReviewError(
        "This case is signed off. Reopen the case to change anything."
    ),
    ("ready", "sign_off"): ReviewError("This case is already signed off."),
    ("ready", "reopen_case"): "in_review",
    ("ready", "reopen_partner"): "in_progress",
}


def test_the_transition_table_covers_every_state_and_action():
    assert set(TRANSITIONS) == {(s, a) for s in STATES for a in ACTIONS}


@pytest.mark.parametrize(
    "state, action", list(TRANSITIONS), ids=[f"{s}-{a}" for s, a in TRANSITIONS]
)
def test_state_machine(db, state, action):
    user = make_user("dr.lee", clinician=True)
    build, status = STATES[state]
    couple = build(user)
    assert review.case_status(couple) == status
    expected = TRANSITIONS[(state, action)]
    before = snapshot(couple)
    if isinstance(expected, ReviewError):
        with pytest.raises(ReviewError) as refused:
            ACTIONS[action](couple, user)
        assert str(expected) in str(refused.value)
        assert snapshot(couple) == before, "a refused change changed something"
        after = status
    else:
        ACTIONS[action](couple, user)
        assert snapshot(couple)["audit"] > before["audit"], "an allowed change is audited"
        after = expected
    assert review.case_status(couple) == after
    # the queue computes the same status in SQL
    assert review_queue().get(pk=couple.pk).status == after


@pytest.mark.parametrize(
    "state, action, call, message",
    [
        (
            "in_review_complete",
            "sign_off",
            lambda c, u: review.sign_off(c, u, " "),
            "Write a short summary note",
        ),
        ("ready", "reopen_case", lambda c, u: review.reopen_case(c, u, ""), "Give a reason"),
        (
            "submitted",
            "reopen_partner",
            lambda c, u: review.reopen_partner(c, "a", u, "  "),
            "Give a reason for reopening the answers.",
        ),
        (
            "submitted",
            "disposition",
            lambda c, u: review.record_disposition(c, _disposition_key(c), "done", "", u),
            "Choose what was done.",
        ),
    ],
)
def test_allowed_transitions_still_refuse_incomplete_requests(db, state, action, call, message):
    user = make_user("dr.lee", clinician=True)
    couple = STATES[state][0](user)
    before = snapshot(couple)
    with pytest.raises(ReviewError, match=message):
        call(couple, user)
    assert snapshot(couple) == before
