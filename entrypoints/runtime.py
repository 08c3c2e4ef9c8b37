"""Settings with concrete service URLs, resolved once per `shopflow` command."""

from __future__ import annotations

from settings import Settings, require_complete


def resolved_settings() -> Settings:
    """The environment's settings (and `.env`), made concrete for a connecting command."""
    return running_settings(Settings.from_env())


def running_settings(settings: Settings) -> Settings:
    """Settings with concrete service URLs: external ones as given, else the embedded stack's.

    Production needs them all set; dev takes all or none (`require_complete`): a command
    started with a partial set would otherwise fill the rest in with embedded addresses
    and could join another store's servers. Computes where the embedded servers listen
    without starting or probing them (`shopflow stack up` / `shopflow run` start them).
    """
    require_complete(settings)
    if all(
        (
            settings.database_url,
            settings.redis_url,
            settings.typesense_urls,
            settings.temporal_address,
        )
    ):
        return settings
    from stack import EmbeddedStack
    from stack.secrets import with_generated_secrets

    # The embedded stack's processes share the keys `shopflow run` generated under var/.
    settings = with_generated_secrets(settings)
    return EmbeddedStack(settings).endpoints().as_settings(settings)
