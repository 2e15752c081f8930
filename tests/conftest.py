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


def open_link(client: Client, link: str):
    """Open a private link as the partner would; return the page it lands on."""
    path = link.split("://", 1)[1].split("/", 1)[1]
    return client.get("/" + path, follow=True)


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
