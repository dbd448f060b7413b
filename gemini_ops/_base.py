"""What Operations and AsyncOperations share: settings, routing, URLs, auth, parsing (no I/O)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

import attrs
import httpx

from gemini_ops._core.config import Settings, check_backend, resolve_settings
from gemini_ops._core.errors import CredentialsError
from gemini_ops._core.fleet import Detect, ListPage, ListSource, list_source
from gemini_ops._core.jobs import Job, jobs_page
from gemini_ops._core.names import Backend, Family, ParentFamily, parse_name, parse_parent
from gemini_ops._core.operation import (
    Operation,
    OperationsPage,
    check_answer,
    check_empty_answer,
)
from gemini_ops._core.pagination import check_page_token
from gemini_ops._core.polling import Deadline, PollPolicy, WaitPlan
from gemini_ops._core.routes import (
    Method,
    RequestSpec,
    list_field,
    list_request,
    list_versions,
    operation_request,
    supports,
)
from gemini_ops._core.validate import check_count, check_text
from gemini_ops._http.wire import parse_json_object

logger = logging.getLogger("gemini_ops")


class Named(Protocol):
    """Anything with a ``name``: google-genai's ``GenerateVideosOperation``, ``BatchJob``, ...

    Its ``name`` must be a string when it is passed: None raises TypeError.
    """

    @property
    def name(self) -> str | None:
        """The resource name."""
        ...


#: What every method accepts for an operation or job: its full name, an Operation (a Job is one),
#: or any object with a string ``name`` attribute (such as the objects google-genai returns).
OperationRef = str | Operation | Named
ProgressCallback = Callable[[Operation], object]

ClientT = TypeVar("ClientT", httpx.Client, httpx.AsyncClient)


def name_of(operation: OperationRef) -> str:
    """The name of an operation given by name, as an Operation, or as any object with a ``name``.

    Raises:
        TypeError: `operation` is neither a string nor an object with a string ``name``.

    """
    if isinstance(operation, str):
        return operation
    name = getattr(operation, "name", None)
    if isinstance(name, str):
        return name
    kind = type(operation).__name__
    if name is None and hasattr(operation, "name"):
        raise TypeError(f"expected an operation name, got a {kind} whose name is None")
    raise TypeError(f"expected an operation name or an object with a string name, got {kind}")


def _duration(seconds: float) -> str:
    """A google.protobuf.Duration string: ``30s``, ``0.25s``."""
    text = f"{max(seconds, 0.001):.3f}".rstrip("0").rstrip(".")
    return f"{text}s"


class Target(NamedTuple):
    """A request ready to send, and what it is about.

    The backend, what to send, the Vertex location it goes to, and the name of the operation
    (or list parent) it is about. ``job`` is the family of the job(s) the answer describes
    (None: operations), and ``list_field`` the field a job list answers in.
    """

    backend: Backend
    spec: RequestSpec
    location: str | None
    name: str
    job: Family | None = None
    list_field: str = "operations"


class BaseOperations(Generic[ClientT]):
    """Settings, routing and parsing shared by the sync and async clients (no I/O here)."""

    def __init__(
        self,
        *,
        api_key: str | None,
        vertex_ai: bool | None,
        project: str | None,
        location: str | None,
        credentials: Any,
        base_url: str | None,
        api_version: str | None,
        timeout: float | None,
        max_retries: int,
        http_client: ClientT | None,
        max_response_bytes: int,
    ) -> None:
        self._settings: Settings = resolve_settings(
            api_key=api_key,
            vertex_ai=vertex_ai,
            project=project,
            location=location,
            credentials=credentials,
            base_url=base_url,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
        )
        for note in self._settings.notes:
            logger.warning(note)
        self._http_client: ClientT | None = http_client
        self._max_response_bytes = check_count("max_response_bytes", max_response_bytes, minimum=1)
        self._clients: dict[Backend, ClientT] = {}
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        s = self._settings
        where = s.base_url or ("Vertex AI" if s.vertex_ai else "Gemini API")
        return (
            f"{type(self).__name__}(backend={s.default_backend!r}, at={where!r}, "
            f"api_key={'***' if s.api_key else None}, project={s.project!r}, "
            f"location={s.location!r})"
        )

    @property
    def settings(self) -> Settings:
        """The resolved settings (secrets hidden in their repr)."""
        return self._settings

    # ------------------------------------------------------------------ routing (pure)

    def _backend(self, natural: Backend | None, auth: str | None, what: str = "") -> Backend:
        chosen = None if auth is None else check_backend(auth)
        if natural is None:
            return chosen or self._settings.default_backend
        if chosen is not None and chosen != natural:
            raise ValueError(
                f"{what!r} is served by the {natural} backend; auth={auth!r} cannot reach it"
            )
        return natural

    def _operation_target(
        self, operation: OperationRef, method: Method, auth: str | None, **query: Any
    ) -> Target:
        parsed = parse_name(name_of(operation))
        backend = self._backend(parsed.backend, auth, parsed.name)
        spec = operation_request(parsed, method, self._settings.version(backend), **query)
        job = parsed.family if parsed.family.is_job else None
        return Target(backend, spec, parsed.params.get("location"), parsed.name, job)

    def _poll_target(self, plan: WaitPlan, server_wait: float | None, auth: str | None) -> Target:
        if server_wait is None:
            return self._operation_target(plan.name, "get", auth)
        request_timeout = self._settings.timeout
        if request_timeout is not None:
            # Leave the server time to answer before the request itself times out.
            server_wait = min(server_wait, request_timeout * 0.8)
        return self._operation_target(plan.name, "wait", auth, timeout=_duration(server_wait))

    def _list_target(
        self,
        parent: str | None,
        auth: str | None,
        page_size: int | None,
        page_token: str | None,
        filter: str | None,
    ) -> Target:
        if page_size is not None:
            check_count("page_size", page_size, minimum=1)
        page_token = check_page_token(page_token)
        if filter is not None:
            check_text("filter", filter)
        if parent is None:
            backend = self._backend(None, auth)
            parsed = parse_parent(self._default_parent(backend))
        else:
            parsed = parse_parent(parent)
            backend = self._backend(parsed.backend, auth, parent)
        version = self._settings.version(backend)
        spec = list_request(
            parsed, version, page_size=page_size, page_token=page_token, filter_=filter
        )
        location, field = parsed.params.get("location"), list_field(parsed, version)
        return Target(backend, spec, location, parsed.name, parsed.family.job_family, field)

    def _fleet_list_target(self, page: ListPage, auth: str | None) -> Target:
        """The request for one list page of a fleet wait, asking for compact JSON.

        Such pages are long and read by this client alone: ``prettyPrint=false`` (a system
        parameter every Google API takes) leaves out the indentation, a third of their bytes.
        """
        target = self._list_target(page.parent, auth, page.page_size, page.page_token, page.filter)
        params = {**(target.spec.params or {}), "prettyPrint": "false"}
        return target._replace(spec=attrs.evolve(target.spec, params=params))

    def _default_parent(self, backend: Backend) -> str:
        s = self._settings
        if backend == "vertex_ai":
            if not s.project or not s.location:
                raise ValueError(
                    "list() without a parent lists the configured Vertex AI location: pass "
                    "project= and location= (or set GOOGLE_CLOUD_PROJECT and "
                    "GOOGLE_CLOUD_LOCATION), or pass a parent"
                )
            return f"projects/{s.project}/locations/{s.location}"
        version = s.version("gemini")
        served = list_versions(ParentFamily.OPERATIONS) or ()
        if version not in served:
            raise ValueError(
                f"the Gemini API {version} has no top-level operations list: pass a parent, "
                "e.g. 'batches', 'tunedModels/{model}' or 'models/{model}' "
                f"(api_version={served[0]!r} lists top-level operations)"
            )
        return "operations"

    def _wait_plan(
        self,
        operation: OperationRef,
        policy: PollPolicy,
        timeout: float | None,
        on_progress: ProgressCallback | None,
        auth: str | None,
        deadline: Deadline | None = None,
    ) -> WaitPlan:
        parsed = parse_name(name_of(operation))
        self._backend(parsed.backend, auth, parsed.name)
        if on_progress is not None and not callable(on_progress):
            raise ValueError("on_progress must be callable or None")
        return WaitPlan(
            name=parsed.name,
            policy=policy,
            deadline=Deadline.after(timeout) if deadline is None else deadline,
            timeout=timeout,
            long_poll=supports(parsed, "wait", self._settings.version(parsed.backend)),
            on_progress=on_progress,
        )

    def _fleet_plans(
        self,
        operations: Iterable[OperationRef],
        poll_interval: float,
        timeout: float | None,
        on_progress: ProgressCallback | None,
        auth: str | None,
    ) -> list[WaitPlan]:
        """The plans of one ``wait_many``: every name validated first, one shared deadline."""
        if isinstance(operations, str | Operation):
            raise TypeError("wait_many takes an iterable of operations, not a single one")
        policy = PollPolicy.fixed(poll_interval)
        deadline = Deadline.after(timeout)
        return [
            self._wait_plan(op, policy, timeout, on_progress, auth, deadline) for op in operations
        ]

    def _list_sources(self, plans: Sequence[WaitPlan], detect: Detect) -> list[ListSource | None]:
        """The list that shows each planned operation (none at all with ``detect="poll"``)."""
        if detect == "poll":
            return []
        sources: list[ListSource | None] = []
        for plan in plans:
            parsed = parse_name(plan.name)
            sources.append(list_source(parsed, self._settings.version(parsed.backend)))
        return sources

    def _url(self, target: Target) -> str:
        root = self._settings.root(target.backend, target.location)
        return f"{root}/{target.spec.version}{target.spec.path}"

    # ------------------------------------------------------------------ clients and auth

    def _client_options(self, backend: Backend) -> dict[str, Any]:
        s = self._settings
        return {
            "base_url": f"{s.root(backend)}/{s.version(backend)}",
            "auth": self._make_auth(backend),
            "timeout": s.timeout,
            "max_retries": s.max_retries,
            "http_client": self._http_client,
            "max_response_bytes": self._max_response_bytes,
        }

    def _make_auth(self, backend: Backend) -> httpx.Auth:
        from gemini_ops._http.auth import (
            CLOUD_PLATFORM_SCOPE,
            ApiKeyAuth,
            GoogleCredentialsAuth,
            default_credentials,
        )

        s = self._settings
        if backend == "gemini":
            if s.api_key:
                return ApiKeyAuth(s.api_key)
            if s.credentials is not None:
                return GoogleCredentialsAuth(s.credentials)
            raise CredentialsError(
                "no Gemini API key: set GOOGLE_API_KEY or GEMINI_API_KEY, or pass api_key= "
                "(--api-key on the command line)"
            )
        if s.vertex_api_key:
            return ApiKeyAuth(s.vertex_api_key)
        credentials = s.credentials
        if credentials is None:
            credentials, _project = default_credentials([CLOUD_PLATFORM_SCOPE])
        return GoogleCredentialsAuth(credentials)

    def _client_for(self, backend: Backend, build: Callable[..., ClientT]) -> ClientT:
        client = self._clients.get(backend)
        if client is not None:
            return client
        with self._lock:
            if self._closed:
                raise RuntimeError(f"this {type(self).__name__} is closed")
            client = self._clients.get(backend)
            if client is None:
                client = build(**self._client_options(backend))
                self._clients[backend] = client
        return client

    def _take_clients(self) -> list[ClientT]:
        with self._lock:
            self._closed = True
            clients = list(self._clients.values())
            self._clients.clear()
        return clients

    def _raw_backend(self, auth: str | None) -> Backend:
        return self._backend(None, auth)

    # ------------------------------------------------------------------ parsing (pure)

    @staticmethod
    def _parse_operation(target: Target, response: httpx.Response) -> Operation:
        # The answer must be the operation (or job) asked for (WrongOperationError otherwise).
        data = parse_json_object(response)
        if target.job is not None:
            return check_answer(target.name, Job.from_dict(data, target.job))
        return check_answer(target.name, Operation.from_dict(data))

    @staticmethod
    def _parse_page(target: Target, response: httpx.Response) -> OperationsPage:
        data = parse_json_object(response)
        if target.job is not None:
            return jobs_page(data, target.job, target.list_field)
        return OperationsPage.from_dict(data)

    @staticmethod
    def _check_empty(response: httpx.Response, target: Target) -> None:
        # Cancel and delete answer {}; any other JSON object is accepted as well, unless it
        # names another operation. Deleting a Vertex AI job answers the operation that deletes
        # it, which has a name of its own.
        if response.content.strip():
            answer = parse_json_object(response)
            if target.job is None:
                check_empty_answer(target.name, answer)
