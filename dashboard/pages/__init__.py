"""One module per page; each exposes ``render()`` (used by app.py's st.navigation)."""
