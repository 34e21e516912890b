"""A reported point becomes a place only when it is one (shared by every channel)."""

import pytest

from models.messages import Location


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("39.08", "117.2", Location(39.08, 117.2)),
        (39.08, 117.2, Location(39.08, 117.2)),
        ("-90", "180", Location(-90.0, 180.0)),
        ("90.1", "117.2", None),
        ("39.08", "-180.5", None),
        ("nan", "117.2", None),
        ("39.08", "inf", None),
        ("北纬39", "117.2", None),
        (None, "117.2", None),
        ("", "", None),
    ],
)
def test_location_read(lat, lon, expected):
    assert Location.read(lat, lon) == expected
