"""The action server and the libraries the custom actions (``actions/``) use."""
