"""Change control (issue 12): why each draft change was made, and what a publisher reviewed.

History rows keep the reason for a change as text of any length (simple-history's default is
100 characters). A published version records the field-by-field changes its publisher reviewed,
the clinical test bench run before publishing, and the publisher's acknowledgement when that
bench showed the version to be less safe than the one before.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0006_fill_seeded_red_flag_fields'),
    ]

    operations = [
        migrations.AddField(
            model_name='knowledgebaseversion',
            name='bench',
            field=models.JSONField(blank=True, editable=False, help_text="The clinical test bench run on the publish page: the curators' vignettes scored by this version and by the previous one, side by side. Empty when no bench ran.", null=True),
        ),
        migrations.AddField(
            model_name='knowledgebaseversion',
            name='reviewed_changes',
            field=models.JSONField(blank=True, default=list, editable=False, help_text="What the publisher reviewed: each field changed since the previous version, old → new, with who changed it, when, why, and the figure's source."),
        ),
        migrations.AddField(
            model_name='knowledgebaseversion',
            name='safety_acknowledgement',
            field=models.TextField(blank=True, editable=False, help_text="When the test bench showed this version misses an emergency or under-triages a case the previous one did not: the publisher's reason for publishing it anyway."),
        ),
        migrations.AlterField(
            model_name='historicalageband',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalcondition',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalconditionprior',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicaldurationevidence',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalevidence',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalfinding',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalredflagcriterion',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalredflagrule',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalreference',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalscoringpolicy',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
    ]
