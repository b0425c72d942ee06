"""Fake Amazon ECS endpoint (awsJson1_1, ``X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>``).

The fake Config's request pipeline verbatim (``fake_config.ConfigService`` over
``aws_endpoint.RecordedService``): every call is recorded, its protocol, SigV4 (signing name
``ecs``; the base credentials or unexpired ones issued by the fake STS, so organization rules sign
with the member account's role) and body (botocore's ECS model, plus the limits of
``ecs_ops``) are checked, a queued fault for the operation (else for ``"*"``) replaces or delays
the answer, then the operation of ``ecs_ops.OPERATIONS`` runs on ``ecs_ops.EcsData``.
"""

from . import ecs_ops
from .aws_endpoint import RecordedService
from .fake_config import ConfigHandler, ConfigService


class EcsService(ConfigService):
    """HTTP-agnostic core of the fake ECS endpoint; thread-safe."""

    CALL_EVENT = "ecs-call"
    REPLY_EVENT = "ecs-reply"
    OPERATIONS = ecs_ops.OPERATIONS
    CONTEXT = ecs_ops.EcsOperationContext
    SERVICE_LABEL = "ECS"
    LOG_NAME = "ecs"

    def clear(self):
        """Forget recorded calls (the ECS state is kept; ``EcsData.reset`` restores it)."""
        RecordedService.clear(self)


class EcsHandler(ConfigHandler):
    """HTTP adapter: reads the request, delegates to ``server.ecs_service``, writes the reply."""

    SERVICE_ATTRIBUTE = "ecs_service"
