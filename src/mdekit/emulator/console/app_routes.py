"""App registration pages, laid out like the portal's: the list, "New registration", and per
app Overview, API permissions (add, remove, grant or revoke admin consent) and Certificates &
secrets (a new secret's value is shown once, in the response to the form, never again)."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from mdekit.emulator.console import app_views
from mdekit.emulator.console.session import PREFIX, Visit, enter, enter_form, field, see_other
from mdekit.emulator.domain.errors import DomainError, NotFound
from mdekit.emulator.store.records import Application

router = APIRouter(include_in_schema=False)
APPS = f"{PREFIX}/apps"
MAX_CERTIFICATE_BYTES = 64 * 1024

DONE_MESSAGES = {
    "registered": "The app is registered, with its service principal in this tenant.",
    "deleted": "The app registration and its service principals were deleted.",
    "added": "Permissions added. Grant admin consent for them to reach new tokens.",
    "removed": "Permission removed from the registration (consent already given stays).",
    "granted": "Admin consent granted: new tokens for the app carry these roles.",
    "revoked": "Admin consent revoked in the home tenant: new tokens carry no roles.",
    "secret-deleted": "The client secret was deleted.",
    "certificate-added": "The certificate was uploaded.",
    "certificate-deleted": "The certificate was deleted.",
}


def _done(request: Request) -> str | None:
    return DONE_MESSAGES.get(request.query_params.get("done", ""))


def _app(visit: Visit, app_id: str) -> Application:
    return visit.services.directory.application(app_id)


def _not_found(visit: Visit, app_id: str) -> Response:
    return visit.page(
        "message.html",
        active="apps",
        status=404,
        kind="error",
        heading="No such app registration",
        lines=[f"There is no application with the client ID {app_id}."],
    )


# -- list and registration ---------------------------------------------------------------


def _list(visit: Visit) -> Response:
    apps = visit.services.directory.repo.applications(visit.tenant.id)
    return visit.page("apps.html", active="apps", apps=apps, done=_done(visit.request))


@router.get(APPS)
async def app_list(request: Request) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return await run_in_threadpool(_list, visit)


def _new_page(
    visit: Visit, *, error: str | None = None, values: dict[str, str] | None = None
) -> Response:
    return visit.page(
        "app_new.html",
        active="apps",
        status=400 if error else 200,
        error=error,
        values=values or {"audience": "AzureADMyOrg"},
    )


@router.get(f"{APPS}/new")
async def new_app_form(request: Request) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return _new_page(visit)


@router.post(f"{APPS}/new")
async def new_app(request: Request) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    visit, form = entered
    values = {name: field(form, name) for name in ("name", "audience", "redirect_uri")}
    values["audience"] = values["audience"] or "AzureADMyOrg"

    def work() -> Response:
        try:
            app = app_views.register(
                visit.services.directory,
                visit.tenant,
                values["name"],
                values["audience"],
                values["redirect_uri"],
            )
        except DomainError as exc:
            return _new_page(visit, error=exc.message, values=values)
        return see_other(f"{APPS}/{app.app_id}?done=registered")

    return await run_in_threadpool(work)


# -- overview ----------------------------------------------------------------------------


def _overview(visit: Visit, app_id: str) -> Response:
    try:
        app = _app(visit, app_id)
    except NotFound:
        return _not_found(visit, app_id)
    repo = visit.services.directory.repo
    origin = f"{visit.request.url.scheme}://{visit.request.url.netloc}"
    return visit.page(
        "app_overview.html",
        active="apps",
        app=app,
        tab="overview",
        home=visit.services.directory.tenant(app.tenant_id),
        secrets=len(repo.passwords(app.object_id)),
        certificates=len(repo.keys(app.object_id)),
        origin=origin,
        done=_done(visit.request),
    )


@router.get(f"{APPS}/{{app_id}}")
async def overview(request: Request, app_id: str) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return await run_in_threadpool(_overview, visit, app_id)


@router.post(f"{APPS}/{{app_id}}/delete")
async def delete_app(request: Request, app_id: str) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    visit, _ = entered

    def work() -> Response:
        try:
            app = _app(visit, app_id)
        except NotFound:
            return _not_found(visit, app_id)
        visit.services.directory.repo.delete_application(app)
        return see_other(f"{APPS}?done=deleted")

    return await run_in_threadpool(work)


# -- API permissions ---------------------------------------------------------------------


def _permissions(visit: Visit, app_id: str, *, error: str | None = None) -> Response:
    try:
        app = _app(visit, app_id)
    except NotFound:
        return _not_found(visit, app_id)
    view = app_views.permissions_view(visit.services.directory, app)
    return visit.page(
        "app_permissions.html",
        active="apps",
        status=400 if error else 200,
        app=app,
        tab="permissions",
        view=view,
        error=error,
        done=None if error else _done(visit.request),
    )


@router.get(f"{APPS}/{{app_id}}/permissions")
async def permissions(request: Request, app_id: str) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return await run_in_threadpool(_permissions, visit, app_id)


def _change_permissions(visit: Visit, app_id: str, form: FormData) -> Response:
    directory = visit.services.directory
    try:
        app = _app(visit, app_id)
    except NotFound:
        return _not_found(visit, app_id)
    action = field(form, "action")
    try:
        if action == "add":
            keys = [k for k in form.getlist("permission") if isinstance(k, str)]
            if not keys:
                return _permissions(visit, app_id, error="Choose at least one permission.")
            access = app_views.with_permissions(app, keys)
            directory.validate_access(access)
            directory.repo.set_required_access(app.object_id, access)
            done = "added"
        elif action == "remove":
            access = app_views.without_permission(app, field(form, "permission"))
            directory.repo.set_required_access(app.object_id, access)
            done = "removed"
        elif action == "grant":
            directory.grant_admin_consent(app.tenant_id, app)
            done = "granted"
        elif action == "revoke":
            app_views.revoke_consent(directory, app.tenant_id, app)
            done = "revoked"
        else:
            return _permissions(visit, app_id, error="Unknown action.")
    except DomainError as exc:
        return _permissions(visit, app_id, error=exc.message)
    return see_other(f"{APPS}/{app.app_id}/permissions?done={done}")


@router.post(f"{APPS}/{{app_id}}/permissions")
async def change_permissions(request: Request, app_id: str) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    visit, form = entered
    return await run_in_threadpool(_change_permissions, visit, app_id, form)


# -- certificates and secrets ------------------------------------------------------------


def _credentials(
    visit: Visit,
    app_id: str,
    *,
    error: str | None = None,
    new_secret: tuple[str, str] | None = None,
) -> Response:
    try:
        app = _app(visit, app_id)
    except NotFound:
        return _not_found(visit, app_id)
    repo = visit.services.directory.repo
    return visit.page(
        "app_credentials.html",
        active="apps",
        status=400 if error else 200,
        app=app,
        tab="credentials",
        secrets=repo.passwords(app.object_id),
        certificates=repo.keys(app.object_id),
        lifetimes=app_views.SECRET_LIFETIMES,
        now=visit.services.directory.clock.timestamp(),
        new_secret=new_secret,
        error=error,
        done=None if error or new_secret else _done(visit.request),
    )


@router.get(f"{APPS}/{{app_id}}/credentials")
async def credentials(request: Request, app_id: str) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return await run_in_threadpool(_credentials, visit, app_id)


async def _certificate_text(form: FormData) -> str:
    upload = form.get("certificate_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_CERTIFICATE_BYTES + 1)
        if len(data) > MAX_CERTIFICATE_BYTES:
            return ""
        if b"-----BEGIN" in data:
            return data.decode("ascii", errors="replace")
        # A binary .cer/.crt (DER): Graph's keyCredential takes it base64-encoded.
        return base64.b64encode(data).decode()
    return field(form, "certificate_pem")


def _change_credentials(visit: Visit, app_id: str, form: FormData, pem: str) -> Response:
    directory = visit.services.directory
    graph = visit.services.apps
    try:
        app = _app(visit, app_id)
    except NotFound:
        return _not_found(visit, app_id)
    action = field(form, "action")
    try:
        if action == "add-secret":
            lifetime = app_views.secret_lifetime(field(form, "lifetime"))
            description = field(form, "description")[:120] or None
            new = directory.add_secret(
                app, display_name=description, end=directory.clock.now() + lifetime
            )
            # Rendered in this response only: the page after it shows the hint alone.
            return _credentials(visit, app_id, new_secret=(new.value, description or ""))
        if action == "delete-secret":
            graph.remove_password(app.tenant_id, app.object_id, {"keyId": field(form, "key_id")})
            done = "secret-deleted"
        elif action == "upload-certificate":
            if not pem:
                return _credentials(
                    visit,
                    app_id,
                    error="Choose a PEM certificate file or paste one (at most 64 KB).",
                )
            body = {"key": pem, "displayName": field(form, "description") or None}
            graph.add_key(app.tenant_id, app.object_id, {"keyCredential": body})
            done = "certificate-added"
        elif action == "delete-certificate":
            graph.remove_key(app.tenant_id, app.object_id, {"keyId": field(form, "key_id")})
            done = "certificate-deleted"
        else:
            return _credentials(visit, app_id, error="Unknown action.")
    except DomainError as exc:
        return _credentials(visit, app_id, error=exc.message)
    return see_other(f"{APPS}/{app.app_id}/credentials?done={done}")


@router.post(f"{APPS}/{{app_id}}/credentials")
async def change_credentials(request: Request, app_id: str) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    visit, form = entered
    pem = await _certificate_text(form)
    return await run_in_threadpool(_change_credentials, visit, app_id, form, pem)
