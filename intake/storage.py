"""Wizard storage in the database, on the partner's answers row (not in the session).

formtools keeps a wizard's state in the session by default: it is lost with the session and
shared by every tab of a browser. Here the state lives on `AnswerSet.wizard_state`, so it
survives a closed browser, an expired session and a change of device. The view puts the
partner's `AnswerSet` on the request (`request.answer_set`) before the wizard starts.
"""

from formtools.wizard.storage.base import BaseStorage

from .forms import step_form_class
from .questionnaire import QUESTIONNAIRES


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

    def get_step_data(self, step):
        """The step's input as posted; for a step whose answers came by import (answered, but
        never posted), the input the page would post for those answers."""
        data = super().get_step_data(step)
        if data is None and step in self.answer_set.completed_steps:
            questionnaire = QUESTIONNAIRES[self.answer_set.questionnaire_version]
            form_class = step_form_class(questionnaire.step(step), questionnaire.version)
            data = form_class.data_from_answers(self.answer_set.answers, step)
        return data

    def reset(self):
        # formtools empties the storage after done(). The draft stays: answers a clinician
        # reopens are changed from it (intake.services.reopen).
        pass

    def update_response(self, response):
        # The view saves the row itself, inside its transaction (see IntakeWizard.post).
        super().update_response(response)
