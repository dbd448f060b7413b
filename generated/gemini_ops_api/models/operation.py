from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.any_message import AnyMessage
    from ..models.status import Status


T = TypeVar("T", bound="Operation")


@_attrs_define
class Operation:
    """A long-running operation (google.longrunning.Operation). Once `done` is true, exactly one of `error` and `response`
    is set; while running, neither is.

        Attributes:
            name (str): The full operation name, e.g. `models/veo-3.0-generate-001/operations/abc`.
            metadata (AnyMessage | Unset): A google.protobuf.Any in JSON form, the embedded message's fields plus `@type`.
                The package part of `@type` varies; match on the name after the last dot.
            done (bool | Unset): Omitted while false.
            error (Status | Unset): A google.rpc.Status, as found in `Operation.error` and in `partialFailures`.
            response (AnyMessage | Unset): A google.protobuf.Any in JSON form, the embedded message's fields plus `@type`.
                The package part of `@type` varies; match on the name after the last dot.
    """

    name: str
    metadata: AnyMessage | Unset = UNSET
    done: bool | Unset = UNSET
    error: Status | Unset = UNSET
    response: AnyMessage | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        done = self.done

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        response: dict[str, Any] | Unset = UNSET
        if not isinstance(self.response, Unset):
            response = self.response.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if done is not UNSET:
            field_dict["done"] = done
        if error is not UNSET:
            field_dict["error"] = error
        if response is not UNSET:
            field_dict["response"] = response

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.any_message import AnyMessage  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        _metadata = d.pop("metadata", UNSET)
        metadata: AnyMessage | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = AnyMessage.from_dict(_metadata)

        done = d.pop("done", UNSET)

        _error = d.pop("error", UNSET)
        error: Status | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = Status.from_dict(_error)

        _response = d.pop("response", UNSET)
        response: AnyMessage | Unset
        if isinstance(_response, Unset):
            response = UNSET
        else:
            response = AnyMessage.from_dict(_response)

        operation = cls(
            name=name,
            metadata=metadata,
            done=done,
            error=error,
            response=response,
        )

        operation.additional_properties = d
        return operation

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
