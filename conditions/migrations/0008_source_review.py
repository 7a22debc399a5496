"""Sources stay honest (issue 12): a flag on every sourced figure, set when the figure changed
while its reference and note did not, until the note is updated or a curator confirms it.

The flag is for curators only: it is not part of the knowledge document, so it is neither
exported nor published.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0007_publication_review'),
    ]

    operations = [
        migrations.AddField(
            model_name='condition',
            name='female_share_source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='conditionprior',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='durationevidence',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='finding',
            name='baseline_source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='historicalcondition',
            name='female_share_source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='historicalconditionprior',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='historicaldurationevidence',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='historicalevidence',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='baseline_source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='historicalredflagrule',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='historicalscoringpolicy',
            name='baseline_duration_source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='redflagrule',
            name='source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
        migrations.AddField(
            model_name='scoringpolicy',
            name='baseline_duration_source_needs_review',
            field=models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated'),
        ),
    ]
