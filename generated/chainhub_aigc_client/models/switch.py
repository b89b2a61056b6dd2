from enum import StrEnum


class Switch(StrEnum):
    DISABLED = "Disabled"
    ENABLED = "Enabled"

    def __str__(self) -> str:
        return str(self.value)
