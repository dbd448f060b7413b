from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.generic_operation_metadata import GenericOperationMetadata


T = TypeVar("T", bound="VertexOperationMetadata")


@_attrs_define
class VertexOperationMetadata:
    """The common shape of Vertex AI operation metadata types (DeleteOperationMetadata, DeployModelOperationMetadata, ...):
    `genericMetadata` plus type-specific fields.

        Attributes:
            generic_metadata (GenericOperationMetadata | Unset): Vertex AI generic operation metadata, usually found in a
                `genericMetadata` field.
            progress_percentage (int | Unset):
    """

    generic_metadata: GenericOperationMetadata | Unset = UNSET
    progress_percentage: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generic_metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.generic_metadata, Unset):
            generic_metadata = self.generic_metadata.to_dict()

        progress_percentage = self.progress_percentage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if generic_metadata is not UNSET:
            field_dict["genericMetadata"] = generic_metadata
        if progress_percentage is not UNSET:
            field_dict["progressPercentage"] = progress_percentage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.generic_operation_metadata import GenericOperationMetadata  # noqa: PLC0415

        d = dict(src_dict)
        _generic_metadata = d.pop("genericMetadata", UNSET)
        generic_metadata: GenericOperationMetadata | Unset
        if isinstance(_generic_metadata, Unset):
            generic_metadata = UNSET
        else:
            generic_metadata = GenericOperationMetadata.from_dict(_generic_metadata)

        progress_percentage = d.pop("progressPercentage", UNSET)

        vertex_operation_metadata = cls(
            generic_metadata=generic_metadata,
            progress_percentage=progress_percentage,
        )

        vertex_operation_metadata.additional_properties = d
        return vertex_operation_metadata

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
