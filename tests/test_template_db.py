"""The fast lane's template database: named so that workers share it and a changed migration never reuses it."""

import shutil

from tests.template_db import ROOT, migrations_digest, template_name


def test_workers_share_one_template_per_test_database():
    digest = "0123456789ab"
    assert template_name("test_portal_ci_gw0", "gw0", digest) == "test_portal_ci_tpl_0123456789ab"
    assert template_name("test_portal_ci_gw1", "gw1", digest) == "test_portal_ci_tpl_0123456789ab"
    assert template_name("test_portal_ci", None, digest) == "test_portal_ci_tpl_0123456789ab"


def test_any_change_to_a_migration_gives_a_new_template(tmp_path):
    for app in ("portal", "surveys"):
        shutil.copytree(ROOT / app / "migrations", tmp_path / app / "migrations")
    first = migrations_digest(tmp_path)
    assert migrations_digest(tmp_path) == first

    migration = sorted((tmp_path / "surveys" / "migrations").glob("0*.py"))[-1]
    migration.write_text(migration.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = migrations_digest(tmp_path)
    (tmp_path / "portal" / "migrations" / "9999_new.py").write_text("", encoding="utf-8")

    assert len({first, changed, migrations_digest(tmp_path)}) == 3
