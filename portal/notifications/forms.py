from django import forms

from portal.notifications.models import EmailPreferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = EmailPreferences
        fields = ["reminder", "follow_up", "digest"]
