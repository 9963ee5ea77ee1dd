"""Staff console: server-rendered pages under /console on top of the ticket service's core."""

from fastapi import APIRouter

from vss_tickets.console import routes, ticket

router = APIRouter()
router.include_router(routes.router)
router.include_router(ticket.router)
