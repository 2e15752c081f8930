import pytest
from django.core.cache import cache
from django.test import Client

from tests import factories
from tests.auth import sign_in


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def new_case(db):
    return factories.new_case()


@pytest.fixture
def partner_a(new_case):
    return factories.partner_browser(new_case, "a")


@pytest.fixture
def partner_b(new_case):
    return factories.partner_browser(new_case, "b")


@pytest.fixture
def clinician(db):
    user = factories.make_user("dr.lee", clinician=True, password=factories.PASSWORD, email="")
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
