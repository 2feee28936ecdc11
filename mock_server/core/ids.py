"""Id generation: random by default, reproducible under ``--seed``."""

from __future__ import annotations

import random
import threading

# RFC 4122 version 4: the variant bits (10) and the version nibble (4), as uuid.UUID(version=4) sets them.
_UUID4_KEEP = ~((0xc000 << 48) | (0xf000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


class IdGenerator:
    """Hex object ids and UUID v4s from one random source (seeded for reproducible runs)."""

    def __init__(self, seed: int | str | None = None) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        # Unseeded generators start from os.urandom but keep a state, so a tenant reset can rewind them.
        self._rng = random.Random(seed)

    def derive(self, name: str) -> IdGenerator:
        """Return an independent generator for ``name`` (seeded from this one's seed when seeded)."""
        if self._seed is None:
            return IdGenerator(None)
        return IdGenerator(f"{self._seed}:{name}")

    def hex(self, length: int = 24) -> str:
        """Return ``length`` lowercase hex characters (Omnisend object ids are 24)."""
        with self._lock:
            return f"{self._rng.getrandbits(length * 4):0{length}x}"

    def uuid4(self) -> str:
        """Return a UUID version 4 string."""
        with self._lock:
            bits = self._rng.getrandbits(128)
        # What str(uuid.UUID(int=bits, version=4)) gives, without building the object (one per request).
        text = "%032x" % (bits & _UUID4_KEEP | _UUID4_SET)
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def token_bytes(self, size: int = 32) -> bytes:
        """Return ``size`` random bytes (used for HMAC secrets)."""
        with self._lock:
            return bytes(self._rng.getrandbits(8) for _ in range(size))

    def getstate(self) -> object:
        """Return the generator's state, for snapshots."""
        with self._lock:
            return self._rng.getstate()

    def setstate(self, state: object) -> None:
        """Restore a state returned by :meth:`getstate`."""
        with self._lock:
            self._rng.setstate(state)  # type: ignore[arg-type]
