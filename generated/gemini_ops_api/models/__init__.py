"""Contains all the data models used in inputs/outputs"""

from .any_message import AnyMessage
from .batch_stats import BatchStats
from .create_tuned_model_metadata import CreateTunedModelMetadata
from .embed_content_batch import EmbedContentBatch
from .embed_content_batch_output import EmbedContentBatchOutput
from .embed_content_batch_output_inlined_responses import EmbedContentBatchOutputInlinedResponses
from .empty import Empty
from .error_body import ErrorBody
from .error_body_errors_item import ErrorBodyErrorsItem
from .error_response import ErrorResponse
from .fetch_predict_operation_request import FetchPredictOperationRequest
from .generate_content_batch import GenerateContentBatch
from .generate_content_batch_output import GenerateContentBatchOutput
from .generate_content_batch_output_inlined_responses import GenerateContentBatchOutputInlinedResponses
from .generate_video_response import GenerateVideoResponse
from .generate_video_response_videos_item import GenerateVideoResponseVideosItem
from .generated_media import GeneratedMedia
from .generated_media_video import GeneratedMediaVideo
from .generic_operation_metadata import GenericOperationMetadata
from .import_file_response import ImportFileResponse
from .list_batch_prediction_jobs_response import ListBatchPredictionJobsResponse
from .list_custom_jobs_response import ListCustomJobsResponse
from .list_hyperparameter_tuning_jobs_response import ListHyperparameterTuningJobsResponse
from .list_operations_response import ListOperationsResponse
from .list_pipeline_jobs_response import ListPipelineJobsResponse
from .list_tuned_models_response import ListTunedModelsResponse
from .list_tuning_jobs_response import ListTuningJobsResponse
from .operation import Operation
from .predict_long_running_generated_video_response import PredictLongRunningGeneratedVideoResponse
from .predict_long_running_metadata import PredictLongRunningMetadata
from .predict_long_running_response import PredictLongRunningResponse
from .retry_info import RetryInfo
from .status import Status
from .tuned_model import TunedModel
from .tuned_model_tuning_task import TunedModelTuningTask
from .tuning_snapshot import TuningSnapshot
from .upload_to_file_search_store_response import UploadToFileSearchStoreResponse
from .vertex_job import VertexJob
from .vertex_job_completion_stats import VertexJobCompletionStats
from .vertex_operation_metadata import VertexOperationMetadata

__all__ = (
    "AnyMessage",
    "BatchStats",
    "CreateTunedModelMetadata",
    "EmbedContentBatch",
    "EmbedContentBatchOutput",
    "EmbedContentBatchOutputInlinedResponses",
    "Empty",
    "ErrorBody",
    "ErrorBodyErrorsItem",
    "ErrorResponse",
    "FetchPredictOperationRequest",
    "GenerateContentBatch",
    "GenerateContentBatchOutput",
    "GenerateContentBatchOutputInlinedResponses",
    "GeneratedMedia",
    "GeneratedMediaVideo",
    "GenerateVideoResponse",
    "GenerateVideoResponseVideosItem",
    "GenericOperationMetadata",
    "ImportFileResponse",
    "ListBatchPredictionJobsResponse",
    "ListCustomJobsResponse",
    "ListHyperparameterTuningJobsResponse",
    "ListOperationsResponse",
    "ListPipelineJobsResponse",
    "ListTunedModelsResponse",
    "ListTuningJobsResponse",
    "Operation",
    "PredictLongRunningGeneratedVideoResponse",
    "PredictLongRunningMetadata",
    "PredictLongRunningResponse",
    "RetryInfo",
    "Status",
    "TunedModel",
    "TunedModelTuningTask",
    "TuningSnapshot",
    "UploadToFileSearchStoreResponse",
    "VertexJob",
    "VertexJobCompletionStats",
    "VertexOperationMetadata",
)
