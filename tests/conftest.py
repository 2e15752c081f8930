import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from intake import services
from tests.auth import sign_in


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def new_case(db):
    return services.create_case(email_a="a@example.com", email_b="b@example.com")


RESUME_CODE = "test-resume-code"


def open_link(client: Client, link: str, *, door: bool = True):
    """Open a private link as the partner would; return the page it lands on. With `door`,
    pass the door as the partner would: agree to the notice and choose the resume code
    (RESUME_CODE) the first time, type it on later visits."""
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    return pass_door(client, response) if door else response


def pass_door(client: Client, response, *, code: str = RESUME_CODE, joint_sessions="yes"):
    for _ in range(4):
        path = response.request["PATH_INFO"]
        if response.status_code != 200:
            break
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
        csrf = {"csrfmiddlewaretoken": token.group(1)} if token else {}
        if path.endswith("/start/"):
            response = client.get(path.removesuffix("start/") + "consent/", follow=True)
        elif path.endswith("/consent/"):
            agreed = {"agree": "on", "typed_name": "Sam", "joint_sessions": joint_sessions}
            response = client.post(path, agreed | csrf, follow=True)
        elif path.endswith("/code/"):
            response = client.post(path, {"code": code, "again": code} | csrf, follow=True)
        elif path.endswith("/unlock/"):
            response = client.post(path, {"code": code} | csrf, follow=True)
        else:
            break
    return response


@pytest.fixture
def partner_a(new_case):
    client = Client()
    open_link(client, new_case.links["a"])
    client.partner = new_case.couple.partner("a")
    return client


@pytest.fixture
def partner_b(new_case):
    client = Client()
    open_link(client, new_case.links["b"])
    client.partner = new_case.couple.partner("b")
    return client


@pytest.fixture
def clinician(db):
    user = User.objects.create_user("dr.lee", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="clinicians"))
    client = Client()
    sign_in(client, user)
    client.user = user
    return client


def pytest_collection_modifyitems(items):
    """Every test that commits for real (`django_db(transaction=True)`) restores the
    migrations' rows (the clinicians group) and leaves content types alone at its flush, so
    that one transactional test never breaks the next: serialized_rollback for all of them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
