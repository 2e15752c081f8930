"""The case page's actions through the test client: a disposition sent by the page's script
(the flag's new markup comes back as JSON), and the confirmations asked before revoking or
reissuing a link and reopening answers (nothing changes until the clinician confirms; a bad
value gets a message on the page, never a 500)."""

from __future__ import annotations

import pytest

from intake.models import Partner
from screening.models import AuditEntry, Disposition
from tests.factories import case_url, current_disposition, review_item
from tests.intake.helpers import messages_shown, visible_text
from tests.screening.records import snapshot

pytestmark = pytest.mark.django_db

SCRIPT = {"HTTP_X_REQUESTED_WITH": "fetch"}  # as static/js/app.js sends it


def send(client, couple, rule, partner, outcome, note, **extra):
    data = {"key": review_item(couple, rule, partner).key, "outcome": outcome, "note": note} | extra
    return client.post(case_url(couple) + "dispositions/", data, **SCRIPT)


def test_from_the_script_an_urgent_item_still_open_is_said_so(people):
    response = send(people.clinician, people.couple, "CV-2", "b", "follow_up", "Asked the GP.")
    assert response.status_code == 200
    assert response.json()["urgent_open"] is True  # SI-2 is still to record


def test_from_the_script_a_disposition_comes_back_as_the_flags_folded_markup(people):
    couple = people.couple
    response = send(people.clinician, couple, "SI-2", "a", "follow_up", "Rang Sam.")
    assert response.status_code == 200
    data = response.json()
    assert data["message"] == "SI-2, partner A: Disposition recorded. 6 items left to record."
    assert data["urgent_open"] is False  # SI-2 was the only urgent item
    assert data["status"] == "In review"
    assert review_item(couple, "SI-2", "a").key not in data["missing"] and len(data["missing"]) == 6
    card = visible_text(data["html"])
    assert card.startswith("Disposition recorded. Urgent SI-2 · partner A ·")
    assert "Recorded: Follow-up arranged · dr.lee ·" in card and "Rang Sam." in card
    assert "No disposition yet." not in card
    assert 'class="change-disposition"' in data["html"]  # folded, with "Change"
    assert Disposition.objects.get().note == "Rang Sam."


def test_from_the_script_a_refusal_comes_back_with_its_message_and_the_typing(people):
    couple = people.couple
    response = send(people.clinician, couple, "VOL-1", "b", "follow_up", "z" * 2001)
    assert response.status_code == 400
    data = response.json()
    assert (
        "This answer is 2001 characters; the limit is 2000. Please shorten it." in data["message"]
    )
    assert "This answer is 2001 characters; the limit is 2000. Please shorten it." in visible_text(
        data["html"]
    )
    assert ">" + "z" * 2001 + "</textarea>" in data["html"]

    send(people.clinician, couple, "VOL-1", "b", "follow_up", "Will see B alone.")
    response = send(people.clinician2, couple, "VOL-1", "b", "acknowledged", "Saw B alone.")
    assert response.status_code == 409
    data = response.json()
    assert data["message"].startswith(
        "VOL-1, partner B: A disposition is already recorded for this flag (Follow-up arranged, "
        "by dr.lee on "
    )
    assert f'name="replaces" value="{current_disposition(couple, "VOL-1", "b").pk}"' in data["html"]
    assert ">Saw B alone.</textarea>" in data["html"]
    assert Disposition.objects.count() == 1

    response = send(people.clinician, couple, "VOL-1", "b", "follow_up", "n", key="0" * 64)
    assert response.status_code == 400
    assert response.json() == {
        "message": "This flag is no longer current. Reload the case to see its flags.",
        "html": "",
    }


def test_the_case_page_acts_on_no_link_or_reopen_in_one_click(people):
    html = people.clinician.get(case_url(people.couple)).content.decode()
    assert "/link/" not in html.replace("/link/revoke/", "").replace("/link/reissue/", "")
    assert 'action="' + case_url(people.couple) + 'partners/a/reopen/"' not in html
    assert f'href="{case_url(people.couple)}partners/a/link/revoke/">Revoke link…</a>' in html
    assert f'href="{case_url(people.couple)}partners/a/link/reissue/">New link…</a>' in html
    assert f'href="{case_url(people.couple)}partners/a/reopen/">Reopen answers…</a>' in html


@pytest.mark.parametrize(
    "path, heading, says, button",
    [
        (
            "partners/a/link/revoke/",
            "Revoke partner A's link?",
            [
                "Partner A's private link stops working at once, on every device where it is open.",
                "Partner A is not told why",
                "Answers already saved are kept (partner A's answers are submitted).",
            ],
            'name="action" value="revoke">Revoke the link</button>',
        ),
        (
            "partners/b/link/reissue/",
            "Make a new link for partner B?",
            [
                "The link partner B has now stops working at once",
                "Answers already saved are kept",
                "The new link is shown once, on the case page",
                "You can also have it e-mailed to b@example.com",
            ],
            'name="action" value="reissue_email">Make a new link and e-mail it</button>',
        ),
        (
            "partners/a/reopen/",
            "Reopen partner A's answers?",
            [
                "Partner A can change their answers and must submit them again. Their link "
                "works for this.",
                "The case cannot be signed off until they submit again.",
                "flags that still hold keep their dispositions; new flags need one.",
                "Partner B is not told.",
            ],
            ">Reopen the answers</button>",
        ),
    ],
)
def test_each_destructive_action_says_what_will_happen_and_changes_nothing(
    people, path, heading, says, button
):
    Partner.objects.filter(couple=people.couple, label="b").update(email="b@example.com")
    before = snapshot(people.couple)
    response = people.clinician.get(case_url(people.couple) + path)
    assert response.status_code == 200
    text = visible_text(response)
    assert heading in text
    for sentence in says:
        assert sentence in text
    assert button in response.content.decode()
    assert "Cancel" in text
    assert snapshot(people.couple) == before


def test_reopening_a_signed_off_case_s_answers_says_the_sign_off_is_reopened(ready_case, clinician):
    from screening import review

    review.sign_off(ready_case, clinician.user, "Ready.")
    text = visible_text(clinician.get(case_url(ready_case) + "partners/b/reopen/"))
    assert "The sign-off for the prescriber is reopened" in text
    assert "Partner A is not told." in text


def test_a_bad_link_action_is_refused_on_the_page_never_a_500(people):
    before = snapshot(people.couple)
    for data in ({"action": "delete_everything"}, {}):
        response = people.clinician.post(case_url(people.couple) + "partners/a/link/", data)
        assert response.status_code == 400
        assert "Choose what to do with the link." in messages_shown(response)
    assert snapshot(people.couple) == before
    assert people.clinician.get(case_url(people.couple) + "partners/a/link/other/").status_code == (
        404
    )
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LINK_REVOKED).exists()


def test_a_refused_reopen_stays_on_its_confirmation_with_the_reason_kept(people):
    reason = "Asked to correct a medicine. " + "q" * 480
    response = people.clinician.post(
        case_url(people.couple) + "partners/a/reopen/", {"reason": reason}
    )
    assert response.status_code == 400
    text = visible_text(response)
    assert "Reopen partner A's answers?" in text
    assert f"This answer is {len(reason)} characters; the limit is 500. Please shorten it." in text
    assert f'value="{reason}"' in response.content.decode()
    assert people.couple.partner("a").is_submitted
