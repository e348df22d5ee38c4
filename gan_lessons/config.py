"""The one way a model family is configured: a frozen dataclass (`DigitConfig`, `ToyConfig`, `VAEConfig`,
`CompletionConfig`) that validates its fields when built and makes changed copies with `.but(...)`.

Frozen, so a config handed to a model cannot change under it; a copy with other fields is a new config,
validated again (nanoGPT's GPTConfig is the model of this idiom).
"""
from dataclasses import fields, replace


class Config:
    """Mixin for a frozen dataclass: `.but(**changes)`; subclasses validate in `__post_init__`."""

    def but(self, **changes):
        """A copy with some fields changed: `DCGAN.but(d_width=32)`; an unknown name fails with the list."""
        names = [f.name for f in fields(self)]
        unknown = set(changes) - set(names)
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}: choose from {names}.")
        return replace(self, **changes)


def require_positive(config, *names) -> None:
    """Raise, naming the field, unless each of `names` is > 0."""
    for name in names:
        if not getattr(config, name) > 0:
            raise ValueError(f"{name}={getattr(config, name)!r} must be positive.")


def require_choice(config, name, choices) -> None:
    """Raise, listing the choices, unless the field `name` is one of them."""
    if getattr(config, name) not in choices:
        raise ValueError(f"{name}={getattr(config, name)!r} is unknown: use one of {', '.join(map(repr, choices))}.")
