"""Names spaced out with ideographic spaces by old typesetting (李　强) are read as one name."""

from __future__ import annotations

import pytest

from speechkg.graph.model import Speech

from ..conftest import ents


@pytest.mark.parametrize(
    "text, read",
    [
        ("国务院总理　王　明\n", "国务院总理　王明\n"),
        ("张　小　华\n", "张小华\n"),
        ("主　任：刘大军", "主任：刘大军"),
        # spaces between words, not inside a name, stay
        ("市长　赵立新", "市长　赵立新"),
        ("新华社北京5月3日电　国家主席", "新华社北京5月3日电　国家主席"),
        ("　　周　平　　陈建国", "　　周平　　陈建国"),
    ],
)
def test_spaced_names_are_joined_when_read(text, read):
    assert Speech(text=text).text == read


def test_a_spaced_name_is_found_as_a_person():
    found = ents("政府工作报告\n国务院总理　王　明\n各位代表：")
    assert ("Person", "王明") in found
