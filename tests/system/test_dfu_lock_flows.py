# SPDX-License-Identifier: Apache-2.0
"""System tests of the DFU lock between the device's two DFU transports, on the simulated nRF Desktop
device (configs/variants/nrf_desktop.conf): MCUmgr over UDP (dfu_mcumgr) and the config channel
over its local socket (docs/config_channel.md). They wait out the real 5 s timeouts, so there are
few of them; nothing here depends on speed. Other builds skip the whole file."""
import hashlib
import os
import random
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import cbor2
import pytest

from conftest import read_config

BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
CLIENT = BUILD / "tools" / "smpdfu"
IMAGE_TOOL = BUILD / "tools" / "smpdfu-image"

MGMT_ERR_EACCESSDENIED = 11
DFU_TIMEOUT_S = 5.0
CHUNK = 1024


def nrf_desktop_build() -> bool:
    cfg = read_config()
    return (cfg.get("CONFIG_DESKTOP_DFU_MCUMGR_ENABLE") == 1
            and cfg.get("CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE") == 1
            and cfg.get("CONFIG_DESKTOP_DFU_LOCK") == 1
            and cfg.get("CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP") != 1
            and cfg.get("CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT") != 1)


pytestmark = pytest.mark.skipif(
    not os.environ.get("SMPDFU_BUILD_DIR") or not nrf_desktop_build(),
    reason="needs the nrf_desktop variant (dfu_mcumgr + config channel + DFU lock)")


def past_timeout():
    """Sleeps until MCUmgr's or the config channel's 5 s DFU timeout has surely expired."""
    time.sleep(DFU_TIMEOUT_S + 0.7)


# ---- SMP over UDP, just what these flows need ---------------------------------------------------

class Smp:
    def __init__(self, dev):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(5.0)
        self.addr = ("127.0.0.1", dev.port)
        self.seq = 0

    def request(self, op, group, cmd, body):
        payload = cbor2.dumps(body)
        self.seq = (self.seq + 1) & 0xff
        hdr = (bytes([(1 << 3) | op, 0]) + len(payload).to_bytes(2, "big")
               + group.to_bytes(2, "big") + bytes([self.seq, cmd]))
        self.sock.sendto(hdr + payload, self.addr)
        while True:
            rsp, _ = self.sock.recvfrom(65536)
            if rsp[6] == self.seq:
                return cbor2.loads(rsp[8:])

    def upload(self, image, off, n=CHUNK):
        body = {"off": off, "data": image[off:off + n]}
        if off == 0:
            body.update({"image": 0, "len": len(image), "sha": hashlib.sha256(image).digest()})
        return self.request(2, 1, 1, body)

    def upload_from(self, image, off):
        """Uploads the rest of image from off; returns the last answer."""
        while True:
            rsp = self.upload(image, off)
            assert "rc" not in rsp and "err" not in rsp, rsp
            off = rsp["off"]
            if off == len(image):
                return rsp

    def reset(self):
        return self.request(2, 0, 5, {})

    def erase(self):
        return self.request(2, 1, 5, {})

    def echo(self, text):
        return self.request(2, 0, 0, {"d": text})

    def close(self):
        self.sock.close()


def rc_of(rsp):
    """The SMP error of an answer: "rc", or the rc of a v2 group error; 0 when none."""
    if "rc" in rsp:
        return rsp["rc"]
    return rsp.get("err", {}).get("rc", 0)


# ---- The config channel: one request line, one answer line --------------------------------------

class ConfigChannel:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5.0)
        self.sock.connect(str(path))
        self.buf = b""

    def request(self, line):
        self.sock.sendall(line.encode() + b"\n")
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            assert data, "config channel closed"
            self.buf += data
        answer, self.buf = self.buf.split(b"\n", 1)
        return answer.decode()

    def sync(self):
        answer = self.request("sync")
        assert answer.startswith("ok "), answer
        return dict(kv.split("=", 1) for kv in answer.split()[1:])

    def close(self):
        self.sock.close()


# ---- Fixtures -------------------------------------------------------------------------------------

def make_image(tmp_path, name, version, payload_len, seed):
    payload = tmp_path / f"{name}.payload"
    payload.write_bytes(random.Random(seed).randbytes(payload_len))
    out = tmp_path / f"{name}.bin"
    subprocess.run([str(IMAGE_TOOL), "create", "--version", version, "--pad-header",
                    str(payload), str(out)], check=True)
    return out


@pytest.fixture
def short_dir():
    """A directory with a short path: a Unix socket path has at most 107 bytes."""
    with tempfile.TemporaryDirectory(prefix="smpdfu-cc-", dir="/tmp") as d:
        yield Path(d)


@pytest.fixture
def setup(start_device, tmp_path, short_dir):
    """The device (factory image v1 in slot 0), an SMP client, a config channel and image v2."""
    v1 = make_image(tmp_path, "v1", "1.0.0", 16 * 1024, seed=11)
    v2 = make_image(tmp_path, "v2", "2.0.0", 48 * 1024, seed=12)
    sock = short_dir / "cc.sock"
    dev = start_device("--load-slot0", v1, "--config-channel", sock)
    assert f"smpdfu-sim: config channel on unix {sock}" in dev.lines
    smp = Smp(dev)
    cc = ConfigChannel(sock)
    yield dev, smp, cc, sock, v2
    cc.close()
    smp.close()


def crc32(data):
    import zlib
    return zlib.crc32(data) & 0xffffffff


# ---- The flows ------------------------------------------------------------------------------------

def test_smp_rejected_while_the_config_channel_owns_the_lock_then_accepted(setup):
    dev, smp, cc, _, v2 = setup
    image = v2.read_bytes()
    # The config channel opens a transfer: it owns the lock for 5 s after its last command.
    assert cc.request(f"start {len(image)} {crc32(image):08x} 0") == "ok"
    assert cc.sync()["name"] == "ACTIVE_CONFIG_CHANNEL"

    # Every MCUmgr command that writes DFU flash or reboots is refused with rc 11 ...
    assert rc_of(smp.upload(image, 0)) == MGMT_ERR_EACCESSDENIED
    assert rc_of(smp.erase()) == MGMT_ERR_EACCESSDENIED
    assert rc_of(smp.reset()) == MGMT_ERR_EACCESSDENIED
    # ... read-only ones are answered, and the refused reset did not reboot the device.
    assert smp.echo("still here") == {"r": "still here"}
    time.sleep(0.5)
    assert len(dev.listening) == 2 and dev.alive()
    assert "upload chunk rejected: the DFU lock is held by Config Channel" in dev.log()

    # Silence on the config channel: its timeout gives the lock back and MCUmgr gets it.
    past_timeout()
    assert "WRN dfu: DFU timed out" in dev.log()
    rsp = smp.upload_from(image, 0)
    assert rsp.get("match") is True
    assert "dfu_lock: Config Channel -> MCUmgr" in dev.log()


def test_config_channel_refused_while_smp_owns_the_lock(setup):
    dev, smp, cc, sock, v2 = setup
    image = v2.read_bytes()
    rsp = smp.upload(image, 0)
    assert rsp == {"off": CHUNK}
    # MCUmgr owns the lock now: the config channel may not start, reboot or even use the flash.
    answer = cc.request(f"start {len(image)} {crc32(image):08x} 0")
    assert answer.startswith("err EBUSY "), answer
    assert cc.sync()["state"] == "4"  # ACTIVE_OTHER
    assert cc.request("reboot").startswith("err EBUSY ")
    r = subprocess.run([str(CLIENT), "config-dfu", "upload", str(v2), "--socket", str(sock)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r
    assert "another DFU transport (MCUmgr) holds the DFU lock" in r.stderr
    # None of that disturbed MCUmgr's upload.
    assert smp.upload_from(image, CHUNK).get("match") is True
    assert "start ignored: another DFU transport is active" in dev.log()


def test_smp_upload_resumes_after_silence_when_nobody_took_the_lock(setup):
    dev, smp, _, _, v2 = setup
    image = v2.read_bytes()
    off = 0
    for _ in range(8):
        off = smp.upload(image, off)["off"]
    past_timeout()
    assert "WRN dfu_mcumgr: MCUmgr DFU timed out" in dev.log()
    # Nobody claimed the lock meanwhile: the upload carries on where it stopped.
    rsp = smp.upload(image, off)
    assert rsp == {"off": off + CHUNK}
    assert smp.upload_from(image, off + CHUNK).get("match") is True
    assert "upload progress reset" not in dev.log()


def test_smp_upload_restarts_from_zero_when_the_config_channel_took_the_lock(setup):
    dev, smp, cc, _, v2 = setup
    image = v2.read_bytes()
    off = 0
    for _ in range(8):
        off = smp.upload(image, off)["off"]
    past_timeout()
    # A mere sync claims the lock for a moment: MCUmgr's partial upload is forgotten.
    assert cc.sync()["name"] == "INACTIVE"
    assert "DFU lock taken by Config Channel: MCUmgr upload progress reset" in dev.log()
    assert smp.upload(image, off) == {"off": 0}
    assert smp.upload_from(image, 0).get("match") is True


def test_both_transports_one_after_the_other_with_the_client(setup, tmp_path):
    """The config channel's upload, then MCUmgr's image list, through the client tool."""
    dev, smp, cc, sock, v2 = setup
    cc.close()
    r = subprocess.run([str(CLIENT), "config-dfu", "upload", str(v2), "--socket", str(sock)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r
    assert "stored and checked" in r.stdout
    r = subprocess.run([str(CLIENT), "--port", str(dev.port), "image", "list"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r
    assert "2.0.0" in r.stdout and "pending" in r.stdout


def test_a_host_that_does_not_read_its_answers_does_not_stop_the_device(setup):
    """A host that sends requests and never reads the answers (a crashed or hostile tool) must not
    hang the device: MCUmgr and other config-channel hosts keep being served."""
    dev, smp, cc, sock, _ = setup
    stuck = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stuck.connect(str(sock))
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.settimeout(5.0)
    burst = b"sync\n" * 800
    try:
        for _ in range(25):  # 100 KB of requests, ~1.6 MB of answers nobody reads
            try:
                stuck.sendall(burst)
            except (socket.timeout, ConnectionError):
                break  # the device stopped serving this host: fine, as long as it lives
        time.sleep(0.5)
        assert smp.echo("still here") == {"r": "still here"}
        assert cc.sync()["name"] == "INACTIVE"
        assert dev.alive()
    finally:
        stuck.close()
