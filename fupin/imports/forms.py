from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ALLOWED_SUFFIXES = (".xlsx", ".csv")


class UploadForm(forms.Form):
    upload = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_("The first sheet is read; title rows above the header are fine."),
    )
    commit = forms.BooleanField(
        label=_("Save the rows (leave unticked to check the file first)"), required=False
    )

    def clean_upload(self) -> object:
        upload = self.cleaned_data["upload"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        limit = settings.IMPORT_MAX_UPLOAD_MB
        if upload.size > limit * 2**20:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s MB; one upload takes at most %(limit)s MB. Split it "
                    "into several files (by township, say), or ask the administrator to raise "
                    "IMPORT_MAX_UPLOAD_MB."
                )
                % {"size": f"{upload.size / 2**20:,.1f}", "limit": limit}
            )
        return upload
