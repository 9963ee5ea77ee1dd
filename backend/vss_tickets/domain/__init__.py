"""The ticket rules: models, states, routing, deadlines, the ticket operations."""
