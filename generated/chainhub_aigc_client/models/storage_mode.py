from enum import StrEnum


class StorageMode(StrEnum):
    PERMANENT = "Permanent"
    TEMPORARY = "Temporary"

    def __str__(self) -> str:
        return str(self.value)
