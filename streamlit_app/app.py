"""SoundStream's dashboard: `streamlit run streamlit_app/app.py` (``soundstream up`` and
``soundstream dashboard`` run it with ``SOUNDSTREAM_URL`` set).

Only the page list lives here; each page is a script in ``app_pages/`` that talks to the API
through `soundstream_dashboard.api`. (Not ``pages/``: Streamlit would also serve that folder
as an old-style multipage app, whose URLs bypass this navigation and its page config.)
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(
    page_title="SoundStream",
    page_icon=":material/graphic_eq:",
    layout="wide",
    initial_sidebar_state="expanded",
)

navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/insights:", default=True),
        st.Page(PAGES / "recommendations.py", title="Recommendations", icon=":material/recommend:"),
        st.Page(PAGES / "tags.py", title="Tags", icon=":material/sell:"),
        st.Page(PAGES / "social.py", title="Social graph", icon=":material/hub:"),
    ]
)
st.sidebar.caption("Last.fm-2k (HetRec 2011) · numbers from the SoundStream API")
navigation.run()
