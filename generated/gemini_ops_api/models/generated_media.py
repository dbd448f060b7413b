from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.generated_media_video import GeneratedMediaVideo


T = TypeVar("T", bound="GeneratedMedia")


@_attrs_define
class GeneratedMedia:
    """One generated sample.

    Attributes:
        video (GeneratedMediaVideo | Unset):
    """

    video: GeneratedMediaVideo | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        video: dict[str, Any] | Unset = UNSET
        if not isinstance(self.video, Unset):
            video = self.video.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if video is not UNSET:
            field_dict["video"] = video

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.generated_media_video import GeneratedMediaVideo  # noqa: PLC0415

        d = dict(src_dict)
        _video = d.pop("video", UNSET)
        video: GeneratedMediaVideo | Unset
        if isinstance(_video, Unset):
            video = UNSET
        else:
            video = GeneratedMediaVideo.from_dict(_video)

        generated_media = cls(
            video=video,
        )

        generated_media.additional_properties = d
        return generated_media

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
