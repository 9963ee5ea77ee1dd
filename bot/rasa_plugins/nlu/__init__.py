"""Custom Rasa NLU components for Vietnamese and English."""
