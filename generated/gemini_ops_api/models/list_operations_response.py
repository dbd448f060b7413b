from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.operation import Operation


T = TypeVar("T", bound="ListOperationsResponse")


@_attrs_define
class ListOperationsResponse:
    """One page of operations (google.longrunning.ListOperationsResponse).

    Attributes:
        operations (list[Operation] | Unset): Omitted when empty.
        next_page_token (str | Unset): Absent or empty on the last page.
        unreachable (list[str] | Unset): Resources that could not be reached when `returnPartialSuccess` is set.
    """

    operations: list[Operation] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    unreachable: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        operations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.operations, Unset):
            operations = []
            for operations_item_data in self.operations:
                operations_item = operations_item_data.to_dict()
                operations.append(operations_item)

        next_page_token = self.next_page_token

        unreachable: list[str] | Unset = UNSET
        if not isinstance(self.unreachable, Unset):
            unreachable = self.unreachable

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if operations is not UNSET:
            field_dict["operations"] = operations
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token
        if unreachable is not UNSET:
            field_dict["unreachable"] = unreachable

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.operation import Operation  # noqa: PLC0415

        d = dict(src_dict)
        _operations = d.pop("operations", UNSET)
        operations: list[Operation] | Unset = UNSET
        if _operations is not UNSET:
            operations = []
            for operations_item_data in _operations:
                operations_item = Operation.from_dict(operations_item_data)

                operations.append(operations_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        unreachable = cast(list[str], d.pop("unreachable", UNSET))

        list_operations_response = cls(
            operations=operations,
            next_page_token=next_page_token,
            unreachable=unreachable,
        )

        list_operations_response.additional_properties = d
        return list_operations_response

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
