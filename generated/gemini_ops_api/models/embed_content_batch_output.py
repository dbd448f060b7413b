from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.embed_content_batch_output_inlined_responses import EmbedContentBatchOutputInlinedResponses


T = TypeVar("T", bound="EmbedContentBatchOutput")


@_attrs_define
class EmbedContentBatchOutput:
    """The output of an embedding batch.

    Attributes:
        responses_file (str | Unset): The file holding the responses.
        inlined_responses (EmbedContentBatchOutputInlinedResponses | Unset): Inlined responses.
    """

    responses_file: str | Unset = UNSET
    inlined_responses: EmbedContentBatchOutputInlinedResponses | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        responses_file = self.responses_file

        inlined_responses: dict[str, Any] | Unset = UNSET
        if not isinstance(self.inlined_responses, Unset):
            inlined_responses = self.inlined_responses.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if responses_file is not UNSET:
            field_dict["responsesFile"] = responses_file
        if inlined_responses is not UNSET:
            field_dict["inlinedResponses"] = inlined_responses

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.embed_content_batch_output_inlined_responses import EmbedContentBatchOutputInlinedResponses  # noqa: PLC0415

        d = dict(src_dict)
        responses_file = d.pop("responsesFile", UNSET)

        _inlined_responses = d.pop("inlinedResponses", UNSET)
        inlined_responses: EmbedContentBatchOutputInlinedResponses | Unset
        if isinstance(_inlined_responses, Unset):
            inlined_responses = UNSET
        else:
            inlined_responses = EmbedContentBatchOutputInlinedResponses.from_dict(_inlined_responses)

        embed_content_batch_output = cls(
            responses_file=responses_file,
            inlined_responses=inlined_responses,
        )

        embed_content_batch_output.additional_properties = d
        return embed_content_batch_output

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
