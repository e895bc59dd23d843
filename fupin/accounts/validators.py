from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with our own message: Django 5.2's Chinese catalogue still lacks
    the wording its validator uses, so users saw this one error in English."""

    def get_error_message(self) -> str:
        return ngettext(
            "The password is too short: it needs at least %(min)d character.",
            "The password is too short: it needs at least %(min)d characters.",
            self.min_length,
        ) % {"min": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min)d character.", "At least %(min)d characters.", self.min_length
        ) % {"min": self.min_length}
