"""Typed views of what a finished operation produced: videos, batch output, tuned models, documents.

Pure functions over the JSON an `Operation` holds. Each reads the Gemini API and the Vertex AI
shape of the same result, checks the types of exactly the fields it returns, and ignores the rest,
so a field Google adds later never breaks them. A field of the wrong type raises
`InvalidResponseError`; a field that is absent gives None or an empty tuple.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

import attrs

from gemini_ops._core.errors import InvalidResponseError

__all__ = ["BatchOutput", "Video", "batch_output_of", "document_of", "videos_of"]


@attrs.frozen
class Video:
    """One generated video: a URI to fetch it from, or its bytes inline, and its media type.

    On the Gemini API ``uri`` is a Files API download URI; on Vertex AI a ``gs://`` URI. Exactly
    one of ``uri`` and ``data`` is usually set.
    """

    uri: str | None
    data: bytes | None = attrs.field(
        default=None, repr=lambda d: f"<{len(d)} bytes>" if d else "None"
    )
    mime_type: str | None = None


@attrs.frozen
class BatchOutput:
    """Where a finished Gemini batch put its answers.

    ``responses_file`` is the Files API name (``files/...``) of the JSONL file of responses, for a
    batch sent as a file; ``inlined_responses`` holds the answers of a batch sent inline, each as
    received (``{"response": {...}}`` or ``{"error": {...}}``, with ``metadata`` when given).
    """

    responses_file: str | None
    inlined_responses: tuple[Mapping[str, Any], ...] = ()


_INLINE_KEYS = ("inlinedResponses", "inlinedEmbedContentResponses")
_OUTPUT_KEYS = frozenset({"responsesFile", *_INLINE_KEYS})


def _invalid(what: str) -> InvalidResponseError:
    return InvalidResponseError(f"invalid operation result: {what}", http_status=200)


def _mapping(value: object, what: str) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _invalid(f"{what} must be an object")
    return value


def _objects(value: object, what: str) -> tuple[Mapping[str, Any], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise _invalid(f"{what} must be a list of objects")
    return tuple(value)


def _string(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _invalid(f"{what} must be a string")


def _bytes(value: object, what: str) -> bytes | None:
    text = _string(value, what)
    if text is None:
        return None
    try:
        altchars = b"-_" if "-" in text or "_" in text else None
        return base64.b64decode(text, altchars=altchars, validate=True)
    except (binascii.Error, ValueError) as error:
        raise _invalid(f"{what} is not base64") from error


def videos_of(response: Mapping[str, Any] | None) -> tuple[Video, ...]:
    """The videos of a Veo response, in order, from either API's shape.

    Gemini API: ``generateVideoResponse.generatedSamples[].video`` with ``uri``, ``encodedVideo``
    and ``encoding``. Vertex AI: ``videos[]`` with ``gcsUri``, ``bytesBase64Encoded`` and
    ``mimeType``. A response with neither gives an empty tuple.
    """
    if response is None:
        return ()
    gemini = _mapping(response.get("generateVideoResponse"), "generateVideoResponse")
    if gemini is not None:
        videos = []
        for sample in _objects(gemini.get("generatedSamples"), "generatedSamples"):
            video = _mapping(sample.get("video"), "generatedSamples[].video")
            if video is None:
                continue
            videos.append(
                Video(
                    uri=_string(video.get("uri"), "video.uri"),
                    data=_bytes(video.get("encodedVideo"), "video.encodedVideo"),
                    mime_type=_string(video.get("encoding"), "video.encoding"),
                )
            )
        return tuple(videos)
    return tuple(
        Video(
            uri=_string(video.get("gcsUri"), "videos[].gcsUri"),
            data=_bytes(video.get("bytesBase64Encoded"), "videos[].bytesBase64Encoded"),
            mime_type=_string(video.get("mimeType"), "videos[].mimeType"),
        )
        for video in _objects(response.get("videos"), "videos")
    )


def batch_output_of(
    response: Mapping[str, Any] | None, metadata: Mapping[str, Any] | None
) -> BatchOutput | None:
    """The output of a Gemini batch, or None when neither the response nor the metadata has one.

    The response of a finished batch is the batch itself (``GenerateContentBatch`` or
    ``EmbedContentBatch``, whose ``output`` holds the answers) or, in some revisions, the output
    message directly (``GenerateContentBatchOutput``); the metadata carries the same ``output``.
    Inline answers are under ``inlinedResponses.inlinedResponses`` (or
    ``inlinedEmbedContentResponses.inlinedResponses`` for embeddings).
    """
    for source, what in ((response, "response"), (metadata, "metadata")):
        if source is None:
            continue
        output = _mapping(source.get("output"), f"{what}.output")
        if output is None and not _OUTPUT_KEYS.isdisjoint(source):
            output = source
        if output is None:
            continue
        inlined: tuple[Mapping[str, Any], ...] = ()
        for key in _INLINE_KEYS:
            container = _mapping(output.get(key), f"output.{key}")
            if container is not None:
                inlined += _objects(container.get("inlinedResponses"), f"output.{key}")
        return BatchOutput(
            responses_file=_string(output.get("responsesFile"), "output.responsesFile"),
            inlined_responses=inlined,
        )
    return None


def document_of(response: Mapping[str, Any] | None) -> str | None:
    """The document a file-search import or upload created (``fileSearchStores/s/documents/d``)."""
    if response is None:
        return None
    return _string(response.get("documentName"), "documentName")
