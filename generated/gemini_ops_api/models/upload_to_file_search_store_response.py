from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UploadToFileSearchStoreResponse")


@_attrs_define
class UploadToFileSearchStoreResponse:
    """The response of an upload to a file search store.

    Attributes:
        parent (str | Unset):
        document_name (str | Unset):
        mime_type (str | Unset):
        size_bytes (str | Unset): int64 as a string.
    """

    parent: str | Unset = UNSET
    document_name: str | Unset = UNSET
    mime_type: str | Unset = UNSET
    size_bytes: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        parent = self.parent

        document_name = self.document_name

        mime_type = self.mime_type

        size_bytes = self.size_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if parent is not UNSET:
            field_dict["parent"] = parent
        if document_name is not UNSET:
            field_dict["documentName"] = document_name
        if mime_type is not UNSET:
            field_dict["mimeType"] = mime_type
        if size_bytes is not UNSET:
            field_dict["sizeBytes"] = size_bytes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        parent = d.pop("parent", UNSET)

        document_name = d.pop("documentName", UNSET)

        mime_type = d.pop("mimeType", UNSET)

        size_bytes = d.pop("sizeBytes", UNSET)

        upload_to_file_search_store_response = cls(
            parent=parent,
            document_name=document_name,
            mime_type=mime_type,
            size_bytes=size_bytes,
        )

        upload_to_file_search_store_response.additional_properties = d
        return upload_to_file_search_store_response

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
