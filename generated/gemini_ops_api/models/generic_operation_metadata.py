from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.status import Status


T = TypeVar("T", bound="GenericOperationMetadata")


@_attrs_define
class GenericOperationMetadata:
    """Vertex AI generic operation metadata, usually found in a `genericMetadata` field.

    Attributes:
        create_time (str | Unset): RFC 3339 timestamp.
        update_time (str | Unset): RFC 3339 timestamp.
        partial_failures (list[Status] | Unset):
    """

    create_time: str | Unset = UNSET
    update_time: str | Unset = UNSET
    partial_failures: list[Status] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        create_time = self.create_time

        update_time = self.update_time

        partial_failures: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.partial_failures, Unset):
            partial_failures = []
            for partial_failures_item_data in self.partial_failures:
                partial_failures_item = partial_failures_item_data.to_dict()
                partial_failures.append(partial_failures_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if update_time is not UNSET:
            field_dict["updateTime"] = update_time
        if partial_failures is not UNSET:
            field_dict["partialFailures"] = partial_failures

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.status import Status  # noqa: PLC0415

        d = dict(src_dict)
        create_time = d.pop("createTime", UNSET)

        update_time = d.pop("updateTime", UNSET)

        _partial_failures = d.pop("partialFailures", UNSET)
        partial_failures: list[Status] | Unset = UNSET
        if _partial_failures is not UNSET:
            partial_failures = []
            for partial_failures_item_data in _partial_failures:
                partial_failures_item = Status.from_dict(partial_failures_item_data)

                partial_failures.append(partial_failures_item)

        generic_operation_metadata = cls(
            create_time=create_time,
            update_time=update_time,
            partial_failures=partial_failures,
        )

        generic_operation_metadata.additional_properties = d
        return generic_operation_metadata

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
