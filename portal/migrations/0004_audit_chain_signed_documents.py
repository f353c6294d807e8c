"""The audit log becomes a hash chain per day (the rows already written are chained in order),
and issued PDFs get a record of their signature state.

The append-only trigger refuses UPDATE, so the back-fill switches it off for the length of
this migration's transaction and back on before it commits (the migration runs as the
table's owner). Existing rows are chained by (created_at, id).
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

UPDATE = "UPDATE portal_auditevent SET chain_day = %s, chain_seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s"


def backfill(apps, schema_editor):
    from portal.services.audit_chain import GENESIS, HASHED, chain_day, link_hash

    AuditEvent = apps.get_model("portal", "AuditEvent")
    AuditDayHead = apps.get_model("portal", "AuditDayHead")
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only")
    heads, batch = {}, []
    rows = AuditEvent.objects.order_by("created_at", "id").values(*HASHED).iterator(chunk_size=2000)
    with connection.cursor() as cursor:
        for row in rows:
            day = chain_day(row["created_at"])
            seq, prev = heads.get(day, (0, GENESIS))
            row.update(chain_day=day, chain_seq=seq + 1)
            digest = link_hash(prev, row)
            heads[day] = (seq + 1, digest)
            batch.append((day, seq + 1, prev, digest, row["id"]))
            if len(batch) >= 1000:
                cursor.executemany(UPDATE, batch)
                batch = []
        if batch:
            cursor.executemany(UPDATE, batch)
    AuditDayHead.objects.bulk_create(
        [AuditDayHead(day=day, length=seq, head_hash=digest) for day, (seq, digest) in heads.items()])
    if postgres:
        schema_editor.execute("ALTER TABLE portal_auditevent ENABLE TRIGGER portal_auditevent_append_only")


def unchain(apps, schema_editor):
    apps.get_model("portal", "AuditDayHead").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('portal', '0003_observer_role'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditDayHead',
            fields=[
                ('day', models.DateField(primary_key=True, serialize=False, verbose_name='day')),
                ('length', models.PositiveIntegerField(verbose_name='rows')),
                ('head_hash', models.CharField(max_length=64, verbose_name='head hash')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'audit chain day',
                'verbose_name_plural': 'audit chain days',
                'ordering': ['-day'],
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain_day',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='chain day'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain_seq',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='position in the day'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="previous row's hash"),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='row_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='row hash'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain_day', 'chain_seq'), name='portal_auditevent_chain_position'),
        ),
        migrations.CreateModel(
            name='SignedDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('receipt', 'Receipt of a submitted version'), ('notice', 'Designation notice'), ('book', 'Committee book')], max_length=10, verbose_name='kind')),
                ('object_id', models.CharField(max_length=64)),
                ('reference', models.CharField(db_index=True, max_length=64, verbose_name='reference')),
                ('label', models.CharField(blank=True, max_length=100, verbose_name='label')),
                ('source_name', models.CharField(max_length=300)),
                ('source_sha256', models.CharField(db_index=True, max_length=64)),
                ('file', models.FileField(blank=True, max_length=300, upload_to='signed/%Y/%m/', verbose_name='signed file')),
                ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                ('status', models.CharField(choices=[('signed', 'Signed'), ('pending', 'Not yet signed')], max_length=10, verbose_name='status')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('attempts', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('signed_at', models.DateTimeField(blank=True, null=True, verbose_name='signed')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'signed document',
                'verbose_name_plural': 'signed documents',
                'indexes': [models.Index(fields=['status', 'created_at'], name='portal_sign_status_cc4db8_idx')],
                'constraints': [models.UniqueConstraint(fields=('content_type', 'object_id'), name='portal_signeddocument_one_per_record')],
            },
        ),
        migrations.RunPython(backfill, unchain),
    ]
