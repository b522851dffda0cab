"""The user picker shared by the Recommendations and Social pages."""

from __future__ import annotations

import streamlit as st

from soundstream_dashboard.api import Api

QUERY_PARAM = "user"


def parse_user_id(value: object) -> int | None:
    """An id from the picker: a listed id, or whatever was typed (None if not a number).

    Example:
        >>> parse_user_id(" 42 "), parse_user_id("abc"), parse_user_id(0)
        (42, None, None)
    """
    try:
        user_id = int(str(value).strip())
    except ValueError:
        return None
    return user_id if user_id > 0 else None


def pick_user(api: Api, *, key: str, label: str = "User ID") -> int | None:
    """A selectbox of the first users that also takes any typed id; the choice is kept in
    the ``?user=`` query parameter, so a page can be linked to and both pages share it.

    Returns:
        The user id, or None (after a warning) when the input is not an id at all.
    """
    requested = parse_user_id(st.query_params.get(QUERY_PARAM, ""))
    options: list[int] = list(api.user_ids())
    if requested is not None and requested not in options:
        options.insert(0, requested)
    picked = st.selectbox(
        label,
        options=options,
        index=options.index(requested) if requested in options else 0,
        accept_new_options=True,
        help="Pick a user, or type any user ID and press Enter",
        key=key,
    )
    user_id = parse_user_id(picked)
    if user_id is None:
        st.warning(f"“{picked}” is not a user ID: user IDs are positive whole numbers.")
        return None
    st.query_params[QUERY_PARAM] = str(user_id)
    return user_id
