from rest_framework import serializers

from fupin.regions.models import Region


class RegionSerializer(serializers.ModelSerializer[Region]):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail")
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = [
            "url",
            "code",
            "name",
            "level",
            "level_display",
            "parent",
            "is_poor",
            "poor_since",
            "exited_in",
            "population",
        ]
