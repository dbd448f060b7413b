from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_stats import BatchStats
    from ..models.embed_content_batch_output import EmbedContentBatchOutput


T = TypeVar("T", bound="EmbedContentBatch")


@_attrs_define
class EmbedContentBatch:
    """Metadata of an embedding batch operation.

    Attributes:
        name (str | Unset):
        model (str | Unset):
        display_name (str | Unset):
        state (str | Unset): BATCH_STATE_UNSPECIFIED, BATCH_STATE_PENDING, BATCH_STATE_RUNNING, BATCH_STATE_SUCCEEDED,
            BATCH_STATE_FAILED, BATCH_STATE_CANCELLED or BATCH_STATE_EXPIRED.
        create_time (str | Unset): RFC 3339 timestamp.
        update_time (str | Unset): RFC 3339 timestamp.
        end_time (str | Unset): RFC 3339 timestamp.
        priority (str | Unset): int64 as a string.
        batch_stats (BatchStats | Unset): Request counters of a batch, int64 values as strings.
        output (EmbedContentBatchOutput | Unset): The output of an embedding batch.
    """

    name: str | Unset = UNSET
    model: str | Unset = UNSET
    display_name: str | Unset = UNSET
    state: str | Unset = UNSET
    create_time: str | Unset = UNSET
    update_time: str | Unset = UNSET
    end_time: str | Unset = UNSET
    priority: str | Unset = UNSET
    batch_stats: BatchStats | Unset = UNSET
    output: EmbedContentBatchOutput | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        model = self.model

        display_name = self.display_name

        state = self.state

        create_time = self.create_time

        update_time = self.update_time

        end_time = self.end_time

        priority = self.priority

        batch_stats: dict[str, Any] | Unset = UNSET
        if not isinstance(self.batch_stats, Unset):
            batch_stats = self.batch_stats.to_dict()

        output: dict[str, Any] | Unset = UNSET
        if not isinstance(self.output, Unset):
            output = self.output.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if model is not UNSET:
            field_dict["model"] = model
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if state is not UNSET:
            field_dict["state"] = state
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if update_time is not UNSET:
            field_dict["updateTime"] = update_time
        if end_time is not UNSET:
            field_dict["endTime"] = end_time
        if priority is not UNSET:
            field_dict["priority"] = priority
        if batch_stats is not UNSET:
            field_dict["batchStats"] = batch_stats
        if output is not UNSET:
            field_dict["output"] = output

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_stats import BatchStats  # noqa: PLC0415
        from ..models.embed_content_batch_output import EmbedContentBatchOutput  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        model = d.pop("model", UNSET)

        display_name = d.pop("displayName", UNSET)

        state = d.pop("state", UNSET)

        create_time = d.pop("createTime", UNSET)

        update_time = d.pop("updateTime", UNSET)

        end_time = d.pop("endTime", UNSET)

        priority = d.pop("priority", UNSET)

        _batch_stats = d.pop("batchStats", UNSET)
        batch_stats: BatchStats | Unset
        if isinstance(_batch_stats, Unset):
            batch_stats = UNSET
        else:
            batch_stats = BatchStats.from_dict(_batch_stats)

        _output = d.pop("output", UNSET)
        output: EmbedContentBatchOutput | Unset
        if isinstance(_output, Unset):
            output = UNSET
        else:
            output = EmbedContentBatchOutput.from_dict(_output)

        embed_content_batch = cls(
            name=name,
            model=model,
            display_name=display_name,
            state=state,
            create_time=create_time,
            update_time=update_time,
            end_time=end_time,
            priority=priority,
            batch_stats=batch_stats,
            output=output,
        )

        embed_content_batch.additional_properties = d
        return embed_content_batch

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
