"""Settings with concrete service URLs, resolved once per `shopflow` command."""

from __future__ import annotations

from settings import Settings


def running_settings(settings: Settings) -> Settings:
    """Settings with concrete service URLs: external ones as given, else the embedded stack's.

    Computes where the embedded servers listen without starting or probing them
    (`shopflow stack up` / `shopflow run` start them).
    """
    if all(
        (
            settings.database_url,
            settings.redis_url,
            settings.typesense_url,
            settings.temporal_address,
        )
    ):
        return settings
    from stack import EmbeddedStack
    from stack.secrets import with_generated_secrets

    # The embedded stack's processes share the keys `shopflow run` generated under var/.
    settings = with_generated_secrets(settings)
    return EmbeddedStack(settings).endpoints().as_settings(settings)
