from __future__ import annotations

import pytest

from actions.status_logic import match_application, status_fields

OPTIONS = [
    {
        "id": "app-2001",
        "job_title": "Software Development Engineer II",
        "requisition_id": "R-3112",
        "location": "Seattle, WA",
        "label": "",
    },
    {
        "id": "app-2002",
        "job_title": "Data Engineer",
        "requisition_id": "R-3187",
        "location": "Arlington, VA",
        "label": "",
    },
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the SDE one", "app-2001"),
        ("software development", "app-2001"),
        ("the data one", "app-2002"),
        ("the one in Seattle", "app-2001"),
        ("Arlington", "app-2002"),
        ("R-3187", "app-2002"),
        ("app-2001", "app-2001"),
        ("the second one", "app-2002"),
        ("2", "app-2002"),
        ("first", "app-2001"),
        ("engineer", None),  # both are engineers: ambiguous
        ("the pilot job", None),
        ("app-3001", None),  # someone else's application id
        ("", None),
    ],
)
def test_match_application(text, expected):
    assert match_application(text, OPTIONS) == expected


def test_status_fields_format_the_date_for_people():
    fields = status_fields(
        {
            **OPTIONS[0],
            "stage_label": "interview loop",
            "state_label": "in progress",
            "last_update": "2026-11-04",
            "next_step": "Wait.",
        }
    )
    assert fields["last_update"] == "4 November 2026"
