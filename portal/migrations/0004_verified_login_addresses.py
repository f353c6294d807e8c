from django.db import migrations


def verify_login_addresses(apps, schema_editor):
    """Every existing account's login address becomes its verified primary address (e-mail verification is on)."""
    User = apps.get_model("portal", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email="").iterator():
        email = user.email.lower()
        EmailAddress.objects.filter(user=user).exclude(email=email).update(primary=False)
        if EmailAddress.objects.filter(email=email, verified=True).exclude(user=user).exists():
            continue
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"primary": True, "verified": True}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_observer_role"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_login_addresses, migrations.RunPython.noop)]
