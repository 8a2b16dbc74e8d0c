"""The customer pages (/my/<token>/...) and the calendar feeds are not API operations, so the authorization matrix
and schema fuzzing (which walk /api/schema/) do not reach them. This walks their URL patterns instead: every page,
GET and POST, with an absent, random, forged (signed with another key), unknown (well signed, never issued) and
other-purpose token must be a 404 or 403 (a POST to a read-only page a 405), and every feed URL that is not a
live feed's a 404; nothing is written."""

from __future__ import annotations

import secrets

import pytest
from django.core.signing import TimestampSigner
from django.test import Client
from django.urls import get_resolver, reverse

from appointments.models import CustomerLink
from appointments.services.customer_links import SALT, sign
from tests.appointments.link_world import NOW, book, make_shop, written_counts

pytestmark = pytest.mark.django_db


def customer_patterns() -> list[str]:
    """The named URL patterns of the customer pages and feeds, as the project's URLconf resolves them."""
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    return sorted(name for name in names if name.startswith(("customer-", "calendar-feed")))


def url_for(name: str, token: str) -> str:
    return reverse(name, args=[token])


# Pages that only read: a POST is a 405 whatever the token.
READ_ONLY = ("view", "calendar")


@pytest.fixture
def world():
    shop = make_shop()
    return book(shop, 10, now=NOW)


def test_the_walk_covers_every_customer_page():
    assert customer_patterns() == [
        "calendar-feed", "customer-calendar", "customer-cancel", "customer-claim", "customer-decline", "customer-reschedule",
        "customer-view",
    ]  # fmt: skip


def forged_tokens(purpose: str) -> dict[str, str]:
    key = secrets.token_urlsafe(16)
    return {
        "random": secrets.token_urlsafe(40),
        "other_key": TimestampSigner(key="not-our-secret", salt=SALT + purpose).sign(key),
        "unknown": TimestampSigner(salt=SALT + purpose).sign(key),
        "unsigned": key,
    }


def test_absent_forged_and_other_purpose_tokens_open_nothing_and_write_nothing(world):
    before = written_counts()
    links = {link.purpose: link for link in CustomerLink.objects.filter(appointment=world)}
    for name in customer_patterns():
        if name == "calendar-feed":
            continue  # below
        purpose = name.removeprefix("customer-")
        other = links["cancel" if purpose == "view" else "view"]
        cases = {**forged_tokens(purpose), "other_purpose": sign(other)}
        for case, token in cases.items():
            for method in ("get", "post"):
                response = getattr(Client(), method)(url_for(name, token))
                expected = 403 if case == "other_purpose" else 404
                if method == "post" and purpose in READ_ONLY:
                    expected = 405  # refused before the token is read
                assert response.status_code == expected, (name, case, method, response.status_code)
    for bare in ("/my/", "/my//", "/my//cancel/"):
        assert Client().post(bare).status_code == 404
    assert written_counts() == before


def test_absent_forged_and_revoked_feed_urls_are_404s_and_write_nothing(world):
    from appointments.models import CalendarFeed
    from appointments.services.feeds import feed_issue, feed_revoke

    feed, url = feed_issue(location=world.location, now=NOW)
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed_revoke(feed, actor="user:1", now=NOW)
    before = (written_counts(), list(CalendarFeed.objects.values_list("last_used_at", "revoked_at")))
    cases = {"revoked": secret, "random": "cf_" + secrets.token_urlsafe(32), "other_key": secret[:-2] + "xx",
             "api_token_shape": "ik_" + secrets.token_urlsafe(32), "empty_ish": "cf_"}  # fmt: skip
    for case, value in cases.items():
        assert Client().get(url_for("calendar-feed", value)).status_code == 404, case
        assert Client().post(url_for("calendar-feed", value)).status_code == 405, case
    assert Client().get("/feeds/.ics").status_code == 404
    assert (written_counts(), list(CalendarFeed.objects.values_list("last_used_at", "revoked_at"))) == before
