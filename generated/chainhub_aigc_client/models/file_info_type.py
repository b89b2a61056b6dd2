from enum import StrEnum


class FileInfoType(StrEnum):
    BASE64 = "Base64"
    FILE = "File"
    URL = "Url"

    def __str__(self) -> str:
        return str(self.value)
