"""Console users: an Operator (optionally limited to locations) and a Manager, logged in with Django's client."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from directory.models import OperatorAccess
from directory.roles import MANAGER, OPERATOR


def console_user(username: str, role: str, locations=None) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if locations is not None:
        OperatorAccess.objects.create(user=user).locations.set(locations)
    return user


@pytest.fixture
def login(db):
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def operator_client(login):
    return login(console_user("olive", OPERATOR))


@pytest.fixture
def manager_client(login):
    return login(console_user("max", MANAGER))
