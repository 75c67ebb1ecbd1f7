# SPDX-License-Identifier: Apache-2.0
"""scripts/genconfig.py on configurations of the application layer: the combination that cannot
work (dfu_mcumgr with CAF ble_smp) fails with its reason, the defaults of the DFU options follow
nRF Connect SDK's rules, and every shipped configuration still passes."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

SOURCE = pathlib.Path(os.environ.get("SMPDFU_SOURCE_DIR")
                      or pathlib.Path(__file__).resolve().parents[2])
GENCONFIG = SOURCE / "scripts" / "genconfig.py"
BASE = SOURCE / "configs" / "sim_udp.conf"

EXCLUSIVE_REASON = ("they are mutually exclusive: both are the final subscriber of "
                    "ble_smp_transfer_event, and ble_smp takes no DFU lock")

# Everything CAF ble_smp depends on, so that only the exclusion can fail.
BLE_SMP = """
CONFIG_CAF_BLE_STATE=y
CONFIG_MCUMGR_TRANSPORT_BT=y
CONFIG_CAF_BLE_SMP=y
"""


def genconfig(tmp_path, *fragments, base=True):
    """Runs genconfig on the base configuration plus fragments (text); returns (rc, stderr,
    {name: value} of the generated header)."""
    paths = [str(BASE)] if base else []
    for i, text in enumerate(fragments):
        p = tmp_path / f"frag{i}.conf"
        p.write_text(text)
        paths.append(str(p))
    header = tmp_path / "config.h"
    proc = subprocess.run([sys.executable, str(GENCONFIG), "--kconfig", str(SOURCE / "Kconfig"),
                           "--header", str(header), "--dotconfig", str(tmp_path / ".config"),
                           *paths], cwd=SOURCE, capture_output=True, text=True)
    values = {}
    if proc.returncode == 0:
        for line in header.read_text().splitlines():
            m = re.match(r"#define CONFIG_(\w+) (.*)$", line)
            if m:
                values[m.group(1)] = m.group(2)
    return proc.returncode, proc.stderr, values


def test_dfu_mcumgr_with_ble_smp_fails_with_reason(tmp_path):
    rc, err, _ = genconfig(tmp_path, "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n" + BLE_SMP)
    assert rc != 0
    assert "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE and CONFIG_CAF_BLE_SMP are both enabled" in err
    assert EXCLUSIVE_REASON in err
    # The reason is the only complaint: the fragment is otherwise valid.
    assert err.count("genconfig: error:") == 1


def test_each_of_them_alone_is_fine(tmp_path):
    rc, err, cfg = genconfig(tmp_path, BLE_SMP)
    assert rc == 0, err
    assert cfg["CAF_BLE_SMP"] == "1" and cfg["DESKTOP_DFU_MCUMGR_ENABLE"] == "0"
    assert cfg["CAF_BLE_SMP_TRANSFER_EVENTS"] == "1"  # selected

    rc, err, cfg = genconfig(tmp_path, "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n")
    assert rc == 0, err
    assert cfg["DESKTOP_DFU_MCUMGR_ENABLE"] == "1" and cfg["CAF_BLE_SMP"] == "0"


def test_dfu_mcumgr_selects_what_it_needs(tmp_path):
    # Without the base configuration: the module alone must pull in MCUmgr and its hooks.
    rc, err, cfg = genconfig(tmp_path, "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n", base=False)
    assert rc == 0, err
    for name in ("MCUMGR", "MCUMGR_GRP_IMG", "MCUMGR_GRP_OS", "MCUMGR_MGMT_NOTIFICATION_HOOKS",
                 "MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK", "MCUMGR_GRP_IMG_STATUS_HOOKS",
                 "MCUMGR_GRP_OS_RESET_HOOK", "SMPDFU_IMG_WRITE_CHECK_HOOK", "IMG_MANAGER",
                 "STREAM_FLASH", "FLASH_MAP", "FLASH", "APP_EVENT_MANAGER"):
        assert cfg[name] == "1", name
    # Transfer events only with the Bluetooth LE transport.
    assert cfg["CAF_BLE_SMP_TRANSFER_EVENTS"] == "0"
    rc, err, cfg = genconfig(tmp_path, "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n"
                             "CONFIG_MCUMGR_TRANSPORT_BT=y\n")
    assert rc == 0, err
    assert cfg["CAF_BLE_SMP_TRANSFER_EVENTS"] == "1"


def test_dfu_mcumgr_requires_mcuboot(tmp_path):
    rc, err, _ = genconfig(tmp_path, "CONFIG_BOOTLOADER_MCUBOOT=n\n"
                           "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n")
    assert rc != 0
    assert "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y was asked for" in err


def test_ble_smp_requires_its_dependencies(tmp_path):
    rc, err, _ = genconfig(tmp_path, "CONFIG_CAF_BLE_SMP=y\n")
    assert rc != 0
    assert "CONFIG_CAF_BLE_SMP=y was asked for" in err


@pytest.mark.parametrize("channel,mcumgr,lock", [
    ("n", "n", "0"), ("y", "n", "0"), ("n", "y", "0"), ("y", "y", "1")])
def test_dfu_lock_default(tmp_path, channel, mcumgr, lock):
    rc, err, cfg = genconfig(tmp_path, f"CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE={channel}\n"
                             f"CONFIG_DESKTOP_DFU_MCUMGR_ENABLE={mcumgr}\n")
    assert rc == 0, err
    assert cfg["DESKTOP_DFU_LOCK"] == lock


def test_dfu_lock_can_be_set_by_hand(tmp_path):
    rc, err, cfg = genconfig(tmp_path, "CONFIG_DESKTOP_DFU_LOCK=y\n")
    assert rc == 0, err
    assert cfg["DESKTOP_DFU_LOCK"] == "1"


@pytest.mark.parametrize("mode,xip", [
    ("MCUBOOT_BOOTLOADER_MODE_SWAP_USING_MOVE", "0"),
    ("MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY", "0"),
    ("MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP", "1"),
    ("MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT", "0")])
def test_direct_xip_default_follows_bootloader_mode(tmp_path, mode, xip):
    rc, err, cfg = genconfig(tmp_path, f"CONFIG_{mode}=y\nCONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n")
    assert rc == 0, err
    assert cfg["DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP"] == xip


def test_shipped_configurations_pass(tmp_path):
    rc, err, cfg = genconfig(tmp_path)
    assert rc == 0, err
    assert cfg["APP_EVENT_MANAGER"] == "1"
    for overlay in sorted((SOURCE / "configs" / "variants").glob("*.conf")):
        rc, err, _ = genconfig(tmp_path, overlay.read_text())
        assert rc == 0, f"{overlay.name}: {err}"


@pytest.mark.parametrize("signature", ["ECDSA_P256", "ED25519"])
def test_a_required_signature_without_a_key_fails_with_reason(tmp_path, signature):
    rc, err, _ = genconfig(tmp_path, f"CONFIG_BOOT_SIGNATURE_TYPE_{signature}=y\n")
    assert rc != 0
    assert (f"CONFIG_BOOT_SIGNATURE_TYPE_{signature} is on but CONFIG_BOOT_SIGNATURE_KEY_FILE is "
            "empty: a required signature needs the key it must be made with") in err
    rc, err, cfg = genconfig(tmp_path, f"CONFIG_BOOT_SIGNATURE_TYPE_{signature}=y\n"
                             'CONFIG_BOOT_SIGNATURE_KEY_FILE="key.pem"\n')
    assert rc == 0, err
    assert cfg["SMPDFU_BOOT_SIGNATURE_REQUIRED"] == "1"


def test_a_production_build_must_require_a_signature(tmp_path):
    rc, err, _ = genconfig(tmp_path, "CONFIG_SMPDFU_PRODUCTION=y\n")
    assert rc != 0
    assert ("CONFIG_SMPDFU_PRODUCTION is on but CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED is not: "
            "a product must refuse images nobody signed") in err
    rc, err, cfg = genconfig(tmp_path, "CONFIG_SMPDFU_PRODUCTION=y\n"
                             "CONFIG_BOOT_SIGNATURE_TYPE_ED25519=y\n"
                             'CONFIG_BOOT_SIGNATURE_KEY_FILE="key.pem"\n')
    assert rc == 0, err
    assert cfg["SMPDFU_PRODUCTION"] == "1"


def test_a_production_build_refuses_mcuboots_sample_key(tmp_path):
    """The whole path of a production build that names MCUboot's sample key: configured, its
    built-in key (the image tool first) fails to build, saying why; with a key of its own it
    builds. The spec's "a production configuration refuses to build with the sample keys"."""
    build = tmp_path / "build"
    own = tmp_path / "own.pem"
    tool = pathlib.Path(os.environ["SMPDFU_BUILD_DIR"]) / "tools" / "smpdfu-image"
    subprocess.run([str(tool), "keygen", "--type", "ecdsa-p256", str(own)], check=True)
    for key, builds in ((SOURCE / "tests/vectors/mcuboot/root-ec-p256.pem", False), (own, True)):
        frag = tmp_path / "production.conf"
        frag.write_text("CONFIG_SMPDFU_PRODUCTION=y\nCONFIG_BOOT_SIGNATURE_TYPE_ECDSA_P256=y\n"
                        f'CONFIG_BOOT_SIGNATURE_KEY_FILE="{key}"\n')
        subprocess.run(["cmake", "-S", str(SOURCE), "-B", str(build), "-G", "Ninja",
                        f"-DSMPDFU_CONF={BASE};{frag}"], check=True, capture_output=True)
        proc = subprocess.run(["ninja", "-C", str(build), "sim/smpdfu-sim_builtin_key.c"],
                              capture_output=True, text=True)
        assert (proc.returncode == 0) == builds, proc.stdout
        if not builds:
            assert "is MCUboot's published sample key root-ec-p256.pem" in proc.stdout


@pytest.mark.parametrize("size", [63, 65544])
def test_packet_buffer_size_outside_its_range_fails_with_reason(tmp_path, size):
    """Below 64 bytes the answer writer's room and above 65543 an answer's 16-bit length field
    would wrap: refused at configuration time, with the range."""
    rc, err, _ = genconfig(tmp_path, f"CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE={size}\n")
    assert rc != 0
    assert "it is outside its range 64..65543" in err
    for good in (64, 65543):
        rc, err, cfg = genconfig(tmp_path, f"CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE={good}\n")
        assert rc == 0, err
        assert cfg["MCUMGR_TRANSPORT_NETBUF_SIZE"] == str(good)
