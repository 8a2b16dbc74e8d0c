"""The questionnaires console in a real browser: edit a question, build a form, retry a route, see the NPS chart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from questionnaires.models import Answer, Question, Questionnaire, Submission
from questionnaires.selectors import active_form
from questionnaires.services.submissions import submission_create
from tests.conftest import absent
from tests.factories import LocationFactory, ProfileFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, RatingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(browser, name: str, value: str) -> None:
    field = browser.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def submit(browser, name: str) -> None:
    """Click the named submit button and wait until the next page replaced this one (not a stale read of it)."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.NAME, name).click()
    WebDriverWait(browser, 10).until(staleness_of(page))


def messages(browser) -> list[str]:
    return [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li")]


def test_editing_a_question_makes_a_read_only_version(admin_browser):
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/questionnaires/question/add/")
    fill(browser, "handle", "shoe-size")
    fill(browser, "label", "Shoe size?")
    Select(browser.find_element(By.NAME, "type")).select_by_value("slider")
    fill(browser, "validation", '{"min": 30, "max": 20}')
    submit(browser, "_continue")
    errors = [li.text for li in browser.find_elements(By.CSS_SELECTOR, ".errorlist li")]
    assert errors == ["min must be less than max."]
    assert not Question.objects.exists()

    fill(browser, "validation", '{"min": 30, "max": 50}')
    submit(browser, "_continue")
    assert messages(browser)[0].startswith("The question")  # waits for the saved page
    question = Question.objects.get()
    fill(browser, "label", "Your shoe size?")
    submit(browser, "_continue")
    assert messages(browser)[0].startswith("The question")

    question.refresh_from_db()
    assert list(question.versions.values_list("version", "label")) == [(1, "Shoe size?"), (2, "Your shoe size?")]
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Your shoe size?" in page and "Shoe size?" in page
    assert absent(browser, By.CSS_SELECTOR, "[name^=versions-0-label]")  # versions are read-only


def test_building_a_questionnaire_and_previewing_it(admin_browser):
    QuestionFactory(handle="size", label="Your size?", type="single_select",
                    options=[{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}])  # fmt: skip
    QuestionFactory(handle="notes", label="Anything else?", type="textarea")
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/questionnaires/questionnaire/add/")
    fill(browser, "handle", "fitting-form")
    fill(browser, "name", "Fitting form")
    Select(browser.find_element(By.NAME, "purpose")).select_by_value("booking")
    submit(browser, "_save")

    # The builder opens with empty rows; the new form has no version until it has questions.
    fill(browser, "form-0-mapping_key", "size")
    Select(browser.find_element(By.NAME, "form-0-question")).select_by_visible_text("size")
    browser.find_element(By.NAME, "form-0-is_required").click()
    fill(browser, "form-0-ORDER", "1")
    fill(browser, "form-1-mapping_key", "notes")
    Select(browser.find_element(By.NAME, "form-1-question")).select_by_visible_text("notes")
    fill(browser, "form-1-ORDER", "2")
    fill(browser, "form-1-visibility_condition", '{"==": [{"var": "size"}, "m"]}')
    submit(browser, "_save_slots")
    assert messages(browser) == ["Saved as version 1."]

    form = active_form(Questionnaire.objects.get().pk)
    assert [(s.mapping_key, s.is_required, s.visibility_condition) for s in form.slots] == [
        ("size", True, None), ("notes", False, {"==": [{"var": "size"}, "m"]}),
    ]  # fmt: skip
    browser.find_element(By.ID, "preview-link").click()
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#form-preview .preview-label")]
    assert labels == ["Your size?", "Anything else?"]
    options = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#form-preview select[name=size] option")]
    assert options == ["", "Small", "Medium"]


def test_a_failed_route_is_shown_and_retried_from_the_submissions_list(admin_browser):
    question = QuestionFactory(handle="first", type="text", link_type="profile", link_target="first_name")
    questionnaire = QuestionnaireFactory(questions=[{"mapping_key": "first", "question_id": question.pk}])
    form = active_form(questionnaire.pk)
    submission = submission_create(form, [{"questionnaire_question_id": form.slots[0].pk, "value": "Grace"}])
    Answer.objects.update(mapping_status="failed", mapping_error="The submission has no profile to write to.")
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/questionnaires/submission/")
    assert "1 failed" in browser.find_element(By.ID, "result_list").text

    profile = ProfileFactory(first_name="")
    Submission.objects.filter(pk=submission.pk).update(profile=profile)
    browser.find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("retry_failed_routes")
    submit(browser, "index")

    assert messages(browser) == ["Retried 1 failed answer(s); 0 still failing."]
    profile.refresh_from_db()
    assert profile.first_name == "Grace"
    assert "1 mapped" in browser.find_element(By.ID, "result_list").text


def test_the_nps_page_draws_the_weekly_score_offline(admin_browser):
    location = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    for score, day in ((10, 3), (9, 3), (0, 4), (10, 10), (2, 11), (3, 11)):
        RatingFactory(location=location, score=score, rated_at=datetime(2025, 6, day, 2, 0, tzinfo=UTC))
    browser = admin_browser
    with time_machine.travel(datetime(2025, 6, 20, tzinfo=UTC), tick=True):
        browser.get(f"{browser.base_url}/admin/questionnaires/rating/nps/")
        Select(browser.find_element(By.NAME, "location")).select_by_visible_text("Melbourne CBD")
        browser.execute_script(
            "document.querySelector('[name=start_date]').value = '2025-06-02';"
            "document.querySelector('[name=end_date]').value = '2025-06-15';"
        )
        page = browser.find_element(By.TAG_NAME, "html")
        browser.find_element(By.CSS_SELECTOR, "#nps-form input[type=submit]").click()
        # The page opens with the last 28 days of every location: read the answer only once the next page is in.
        WebDriverWait(browser, 10).until(staleness_of(page))

    assert browser.find_element(By.ID, "nps-score").text.startswith("NPS 0.0 at Melbourne CBD (Australia/Melbourne)")
    assert [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#nps-series .nps-week-score")] == ["33.3", "-33.3"]
    bars = browser.find_elements(By.CSS_SELECTOR, "#nps-chart rect.nps-bar")
    assert [bar.get_attribute("fill") for bar in bars] == ["#16a34a", "#dc2626"]
    # Nothing is fetched from another host: the chart is inline SVG.
    assert absent(browser, By.CSS_SELECTOR, "script[src^=http]")
