import pytest

from tests.factories import make_user


@pytest.fixture
def admin(db):
    return make_user("admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client
