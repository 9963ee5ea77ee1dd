"""API errors with bilingual messages, and their JSON rendering."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """An error answered as `{"error": code, "message": "vi / en"}` with an HTTP status."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.status = status
        self.code = code
        self.message = f"{message_vi} / {message_en}"


def not_found(what_vi: str = "Không tìm thấy", what_en: str = "Not found") -> ApiError:
    return ApiError(404, "not_found", what_vi, what_en)


def ticket_not_found(code: str) -> ApiError:
    """The 404 of a ticket code that does not exist (or that the caller may not see)."""
    return not_found(f"Không tìm thấy yêu cầu {code}", f"No ticket {code}")


def conflict(message_vi: str, message_en: str) -> ApiError:
    return ApiError(409, "conflict", message_vi, message_en)


def forbidden(message_vi: str, message_en: str) -> ApiError:
    return ApiError(403, "forbidden", message_vi, message_en)


def unprocessable(message_vi: str, message_en: str) -> ApiError:
    return ApiError(422, "invalid", message_vi, message_en)


def _body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": code, "message": message, **extra}


def _location(loc: tuple[object, ...]) -> str:
    return ".".join(str(p) for p in loc if p != "body")


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as JSON with a code and a Vietnamese / English message."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(_body(exc.code, exc.message), exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(
                _body("malformed_json", "JSON không hợp lệ / Malformed JSON body"), 422
            )
        details = [
            {
                "field": _location(tuple(e.get("loc", ()))),
                "problem": str(e.get("msg", "")).removeprefix("Value error, "),
            }
            for e in errors
        ]
        summary = "; ".join(f"{d['field']}: {d['problem']}" for d in details)
        return JSONResponse(
            _body(
                "validation_error",
                f"Dữ liệu không hợp lệ / Invalid input — {summary}",
                details=details,
            ),
            422,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            _body("internal_error", "Lỗi hệ thống, vui lòng thử lại sau / Internal error"), 500
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {
            404: "Không tìm thấy / Not found",
            405: "Phương thức không được hỗ trợ / Method not allowed",
        }
        message = messages.get(exc.status_code, str(exc.detail))
        return JSONResponse(_body("http_error", message), exc.status_code)
