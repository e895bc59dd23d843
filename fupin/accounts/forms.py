from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.accounts.choices import Role


class GrantForm(forms.Form):
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        help_text=_("The statistical code, e.g. 510105 for a county."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class UserCreateForm(GrantForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    field_order = ["username", "first_name", "email", "password", "region", "role"]


class UserUpdateForm(forms.Form):
    first_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class SetPasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class ChangeOwnPasswordForm(SetPasswordForm):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)

    field_order = ["old_password", "password", "password2"]
