from django import forms
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
        return upload
