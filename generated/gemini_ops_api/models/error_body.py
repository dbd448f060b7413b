from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.any_message import AnyMessage
    from ..models.error_body_errors_item import ErrorBodyErrorsItem


T = TypeVar("T", bound="ErrorBody")


@_attrs_define
class ErrorBody:
    """The body of the error envelope.

    Attributes:
        code (int): The HTTP status code.
        message (str):
        status (str): The canonical status name (NOT_FOUND, RESOURCE_EXHAUSTED, ...).
        details (list[AnyMessage] | Unset): `google.rpc` detail messages: ErrorInfo, RetryInfo (`retryDelay`),
            QuotaFailure, BadRequest, Help, ...
        errors (list[ErrorBodyErrorsItem] | Unset): Legacy v1 error format (`$.xgafv=1`).
    """

    code: int
    message: str
    status: str
    details: list[AnyMessage] | Unset = UNSET
    errors: list[ErrorBodyErrorsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        status = self.status

        details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = []
            for details_item_data in self.details:
                details_item = details_item_data.to_dict()
                details.append(details_item)

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
                "status": status,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.any_message import AnyMessage  # noqa: PLC0415
        from ..models.error_body_errors_item import ErrorBodyErrorsItem  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        status = d.pop("status")

        _details = d.pop("details", UNSET)
        details: list[AnyMessage] | Unset = UNSET
        if _details is not UNSET:
            details = []
            for details_item_data in _details:
                details_item = AnyMessage.from_dict(details_item_data)

                details.append(details_item)

        _errors = d.pop("errors", UNSET)
        errors: list[ErrorBodyErrorsItem] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ErrorBodyErrorsItem.from_dict(errors_item_data)

                errors.append(errors_item)

        error_body = cls(
            code=code,
            message=message,
            status=status,
            details=details,
            errors=errors,
        )

        error_body.additional_properties = d
        return error_body

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
