"""Wizard storage in the database, on the partner's answers row (not in the session).

formtools keeps a wizard's state in the session by default: it is lost with the session and
shared by every tab of a browser. Here the state lives on `AnswerSet.wizard_state`, so it
survives a closed browser, an expired session and a change of device. The view puts the
partner's `AnswerSet` on the request (`request.answer_set`) before the wizard starts.
"""

from formtools.wizard.storage.base import BaseStorage


class DraftStorage(BaseStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer_set = self.request.answer_set
        state = self.answer_set.wizard_state
        if not state or self.step_data_key not in state:
            self.init_data()

    def _get_data(self):
        return self.answer_set.wizard_state

    def _set_data(self, value):
        self.answer_set.wizard_state = value

    data = property(_get_data, _set_data)

    def update_response(self, response):
        # The view saves the row itself, inside its transaction (see IntakeWizard.post).
        super().update_response(response)
