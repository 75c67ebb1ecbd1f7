# SPDX-License-Identifier: Apache-2.0
"""An independent SMP (MCUmgr) wire oracle.

Everything here is written from the team's SMP protocol reference (smp_protocol.md, kept with the
specifications outside this repository) and uses none of the project's C code: requests are built with cbor2 (or by hand,
byte by byte, when a test needs a malformed one), responses are decoded twice (by cbor2 and by the
strict decoder below) and checked against strict schemas, MCUboot images are assembled from the
header/TLV layout, and the simulated device is driven as a black box over UDP.

Sections:
  * protocol constants and the v1 translation tables of group errors
  * the 8-byte SMP header
  * CBOR: request encoders (canonical like smpclient, struct order like the Go CLI, indefinite),
    a raw head encoder for hostile input, a strict decoder, a Zephyr-style response encoder
  * request builders for the OS and image groups
  * the UDP session
  * response validators
  * the MCUboot image builder and the flash-file layout
  * configuration (generated config.h) and the device process
"""

from __future__ import annotations

import hashlib
import os
import re
import select
import signal
import socket
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import cbor2

# ------------------------------------------------------------------------------------------------
# Protocol constants (reference §1-§4)
# ------------------------------------------------------------------------------------------------

OP_READ, OP_READ_RSP, OP_WRITE, OP_WRITE_RSP = 0, 1, 2, 3
V1, V2 = 0, 1  # header version field values ("SMP version 1" / "SMP version 2")

GRP_OS, GRP_IMG = 0, 1

OS_ECHO, OS_RESET, OS_PARAMS, OS_INFO, OS_BOOTLOADER_INFO = 0, 5, 6, 7, 8
IMG_STATE, IMG_UPLOAD, IMG_ERASE, IMG_SLOT_INFO = 0, 1, 5, 6

# enum mcumgr_err_t
MGMT_ERR_EOK = 0
MGMT_ERR_EUNKNOWN = 1
MGMT_ERR_ENOMEM = 2
MGMT_ERR_EINVAL = 3
MGMT_ERR_ETIMEOUT = 4
MGMT_ERR_ENOENT = 5
MGMT_ERR_EBADSTATE = 6
MGMT_ERR_EMSGSIZE = 7
MGMT_ERR_ENOTSUP = 8
MGMT_ERR_ECORRUPT = 9
MGMT_ERR_EBUSY = 10
MGMT_ERR_EACCESSDENIED = 11
MGMT_ERR_UNSUPPORTED_TOO_OLD = 12
MGMT_ERR_UNSUPPORTED_TOO_NEW = 13

# Image group errors (IMG_MGMT_ERR_*), reference §2.4
IMG_ERR_UNKNOWN = 1
IMG_ERR_NO_IMAGE = 3
IMG_ERR_HASH_NOT_FOUND = 8
IMG_ERR_NO_FREE_SLOT = 9
IMG_ERR_INVALID_SLOT = 14
IMG_ERR_INVALID_OFFSET = 20
IMG_ERR_INVALID_LENGTH = 21
IMG_ERR_INVALID_IMAGE_HEADER = 22
IMG_ERR_INVALID_IMAGE_HEADER_MAGIC = 23
IMG_ERR_INVALID_HASH = 24
IMG_ERR_VERSION_GET_FAILED = 26
IMG_ERR_CURRENT_VERSION_IS_NEWER = 27
IMG_ERR_IMAGE_ALREADY_PENDING = 28
IMG_ERR_INVALID_IMAGE_TOO_LARGE = 30
IMG_ERR_INVALID_IMAGE_DATA_OVERRUN = 31
IMG_ERR_IMAGE_CONFIRMATION_DENIED = 32
IMG_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED = 33

# OS group errors (OS_MGMT_ERR_*), reference §2.5
OS_ERR_INVALID_FORMAT = 2
OS_ERR_QUERY_YIELDS_NO_ANSWER = 3

# v1 translation of image-group codes (reference §2.4 table)
_IMG_V1 = {1: 1, 2: 1, 3: 5, 4: 5, 5: 1, 6: 1, 7: 1, 8: 1, 9: 6, 10: 1, 11: 1, 12: 1, 13: 1,
           14: 3, 15: 2, 16: 1, 17: 1, 18: 1, 19: 3, 20: 3, 21: 3, 22: 3, 23: 1, 24: 3, 25: 3,
           26: 1, 27: 6, 28: 6, 29: 1, 30: 1, 31: 1, 32: 1, 33: 1, 34: 1}
# v1 translation of OS-group codes (reference §2.5 table)
_OS_V1 = {1: 1, 2: 3, 3: 5, 4: 5, 5: 1, 6: 1}


def v1_rc(group: int, code: int) -> int:
    """The top-level rc a v1 request gets for group error (group, code); EUNKNOWN if untranslated."""
    table = {GRP_OS: _OS_V1, GRP_IMG: _IMG_V1}.get(group, {})
    return table.get(code, MGMT_ERR_EUNKNOWN)


# MCUboot `enum mcuboot_mode` values, from the Kconfig choice name (reference §3)
BOOT_MODES = {
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_SINGLE_APP": 0,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH": 1,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY": 2,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_USING_MOVE": 3,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP": 4,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT": 5,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_RAM_LOAD": 6,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_FIRMWARE_UPDATER": 7,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_SINGLE_APP_RAM_LOAD": 8,
    "CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_USING_OFFSET": 9,
}
SWAP_MODES = (1, 2, 3, 9)
MODE_OVERWRITE_ONLY = 2
MODE_DIRECT_XIP = 4
MODE_DIRECT_XIP_REVERT = 5


@dataclass(frozen=True)
class BootMode:
    """What the configured MCUboot mode means on the wire and at the next boot, from the
    reference alone (smp_protocol.md §3, §4.1, §4.2, §4.6; mcuboot.md §5.4, §5.5)."""
    number: int

    @property
    def swap_table(self) -> bool:
        """Flags and state-write rules come from MCUboot's swap-type table (swap modes and
        overwrite-only): the running slot is "active" and "confirmed" unless on trial."""
        return self.number in SWAP_MODES

    @property
    def direct_xip(self) -> bool:
        """Images run where they are: the higher version wins, uploads go to the slot not
        running, an image that does not validate is erased from either slot."""
        return self.number in (MODE_DIRECT_XIP, MODE_DIRECT_XIP_REVERT)

    @property
    def direct_xip_no_revert(self) -> bool:
        """No state-write handler ({"rc": 8}); the running slot is only "active", the other one
        "pending" and "permanent" when its version is higher."""
        return self.number == MODE_DIRECT_XIP

    @property
    def has_state_write(self) -> bool:
        return not self.direct_xip_no_revert

    @property
    def overwrite(self) -> bool:
        """Test and confirm both mean "copy over the primary at the next boot"; the copy consumes
        the secondary (header and trailer erased) and nothing is ever reverted."""
        return self.number == MODE_OVERWRITE_ONLY

    @property
    def reverts(self) -> bool:
        """An image booted for test and not confirmed is undone by the next boot."""
        return self.number in (1, 3, 9, MODE_DIRECT_XIP_REVERT)

    def __str__(self) -> str:
        names = {v: k.replace("CONFIG_MCUBOOT_BOOTLOADER_MODE_", "").lower()
                 for k, v in BOOT_MODES.items()}
        return names.get(self.number, f"mode {self.number}")

# ------------------------------------------------------------------------------------------------
# The 8-byte header (reference §1)
# ------------------------------------------------------------------------------------------------

HEADER_SIZE = 8
_HDR = struct.Struct(">BBHHBB")


@dataclass(frozen=True)
class Header:
    op: int
    version: int
    flags: int
    length: int
    group: int
    seq: int
    cmd: int
    reserved: int = 0

    def pack(self) -> bytes:
        b0 = ((self.reserved & 0x7) << 5) | ((self.version & 0x3) << 3) | (self.op & 0x7)
        return _HDR.pack(b0, self.flags & 0xFF, self.length & 0xFFFF, self.group & 0xFFFF,
                         self.seq & 0xFF, self.cmd & 0xFF)

    @classmethod
    def unpack(cls, data: bytes) -> "Header":
        if len(data) < HEADER_SIZE:
            raise ValueError(f"SMP header needs 8 bytes, got {len(data)}")
        b0, flags, length, group, seq, cmd = _HDR.unpack_from(data, 0)
        return cls(op=b0 & 0x7, version=(b0 >> 3) & 0x3, flags=flags, length=length, group=group,
                   seq=seq, cmd=cmd, reserved=b0 >> 5)


def packet(op: int, group: int, cmd: int, payload: bytes, *, seq: int = 0, version: int = V2,
           flags: int = 0, reserved: int = 0, length: Optional[int] = None) -> bytes:
    """Header + payload. `length` overrides the header length (to build lying headers)."""
    hdr = Header(op=op, version=version, flags=flags,
                 length=len(payload) if length is None else length,
                 group=group, seq=seq, cmd=cmd, reserved=reserved)
    return hdr.pack() + payload


def response_header_for(req: Header, payload_len: int) -> Header:
    """The response header Zephyr's smp_make_rsp_hdr builds for a request header (reference §1):
    op 1 for a read, 3 for any other op; version copied but capped at 1; flags and reserved 0."""
    return Header(op=OP_READ_RSP if req.op == OP_READ else OP_WRITE_RSP,
                  version=min(req.version, V2), flags=0, length=payload_len,
                  group=req.group, seq=req.seq, cmd=req.cmd, reserved=0)


def split_packets(data: bytes) -> list[tuple[Header, bytes]]:
    """Split a transport unit into SMP packets by their header lengths; raises on leftovers."""
    out = []
    pos = 0
    while pos < len(data):
        hdr = Header.unpack(data[pos:])
        end = pos + HEADER_SIZE + hdr.length
        if end > len(data):
            raise ValueError(f"packet at {pos} claims {hdr.length} payload bytes, "
                             f"only {len(data) - pos - HEADER_SIZE} present")
        out.append((hdr, data[pos + HEADER_SIZE:end]))
        pos = end
    return out


# ------------------------------------------------------------------------------------------------
# CBOR
# ------------------------------------------------------------------------------------------------

def cbor_head(major: int, value: int, *, width: Optional[int] = None) -> bytes:
    """A CBOR initial byte + argument; shortest form unless `width` (0, 1, 2, 4, 8) forces one."""
    if width is None:
        if value < 24:
            width = 0
        elif value < 0x100:
            width = 1
        elif value < 0x10000:
            width = 2
        elif value < 0x100000000:
            width = 4
        else:
            width = 8
    mt = major << 5
    if width == 0:
        assert value < 24
        return bytes([mt | value])
    ai = {1: 24, 2: 25, 4: 26, 8: 27}[width]
    return bytes([mt | ai]) + value.to_bytes(width, "big")


def enc(value: Any) -> bytes:
    """One CBOR data item, shortest form (cbor2)."""
    return cbor2.dumps(value)


def map_canonical(d: dict) -> bytes:
    """Definite map, canonical key order (length first, then bytewise), as the Python smp library
    writes it (cbor2 canonical=True)."""
    return cbor2.dumps(d, canonical=True)


def map_ordered(items: Iterable[tuple[Any, Any]]) -> bytes:
    """Definite map, keys in the order given (the Go CLI writes struct order). Duplicates allowed,
    so that hostile requests can be built."""
    items = list(items)
    return cbor_head(5, len(items)) + b"".join(enc(k) + enc(v) for k, v in items)


def map_indefinite(items: Iterable[tuple[Any, Any]]) -> bytes:
    """Indefinite-length map (0xBF ... 0xFF), keys in the order given."""
    return b"\xbf" + b"".join(enc(k) + enc(v) for k, v in items) + b"\xff"


def encode_body(body: Any, style: str = "canonical") -> bytes:
    """Encode a request body. `body` is a dict, a list of (key, value) pairs, or raw bytes."""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    items = list(body.items()) if isinstance(body, dict) else list(body)
    if style == "canonical":
        return map_canonical(dict(items))
    if style == "ordered":
        return map_ordered(items)
    if style == "indefinite":
        return map_indefinite(items)
    raise ValueError(style)


class CborError(ValueError):
    pass


class StrictDecoder:
    """A small, strict CBOR decoder, independent of cbor2: rejects trailing bytes, duplicate map
    keys, non-shortest heads, tags, floats and reserved values, and records whether every map and
    array is indefinite-length (Zephyr's encoding) and every string definite."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0
        self.definite_containers = 0
        self.indefinite_containers = 0
        self.indefinite_strings = 0

    def _byte(self) -> int:
        if self.pos >= len(self.data):
            raise CborError("truncated")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def _take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise CborError("truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def _arg(self, ai: int) -> Optional[int]:
        if ai < 24:
            return ai
        if ai in (24, 25, 26, 27):
            n = 1 << (ai - 24)
            v = int.from_bytes(self._take(n), "big")
            if (n == 1 and v < 24) or (n > 1 and v < (1 << (4 * n))):
                raise CborError(f"non-shortest integer encoding at {self.pos}")
            return v
        if ai == 31:
            return None
        raise CborError(f"reserved additional info {ai}")

    def item(self) -> Any:
        ib = self._byte()
        major, ai = ib >> 5, ib & 0x1F
        if major == 7:
            if ai == 20:
                return False
            if ai == 21:
                return True
            if ai == 22:
                return None
            raise CborError(f"unexpected simple/float 0x{ib:02x}")
        arg = self._arg(ai)
        if major == 0:
            if arg is None:
                raise CborError("indefinite uint")
            return arg
        if major == 1:
            if arg is None:
                raise CborError("indefinite nint")
            return -1 - arg
        if major in (2, 3):
            if arg is None:
                self.indefinite_strings += 1
                parts = []
                while True:
                    if self.pos < len(self.data) and self.data[self.pos] == 0xFF:
                        self.pos += 1
                        break
                    part = self.item()
                    if type(part) is not (bytes if major == 2 else str):
                        raise CborError("bad chunk in indefinite string")
                    parts.append(part)
                return (b"" if major == 2 else "").join(parts)
            raw = self._take(arg)
            if major == 2:
                return raw
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise CborError("invalid UTF-8") from e
        if major == 4:
            out = []
            if arg is None:
                self.indefinite_containers += 1
                while True:
                    if self.pos < len(self.data) and self.data[self.pos] == 0xFF:
                        self.pos += 1
                        return out
                    out.append(self.item())
            self.definite_containers += 1
            for _ in range(arg):
                out.append(self.item())
            return out
        if major == 5:
            out = {}
            if arg is None:
                self.indefinite_containers += 1
                while True:
                    if self.pos < len(self.data) and self.data[self.pos] == 0xFF:
                        self.pos += 1
                        return out
                    self._pair(out)
            self.definite_containers += 1
            for _ in range(arg):
                self._pair(out)
            return out
        raise CborError(f"unexpected major type {major} (tags are not used by SMP)")

    def _pair(self, out: dict) -> None:
        k = self.item()
        if not isinstance(k, str):
            raise CborError(f"non-text map key {k!r}")
        if k in out:
            raise CborError(f"duplicate map key {k!r}")
        out[k] = self.item()


def strict_loads(data: bytes) -> tuple[Any, StrictDecoder]:
    dec = StrictDecoder(data)
    value = dec.item()
    if dec.pos != len(data):
        raise CborError(f"{len(data) - dec.pos} trailing bytes after the CBOR item")
    return value, dec


def zephyr_encode(value: Any) -> bytes:
    """Encode as Zephyr's zcbor writes responses: indefinite maps and arrays, definite strings,
    shortest integers; dict insertion order is kept. Used to state expected response bytes."""
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return cbor_head(0, value) if value >= 0 else cbor_head(1, -1 - value)
    if isinstance(value, (bytes, bytearray)):
        return cbor_head(2, len(value)) + bytes(value)
    if isinstance(value, str):
        raw = value.encode()
        return cbor_head(3, len(raw)) + raw
    if isinstance(value, (list, tuple)):
        return b"\x9f" + b"".join(zephyr_encode(v) for v in value) + b"\xff"
    if isinstance(value, dict):
        return b"\xbf" + b"".join(zephyr_encode(k) + zephyr_encode(v)
                                  for k, v in value.items()) + b"\xff"
    raise TypeError(type(value))


def expected_response(req: bytes, body: Any) -> bytes:
    """The complete response datagram a Zephyr server sends for request packet `req` with
    response body `body` (encoded Zephyr style)."""
    payload = zephyr_encode(body)
    return response_header_for(Header.unpack(req), len(payload)).pack() + payload


# ------------------------------------------------------------------------------------------------
# Request bodies
# ------------------------------------------------------------------------------------------------

def upload_body(off: int, data: bytes, *, length: Optional[int] = None,
                sha: Optional[bytes] = None, image: Optional[int] = None,
                upgrade: Optional[bool] = None, style: str = "smpclient") -> bytes:
    """An image upload request body.

    style "smpclient": canonical definite map; the first chunk carries len, off, sha, data, image
    and upgrade (image 0 and upgrade false when not given), later chunks only off and data.
    style "go": definite map in the Go CLI's struct order image, off, len, sha, upgrade, data;
    image on every chunk, len/sha only when given, upgrade only when true.
    style "indefinite": an indefinite map with only the fields given, Go order.
    """
    if style == "smpclient":
        d = {"off": off, "data": data}
        if off == 0 or length is not None:
            if length is not None:
                d["len"] = length
            if sha is not None:
                d["sha"] = sha
            d["image"] = 0 if image is None else image
            d["upgrade"] = bool(upgrade)
        elif sha is not None:
            d["sha"] = sha
        return map_canonical(d)
    items = []
    if style == "go":
        items.append(("image", 0 if image is None else image))
    elif image is not None:
        items.append(("image", image))
    items.append(("off", off))
    if length is not None:
        items.append(("len", length))
    if sha is not None:
        items.append(("sha", sha))
    if style == "go":
        if upgrade:
            items.append(("upgrade", True))
    elif upgrade is not None:
        items.append(("upgrade", upgrade))
    items.append(("data", data))
    if style == "go":
        return map_ordered(items)
    if style == "indefinite":
        return map_indefinite(items)
    raise ValueError(style)


def upload_overhead(off: int, *, first_len: Optional[int] = None, sha: Optional[bytes] = None,
                    style: str = "smpclient") -> int:
    """Bytes of an upload packet that are not data, for a data length >= 256 and < 65536."""
    probe = upload_body(off, b"\x00" * 256, length=first_len, sha=sha, style=style)
    return HEADER_SIZE + len(probe) - 256


def max_chunk(buf_size: int, off: int, **kw) -> int:
    """The largest data length that keeps the whole upload packet within buf_size."""
    return buf_size - upload_overhead(off, **kw)


# ------------------------------------------------------------------------------------------------
# UDP session
# ------------------------------------------------------------------------------------------------

class NoResponse(AssertionError):
    pass


@dataclass
class Response:
    raw: bytes            # the whole datagram
    header: Header
    payload: bytes
    body: Any             # decoded payload

    @property
    def hex(self) -> str:
        return self.raw.hex()


def decode_response(raw: bytes) -> Response:
    """Parse one response datagram holding exactly one SMP packet; decode its payload with both
    decoders and check they agree and that the encoding is Zephyr's (indefinite maps/arrays)."""
    packets = split_packets(raw)
    assert len(packets) == 1, f"one packet per response datagram expected, got {len(packets)}: " \
                              f"{raw.hex()}"
    hdr, payload = packets[0]
    body, dec = strict_loads(payload)
    assert dec.definite_containers == 0, \
        f"response uses definite-length maps/arrays (Zephyr writes indefinite): {raw.hex()}"
    assert dec.indefinite_strings == 0, f"indefinite strings in response: {raw.hex()}"
    assert cbor2.loads(payload) == body, "cbor2 and the strict decoder disagree"
    assert isinstance(body, dict), f"response payload is not a map: {raw.hex()}"
    return Response(raw=raw, header=hdr, payload=payload, body=body)


class SmpUdp:
    """An SMP client over UDP, one packet per datagram, with its own sequence numbers."""

    def __init__(self, host: str, port: int, *, timeout: float = 2.0, seq: int = 0):
        self.addr = (host, port)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.connect(self.addr)
        self.timeout = timeout
        self.seq = seq & 0xFF

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def next_seq(self) -> int:
        s = self.seq
        self.seq = (self.seq + 1) & 0xFF
        return s

    # raw datagrams -----------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        self.sock.send(data)

    def recv_raw(self, timeout: Optional[float] = None) -> Optional[bytes]:
        """One datagram, or None after `timeout` seconds."""
        t = self.timeout if timeout is None else timeout
        r, _, _ = select.select([self.sock], [], [], t)
        if not r:
            return None
        try:
            return self.sock.recv(65536)
        except ConnectionRefusedError as e:  # ICMP port unreachable: nobody listening
            raise NoResponse(f"device port closed: {e}") from e

    def recv_all(self, timeout: float = 0.3) -> list[bytes]:
        """Every datagram that arrives until `timeout` seconds pass without one."""
        out = []
        while True:
            d = self.recv_raw(timeout)
            if d is None:
                return out
            out.append(d)

    def drain(self) -> list[bytes]:
        return self.recv_all(0.05)

    def exchange_raw(self, data: bytes, timeout: Optional[float] = None) -> bytes:
        self.send_raw(data)
        rsp = self.recv_raw(timeout)
        if rsp is None:
            raise NoResponse(f"no response to {data[:64].hex()}...")
        return rsp

    # packets ----------------------------------------------------------------------------------
    def build(self, op: int, group: int, cmd: int, body: Any = b"", *, version: int = V2,
              seq: Optional[int] = None, style: str = "canonical", **hdr_kw) -> bytes:
        payload = encode_body(body, style) if not isinstance(body, (bytes, bytearray)) \
            else bytes(body)
        return packet(op, group, cmd, payload, seq=self.next_seq() if seq is None else seq,
                      version=version, **hdr_kw)

    def transact(self, pkt: bytes, timeout: Optional[float] = None) -> Response:
        """Send one packet, receive its response, check the response header against the request
        header (reference §1) and decode the payload."""
        self.send_raw(pkt)
        return self.receive_for(pkt, timeout)

    def receive_for(self, pkt: bytes, timeout: Optional[float] = None) -> Response:
        raw = self.recv_raw(timeout)
        if raw is None:
            raise NoResponse(f"no response to seq {pkt[6]} ({pkt[:24].hex()}...)")
        rsp = decode_response(raw)
        check_response_header(pkt, rsp)
        return rsp

    def request(self, op: int, group: int, cmd: int, body: Any = b"\xa0", **kw) -> Response:
        timeout = kw.pop("timeout", None)
        return self.transact(self.build(op, group, cmd, body, **kw), timeout)

    # common commands --------------------------------------------------------------------------
    def echo(self, text: str = "ping", *, version: int = V2, timeout: Optional[float] = None
             ) -> Response:
        return self.request(OP_WRITE, GRP_OS, OS_ECHO, {"d": text}, version=version,
                            timeout=timeout)

    def params(self, version: int = V2) -> Response:
        return self.request(OP_READ, GRP_OS, OS_PARAMS, b"\xa0", version=version)

    def state_read(self, version: int = V2) -> Response:
        return self.request(OP_READ, GRP_IMG, IMG_STATE, b"\xa0", version=version)

    def upload(self, off: int, data: bytes, *, version: int = V2, style: str = "smpclient",
               timeout: Optional[float] = None, **kw) -> Response:
        body = upload_body(off, data, style=style, **kw)
        return self.request(OP_WRITE, GRP_IMG, IMG_UPLOAD, body, version=version,
                            timeout=timeout)

    def erase(self, slot: Optional[int] = None, version: int = V2) -> Response:
        body = {} if slot is None else {"slot": slot}
        return self.request(OP_WRITE, GRP_IMG, IMG_ERASE, body, version=version, timeout=10.0)


def check_response_header(req_pkt: bytes, rsp: Response) -> None:
    req = Header.unpack(req_pkt)
    want = response_header_for(req, len(rsp.payload))
    assert rsp.header == want, (f"response header {rsp.raw[:8].hex()} != expected "
                                f"{want.pack().hex()} for request {req_pkt[:8].hex()}")


# ------------------------------------------------------------------------------------------------
# Response validators (strict schemas: exact key sets, exact types)
# ------------------------------------------------------------------------------------------------

def _is_uint(v: Any) -> bool:
    return type(v) is int and v >= 0


def check_success(body: dict) -> None:
    assert "rc" not in body and "err" not in body, f"success expected, got error {body}"


def check_upload_rsp(body: dict, *, off: Optional[int] = None,
                     match: Optional[bool] = None) -> None:
    """{"off": uint[, "match": bool]} and nothing else; `match` only when the caller says so."""
    check_success(body)
    keys = set(body)
    assert keys in ({"off"}, {"off", "match"}), f"upload response keys {sorted(keys)}"
    assert _is_uint(body["off"]), body
    if off is not None:
        assert body["off"] == off, f"upload off {body['off']} != expected {off}"
    if match is None:
        assert "match" not in body, f"unexpected 'match' in {body}"
    else:
        assert "match" in body and type(body["match"]) is bool, f"'match' missing in {body}"
        assert body["match"] is match, f"match {body['match']} != {match}"


STATE_FLAGS = ("bootable", "pending", "confirmed", "active", "permanent")


def check_state_rsp(body: dict, cfg: "Config") -> list[dict]:
    """The image state response schema (reference §4.1) for this configuration; returns entries."""
    check_success(body)
    frugal = cfg.flag("CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST")
    want_top = {"images"} if frugal else {"images", "splitStatus"}
    assert set(body) == want_top, f"state keys {sorted(body)} != {sorted(want_top)}"
    if not frugal:
        assert body["splitStatus"] == 0 and type(body["splitStatus"]) is int
    images = body["images"]
    assert isinstance(images, list)
    for e in images:
        req = {"slot", "version", "hash"}
        if cfg.flag("CONFIG_SMPDFU_IMG_STATE_REPORT_IMAGE"):
            req.add("image")
        allowed = req | set(STATE_FLAGS)
        assert req <= set(e) <= allowed, f"state entry keys {sorted(e)}"
        if not frugal:
            assert set(e) == allowed, f"state entry keys {sorted(e)} (all flags expected)"
        if "image" in e:
            assert _is_uint(e["image"])
        assert e["slot"] in (0, 1)
        assert isinstance(e["version"], str) and re.fullmatch(r"\d+\.\d+\.\d+(\.\d+)?",
                                                              e["version"]), e
        assert type(e["hash"]) is bytes and len(e["hash"]) == 32, e
        for f in STATE_FLAGS:
            if f in e:
                assert type(e[f]) is bool, e
                if frugal:
                    assert e[f] is True, f"frugal list sends only true flags: {e}"
    keys = [(e.get("image", 0), e["slot"]) for e in images]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), f"slot order {keys}"
    return images


def check_params_rsp(body: dict, cfg: "Config") -> None:
    check_success(body)
    assert set(body) == {"buf_size", "buf_count"}, body
    assert body == {"buf_size": cfg.buf_size, "buf_count": cfg.buf_count}, body


def check_smp_error(rsp: Response, rc: int, cfg: "Config") -> None:
    """An SMP-level error: top-level {"rc": rc} in both versions, optional "rsn" only when the
    verbose Kconfig is on."""
    body = rsp.body
    keys = set(body)
    if cfg.flag("CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE"):
        assert keys in ({"rc"}, {"rc", "rsn"}), f"error keys {sorted(keys)}: {rsp.hex}"
        if "rsn" in body:
            assert isinstance(body["rsn"], str)
    else:
        assert keys == {"rc"}, f"expected {{'rc': {rc}}}, got {body} ({rsp.hex})"
    assert body["rc"] == rc, f"rc {body['rc']} != expected {rc}: {body} ({rsp.hex})"


def check_group_error(rsp: Response, group: int, code: int, cfg: "Config") -> None:
    """A group error in the form the request's version asks for (reference §2.3)."""
    if rsp.header.version == V2:
        assert rsp.body == {"err": {"group": group, "rc": code}}, \
            f"expected err group {group} rc {code}, got {rsp.body} ({rsp.hex})"
    else:
        check_smp_error(rsp, v1_rc(group, code), cfg)


def format_version(v: Sequence[int]) -> str:
    major, minor, rev, build = (list(v) + [0, 0, 0, 0])[:4]
    s = f"{major}.{minor}.{rev}"
    return s + f".{build}" if build else s


def state_entry(cfg: "Config", slot: int, img: "Image", **flags) -> dict:
    """One state entry as the device must encode it (key order as Zephyr's img_mgmt_state)."""
    e: dict = {}
    if cfg.report_image:
        e["image"] = 0
    e.update(slot=slot, version=img.version_str, hash=img.tlv_hash)
    f = dict(bootable=not (img.flags & IMAGE_F_NON_BOOTABLE), pending=False, confirmed=False,
             active=False, permanent=False)
    f.update(flags)
    if cfg.flag("CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST"):
        f = {k: v for k, v in f.items() if v}
    e.update(f)
    return e


def version_newer(a: Sequence[int], b: Sequence[int], cfg: "Config") -> bool:
    """a > b as MCUmgr compares versions (reference §4.3): major.minor.revision, plus the build
    number with CONFIG_MCUMGR_GRP_IMG_VERSION_CMP_USE_BUILD_NUMBER."""
    n = 4 if cfg.flag("CONFIG_MCUMGR_GRP_IMG_VERSION_CMP_USE_BUILD_NUMBER") else 3
    return tuple(a[:n]) > tuple(b[:n])


def idle_state(cfg: "Config", slot0: Optional["Image"], slot1: Optional["Image"],
               running: int = 0) -> dict:
    """The state response of a device running slot `running` with nothing marked for the next
    boot, in the build's mode (reference §4.1): swap table (swap type none): the running slot
    "active" and "confirmed", the other one no flag; direct-XIP without revert: the running slot
    only "active", the other one "pending" and "permanent" when its version is higher."""
    mode = cfg.mode
    if not (mode.swap_table or mode.direct_xip_no_revert):
        raise NotImplementedError(f"no state expectations written for {mode}")
    images = {0: slot0, 1: slot1}
    entries = []
    for slot, img in images.items():
        if img is None:
            continue
        other = images[1 - slot]
        if slot == running:
            f = {"active": True, "confirmed": mode.swap_table}
        elif mode.direct_xip_no_revert:
            newer = other is not None and version_newer(img.version, other.version, cfg)
            f = {"pending": newer, "permanent": newer}
        else:
            f = {}
        entries.append(state_entry(cfg, slot, img, **f))
    body: dict = {"images": entries}
    if not cfg.flag("CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST"):
        body["splitStatus"] = 0
    return body


def swap_state(cfg: "Config", slot0: Optional["Image"], slot1: Optional["Image"],
               s0: Optional[dict] = None, s1: Optional[dict] = None) -> dict:
    """The state response of a swap-mode device with `slot0` running (swap type none: active and
    confirmed, reference §4.1) and `slot1` uploaded; s0/s1 override flags."""
    entries = []
    if slot0 is not None:
        entries.append(state_entry(cfg, 0, slot0, **{"active": True, "confirmed": True,
                                                     **(s0 or {})}))
    if slot1 is not None:
        entries.append(state_entry(cfg, 1, slot1, **(s1 or {})))
    body: dict = {"images": entries}
    if not cfg.flag("CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST"):
        body["splitStatus"] = 0
    return body


# ------------------------------------------------------------------------------------------------
# MCUboot images (reference §4.1/§4.3; MCUboot image format)
# ------------------------------------------------------------------------------------------------

IMAGE_MAGIC = 0x96F3B83D
IMAGE_HEADER_SIZE = 32
TLV_INFO_MAGIC = 0x6907
TLV_PROT_INFO_MAGIC = 0x6908
TLV_SHA256 = 0x10
IMAGE_F_NON_BOOTABLE = 0x10
IMAGE_F_ROM_FIXED = 0x100

_IMG_HDR = struct.Struct("<IIHHIIBBHII")  # magic load_addr hdr_size prot_tlv_size img_size flags
#                                            major minor revision build pad


@dataclass
class Image:
    data: bytes
    version: tuple
    tlv_hash: bytes          # the SHA256 TLV value (what state read reports)
    hdr_size: int
    img_size: int
    flags: int = 0

    @property
    def file_sha(self) -> bytes:
        """SHA-256 of the whole file: the upload `sha`."""
        return hashlib.sha256(self.data).digest()

    @property
    def version_str(self) -> str:
        return format_version(self.version)

    def __len__(self) -> int:
        return len(self.data)


def _tlv(tlv_type: int, value: bytes) -> bytes:
    return struct.pack("<BxH", tlv_type, len(value)) + value


def build_image(payload: bytes, version: Sequence[int] = (1, 0, 0, 0), *, hdr_size: int = 0x200,
                load_addr: int = 0, flags: int = 0, header_fill: int = 0xFF,
                protected_tlvs: Sequence[tuple[int, bytes]] = (),
                extra_tlvs: Sequence[tuple[int, bytes]] = (),
                hash_override: Optional[bytes] = None, magic: int = IMAGE_MAGIC) -> Image:
    """An MCUboot image: 32-byte little-endian header padded to hdr_size, the payload, optional
    protected TLV area (magic 0x6908), then the TLV area (magic 0x6907) holding the SHA-256 TLV
    computed over header + payload + protected TLVs, then `extra_tlvs`. `hash_override` writes a
    different value into the SHA-256 TLV (for images whose reported hash is given)."""
    major, minor, rev, build = (list(version) + [0, 0, 0, 0])[:4]
    prot = b""
    if protected_tlvs:
        body = b"".join(_tlv(t, v) for t, v in protected_tlvs)
        prot = struct.pack("<HH", TLV_PROT_INFO_MAGIC, 4 + len(body)) + body
    hdr = _IMG_HDR.pack(magic, load_addr, hdr_size, len(prot), len(payload), flags, major, minor,
                        rev, build, 0)
    hdr += bytes([header_fill]) * (hdr_size - IMAGE_HEADER_SIZE)
    digest = hashlib.sha256(hdr + payload + prot).digest()
    value = digest if hash_override is None else hash_override
    tlvs = _tlv(TLV_SHA256, value) + b"".join(_tlv(t, v) for t, v in extra_tlvs)
    info = struct.pack("<HH", TLV_INFO_MAGIC, 4 + len(tlvs))
    data = hdr + payload + prot + info + tlvs
    return Image(data=data, version=(major, minor, rev, build), tlv_hash=value,
                 hdr_size=hdr_size, img_size=len(payload), flags=flags)


def parse_image(data: bytes) -> Image:
    """Read back an image built by any MCUboot signer (header + TLV areas)."""
    (magic, load_addr, hdr_size, prot_size, img_size, flags, major, minor, rev, build,
     _pad) = _IMG_HDR.unpack_from(data, 0)
    if magic != IMAGE_MAGIC:
        raise ValueError("bad image magic")
    pos = hdr_size + img_size
    if prot_size:
        m, ln = struct.unpack_from("<HH", data, pos)
        if m != TLV_PROT_INFO_MAGIC or ln != prot_size:
            raise ValueError("bad protected TLV info")
        pos += prot_size
    m, ln = struct.unpack_from("<HH", data, pos)
    if m != TLV_INFO_MAGIC:
        raise ValueError("bad TLV info magic")
    end = pos + ln
    pos += 4
    hashes = []
    while pos < end:
        t, n = struct.unpack_from("<BxH", data, pos)
        if t == TLV_SHA256:
            hashes.append(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    if len(hashes) != 1:
        raise ValueError(f"{len(hashes)} SHA256 TLVs")
    return Image(data=bytes(data[:end]), version=(major, minor, rev, build), tlv_hash=hashes[0],
                 hdr_size=hdr_size, img_size=img_size, flags=flags)


# An image for slot 0 matching the Zephyr 3.5.0 capture: version 1.0.0, SHA256 TLV value
# d889ab...d7 (the hash the capture's state read reports). The TLV value cannot be the true digest
# of our payload (that would need a preimage), so it is written as given.
CAPTURE_SLOT0_HASH = bytes.fromhex(
    "d889abda02c198a67656be6d426bda5b71365973d7dbd51c70f1888653ed4dd7")


def capture_slot0_image() -> Image:
    payload = bytes((i * 7 + 3) & 0xFF for i in range(4096))
    return build_image(payload, (1, 0, 0), hash_override=CAPTURE_SLOT0_HASH)


def running_image(cfg: "Config") -> Image:
    """The 1.0.0 image a "running" device is factory-programmed with. The capture's (above) where
    the bootloader leaves an image that does not validate in place (swap and overwrite modes
    keep the primary and only decline to boot it); in direct-XIP, where such an image is erased
    from either slot (mcuboot.md §5.5), the same payload with its true digest, so it boots."""
    img = capture_slot0_image()
    if cfg.mode.direct_xip:
        return build_image(img.data[img.hdr_size:img.hdr_size + img.img_size], (1, 0, 0))
    return img


# ------------------------------------------------------------------------------------------------
# Configuration (the generated config.h) and the flash file
# ------------------------------------------------------------------------------------------------

class Config:
    _DEF = re.compile(r"^\s*#define\s+(CONFIG_\w+)\s+(.+?)\s*$")

    def __init__(self, values: dict):
        self.values = values

    @classmethod
    def load(cls, path: os.PathLike) -> "Config":
        values = {}
        for line in Path(path).read_text().splitlines():
            m = cls._DEF.match(line)
            if not m:
                continue
            name, raw = m.groups()
            if raw.startswith('"') and raw.endswith('"'):
                values[name] = raw[1:-1]
            else:
                try:
                    values[name] = int(raw, 0)
                except ValueError:
                    values[name] = raw
        return cls(values)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def flag(self, name: str) -> bool:
        return self.values.get(name, 0) not in (0, None, "n")

    def int(self, name: str) -> int:
        return int(self.values[name])

    @property
    def buf_size(self) -> int:
        return self.int("CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE")

    @property
    def buf_count(self) -> int:
        return self.int("CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT")

    @property
    def slot_size(self) -> int:
        return self.int("CONFIG_SIM_SLOT_SIZE")

    @property
    def max_image_size(self) -> int:
        """The largest upload the mode takes: the end of a slot is MCUboot's trailer (mcuboot.md
        §2, §5: swap-using-move keeps one primary sector free below the trailer sectors,
        swap-using-scratch keeps the status area free and room for the scratch's trailer,
        overwrite-only and direct-XIP end below swap_info)."""
        slot = self.slot_size
        sector = self.int("CONFIG_SIM_FLASH_PAGE_SIZE")
        w = self.int("CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE")
        a = self.int("CONFIG_MCUBOOT_BOOT_MAX_ALIGN")
        info = 4 * a + max(16, a)
        trailer = self.int("CONFIG_BOOT_MAX_IMG_SECTORS") * 3 * w + info
        trailer_sectors = -(-trailer // sector) * sector
        if self.flag("CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH"):
            scratch = self.int("CONFIG_SIM_SCRATCH_SIZE")
            start = slot - trailer
            if start % sector == 0:
                return start
            first = start // sector
            region = scratch // sector
            region_first = first + 1 - region if first + 1 >= region else 0
            room = region_first * sector + scratch - (3 * w + info)
            return max(first * sector, min(start, room))
        if self.mode.swap_table and not self.mode.overwrite:
            return slot - trailer_sectors - sector  # equal slots: the primary's spare sector
        return (slot - 16 - a) // a * a - 2 * a

    @property
    def image_check(self) -> bool:
        return self.flag("CONFIG_IMG_ENABLE_IMAGE_CHECK")

    @property
    def report_image(self) -> bool:
        return self.flag("CONFIG_SMPDFU_IMG_STATE_REPORT_IMAGE")

    @property
    def boot_mode(self) -> int:
        for name, mode in BOOT_MODES.items():
            if self.flag(name):
                return mode
        return -1

    @property
    def mode(self) -> BootMode:
        return BootMode(self.boot_mode)

    def final_match(self, ok: bool) -> Optional[bool]:
        """What `match` the completing upload response carries: None without the image check."""
        return ok if self.image_check else None


class FlashLayout:
    """[bootloader][slot0][slot1][scratch][storage] in the flash file; erased bytes are 0xFF."""

    def __init__(self, cfg: Config):
        self.boot_size = cfg.int("CONFIG_SIM_BOOT_SIZE")
        self.slot_size = cfg.int("CONFIG_SIM_SLOT_SIZE")
        self.scratch_size = cfg.int("CONFIG_SIM_SCRATCH_SIZE")
        self.storage_size = cfg.int("CONFIG_SIM_STORAGE_SIZE")
        self.page_size = cfg.int("CONFIG_SIM_FLASH_PAGE_SIZE")
        self.total = (self.boot_size + 2 * self.slot_size + self.scratch_size
                      + self.storage_size)

    def slot_offset(self, slot: int) -> int:
        return self.boot_size + slot * self.slot_size

    def read_slot(self, flash_path: os.PathLike, slot: int, length: Optional[int] = None
                  ) -> bytes:
        n = self.slot_size if length is None else length
        with open(flash_path, "rb") as f:
            f.seek(self.slot_offset(slot))
            return f.read(n)


# ------------------------------------------------------------------------------------------------
# The device process
# ------------------------------------------------------------------------------------------------

LISTENING = re.compile(r"smpdfu-sim: listening on udp (127\.0\.0\.1|\[?::1\]?):(\d+)")


class SimDevice:
    """smpdfu-sim as a child process with its own flash file and log file."""

    def __init__(self, exe: Path, flash: Path, log: Path, *, load_slot0: Optional[Path] = None,
                 extra_args: Sequence[str] = ()):
        self.exe, self.flash, self.log_path = Path(exe), Path(flash), Path(log)
        self.load_slot0 = load_slot0
        self.extra_args = list(extra_args)
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self._logf = None

    def start(self, timeout: float = 10.0) -> "SimDevice":
        # --recovery: the oracle also talks to devices with nothing (valid) to boot.
        args = [str(self.exe), "--flash", str(self.flash), "--port", "0", "--bind", "127.0.0.1",
                "--recovery"]
        if self.load_slot0 is not None:
            args += ["--load-slot0", str(self.load_slot0)]
        args += self.extra_args
        self._logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._logf,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = LISTENING.search(self.log())
            if m:
                self.port = int(m.group(2))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"smpdfu-sim exited with {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"smpdfu-sim not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def listening_count(self) -> int:
        return len(LISTENING.findall(self.log()))

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def session(self, **kw) -> SmpUdp:
        return SmpUdp("127.0.0.1", self.port, **kw)

    def stop(self) -> Optional[int]:
        """SIGTERM, then SIGKILL after 3 s; returns the exit status."""
        rc = None
        if self.proc is not None:
            try:
                if self.proc.poll() is None:
                    self.proc.send_signal(signal.SIGTERM)
                    try:
                        self.proc.wait(timeout=3)
                    except subprocess.TimeoutExpired:
                        self.proc.kill()
                        self.proc.wait(timeout=3)
            finally:
                rc = self.proc.returncode
        if self._logf is not None:
            self._logf.close()
            self._logf = None
        return rc


def wait_until_answers(sess: SmpUdp, timeout: float = 5.0) -> Response:
    """Echo until the device answers (after a reboot)."""
    deadline = time.monotonic() + timeout
    while True:
        sess.drain()
        try:
            return sess.echo("alive?", timeout=0.2)
        except (NoResponse, OSError):
            if time.monotonic() > deadline:
                raise NoResponse(f"device did not answer within {timeout} s")
            time.sleep(0.05)


# ------------------------------------------------------------------------------------------------
# Uploads: a model of the server's upload state, plans with duplicates/out-of-order chunks, and a
# pipelined sender
# ------------------------------------------------------------------------------------------------

def make_upload_plan(start: int, size: int, take, rng, *, dup: float = 0.0, ooo: float = 0.0
                     ) -> list[tuple[int, int]]:
    """(off, n) sends covering [start, size). `take(off)` gives the next chunk size at `off`.
    With probability `dup` a chunk is sent twice in a row; with probability `ooo` the chunk after
    it is sent first, then both in order (the early one again)."""
    plan: list[tuple[int, int]] = []
    nxt = start
    while nxt < size:
        n = max(1, min(take(nxt), size - nxt))
        r = rng.random()
        if r < ooo and nxt + n < size:
            n2 = max(1, min(take(nxt + n), size - nxt - n))
            plan += [(nxt + n, n2), (nxt, n), (nxt + n, n2)]
            nxt += n + n2
        elif r < ooo + dup and nxt + n < size:
            plan += [(nxt, n), (nxt, n)]
            nxt += n
        else:
            plan.append((nxt, n))
            nxt += n
    return plan


def predict_offsets(first_n: int, size: int, sends: Sequence[tuple[int, int]]) -> list[int]:
    """The `off` each continuation response must carry (reference §4.3 step 4): the data is taken
    only when `off` equals the server's offset; otherwise the server's offset comes back. After
    completion the state is reset, so a later non-zero offset gets 0."""
    exp = first_n
    done = first_n >= size
    out = []
    for off, n in sends:
        if done:
            out.append(0)
            continue
        if off == exp:
            assert off + n <= size
            exp += n
            done = exp == size
        out.append(exp)
    return out


def pipeline(sess: SmpUdp, packets: Sequence[bytes], window: int,
             timeout: Optional[float] = None) -> list[Response]:
    """Send packets with at most `window` requests in flight; responses must arrive in order, one
    per request (each is checked against its own request header)."""
    from collections import deque
    outstanding: deque = deque()
    responses: list[Response] = []
    for pkt in packets:
        while len(outstanding) >= window:
            responses.append(sess.receive_for(outstanding.popleft(), timeout))
        sess.send_raw(pkt)
        outstanding.append(pkt)
    while outstanding:
        responses.append(sess.receive_for(outstanding.popleft(), timeout))
    return responses
