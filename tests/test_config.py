"""gan_lessons.config: the Config mixin every model family's frozen dataclass shares."""
from dataclasses import FrozenInstanceError, dataclass

import pytest

from gan_lessons.config import Config, require_choice, require_positive


@dataclass(frozen=True)
class Toy(Config):
    kind: str = "a"
    width: int = 2

    def __post_init__(self):
        require_choice(self, "kind", ("a", "b"))
        require_positive(self, "width")


def test_but_copies_validates_again_and_names_unknown_fields():
    toy = Toy()
    assert toy.but(width=3) == Toy(width=3) and toy.width == 2
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['depth'\]: choose from \['kind', 'width'\]"):
        toy.but(depth=1)
    with pytest.raises(ValueError, match="width=0 must be positive"):
        toy.but(width=0)
    with pytest.raises(ValueError, match="kind='c' is unknown: use one of 'a', 'b'"):
        toy.but(kind="c")
    with pytest.raises(FrozenInstanceError):
        toy.width = 5
