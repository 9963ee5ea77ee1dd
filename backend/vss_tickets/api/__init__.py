"""HTTP routers of the ticket service."""
