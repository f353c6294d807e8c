import pytest

from tests.factories import make_user


@pytest.fixture
def admin(db):
    return make_user("admin", name="관리자")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client
