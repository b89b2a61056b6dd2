from enum import StrEnum


class PersonGeneration(StrEnum):
    ALLOW_ADULT = "AllowAdult"
    DISALLOWED = "Disallowed"

    def __str__(self) -> str:
        return str(self.value)
