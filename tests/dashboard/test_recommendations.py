"""The Recommendations page against a live API over the small fixture.

Small fixture: user 2 plays Radiohead 1000, Muse 500, Björk 50 (1,550 plays) and is friends
with users 3 (Britney Spears, Daft Punk, Radiohead) and 4 (Britney Spears, "Weird Al"
Yankovic). The ``social`` strategy's suggestions and reasons follow from those facts alone;
the hybrid's scores depend on the model, so for it only the shape is checked.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import first_run, markdown_texts, metrics, page


@pytest.fixture(scope="module")
def user_2(dashboard_api: str) -> AppTest:
    return first_run("recommendations", dashboard_api, user="2")


@pytest.fixture(scope="module")
def user_2_social(dashboard_api: str) -> AppTest:
    at = page("recommendations")
    at.query_params["user"] = "2"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOUNDSTREAM_URL", dashboard_api)
        at.run()
        at.radio(key="strategy").set_value("social").run()
    return at


def cards(at: AppTest) -> dict[str, list[str]]:
    """Card title -> its reasons, read from the rendered markdown in page order."""
    found: dict[str, list[str]] = {}
    texts = markdown_texts(at)
    for index, text in enumerate(texts):
        if text.startswith("**[") and index + 1 < len(texts):
            name = text[3 : text.index("](")].replace("\\", "")
            reasons = texts[index + 1].split("\n")
            found[name] = [reason.removeprefix("- ").replace("\\", "") for reason in reasons]
    return found


def test_the_profile_shows_plays_friends_and_diversity(user_2: AppTest) -> None:
    assert not user_2.exception
    shown = metrics(user_2)
    assert shown["Plays"] == "1,550"
    assert shown["Friends"] == "2"
    assert shown["Artists"] == "3"
    assert shown["Diversity (entropy)"] == "0.76"
    assert shown["Evenness"] == "69%"
    assert any("rock · 75%" in text for text in markdown_texts(user_2))


def test_the_user_picker_starts_on_the_linked_user(user_2: AppTest) -> None:
    picker = user_2.selectbox(key="user")
    assert picker.value == 2
    assert picker.options == ["2", "3", "4", "5", "6"]


def test_hybrid_cards_leave_out_what_the_user_plays_and_give_reasons(user_2: AppTest) -> None:
    shown = cards(user_2)
    assert shown
    assert not {"Radiohead", "Muse", "Björk"} & set(shown)
    assert all(reasons and all(reasons) for reasons in shown.values())
    assert user_2.subheader[1].value == "Suggested for user 2"


def test_social_cards_say_which_friends_play_the_artist(user_2_social: AppTest) -> None:
    assert not user_2_social.exception
    shown = cards(user_2_social)
    assert shown["Britney Spears"] == ["2 friends play it"]
    assert shown["Daft Punk"] == ["your friend 3 plays it"]
    assert shown['"Weird Al" Yankovic'] == ["your friend 4 plays it"]


def test_similar_artists_drill_down(api_env: str) -> None:
    at = page("recommendations")
    at.query_params["user"] = "2"
    at.run()
    choice = at.selectbox(key="similar_to")
    assert choice.options[-3:] == [
        "Radiohead (they play it)",
        "Muse (they play it)",
        "Björk (they play it)",
    ]
    choice.set_value(6).run()  # Britney Spears
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["artist", "similarity", "last.fm"]
    assert "Britney Spears" not in set(table["artist"])
    scores = list(table["similarity"])
    assert scores == sorted(scores, reverse=True)


def test_picking_another_user_updates_profile_and_link(api_env: str) -> None:
    at = page("recommendations").run()
    at.selectbox(key="user").set_value(4).run()
    assert not at.exception
    assert metrics(at)["Plays"] == "10,020"
    assert at.query_params["user"] == "4"


def test_an_unknown_user_is_a_clear_message(api_env: str) -> None:
    at = page("recommendations")
    at.query_params["user"] = "999"
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "There is no user with ID 999. Pick one from the list or try another ID."
    ]
    assert not at.metric


def test_the_api_down_is_a_clear_message(down_env: str) -> None:
    at = page("recommendations").run()
    assert not at.exception
    assert "does not answer" in at.error[0].value
