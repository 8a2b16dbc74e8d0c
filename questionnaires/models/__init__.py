from questionnaires.models.question import Question, QuestionVersion
from questionnaires.models.questionnaire import Questionnaire, QuestionnaireSlot, QuestionnaireVersion
from questionnaires.models.submission import Answer, Rating, Submission

__all__ = [
    "Answer",
    "Question",
    "QuestionVersion",
    "Questionnaire",
    "QuestionnaireSlot",
    "QuestionnaireVersion",
    "Rating",
    "Submission",
]
