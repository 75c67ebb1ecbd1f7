# SPDX-License-Identifier: Apache-2.0
"""What the application modules of a build make the simulated device do on its own at every boot,
and two pytest markers for tests written for a device that does none of it:

  device_idle_at_boot  the device leaves slot 1 and the DFU lock alone after a (re)boot: no flash
                       operation of its own, commands right after the start are not refused
  no_boot_confirm      the running image stays unconfirmed at boot (a test swap can revert)
  runtime_keys         the device takes the keys it trusts at run time (--key), or none

A marked test is skipped, with the reason, in the builds where that does not hold (the nRF Desktop
variants: the config-channel DFU erases slot 1 at boot under the DFU lock, dfu_mcumgr and the
config-channel DFU confirm the running image; builds that require signatures trust only their
built-in key). Both tests/system and tests/oracle use this."""
import re
from pathlib import Path

import pytest

MARKERS = {
    "device_idle_at_boot": "needs a device that leaves slot 1 and the DFU lock alone at boot",
    "no_boot_confirm": "needs the running image left unconfirmed at boot",
    "runtime_keys": "needs a device that takes its trusted keys at run time (--key)",
}


def read_config(path) -> dict:
    """The generated <smpdfu/config.h>: numbers as int, strings without their quotes."""
    values = {}
    for line in Path(path).read_text().splitlines():
        m = re.match(r'#define (CONFIG_\w+) "(.*)"$', line)
        if m:
            values[m.group(1)] = m.group(2)
            continue
        m = re.match(r"#define (CONFIG_\w+) (\S+)$", line)
        if m:
            try:
                values[m.group(1)] = int(m.group(2), 0)
            except ValueError:
                pass
    return values


def skip_reasons(cfg: dict) -> dict:
    """Marker -> why this build cannot run tests that carry it (absent when it can)."""
    on = lambda name: cfg.get(name) == 1  # noqa: E731
    # Only direct-XIP without revert has nothing to confirm (with revert, an unconfirmed image
    # is erased at the next boot).
    nothing_to_confirm = on("CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP")
    reasons = {}
    if on("CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE"):
        reasons["device_idle_at_boot"] = (
            "the config-channel DFU erases slot 1 at every boot and holds the DFU lock "
            "meanwhile (nRF Desktop)")
    if ((on("CONFIG_DESKTOP_DFU_MCUMGR_ENABLE")
         and not on("CONFIG_DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP"))
            or (on("CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE") and not nothing_to_confirm)):
        reasons["no_boot_confirm"] = (
            "dfu_mcumgr / the config-channel DFU confirm the running image at boot (nRF Desktop)")
    if on("CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED"):
        reasons["runtime_keys"] = (
            "this build requires a signature by the key it was built with and takes no --key")
    return reasons


def register(config):
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")


def apply(items, config_h):
    """Skips the marked tests this build cannot run."""
    if not Path(config_h).exists():
        return
    reasons = skip_reasons(read_config(config_h))
    for item in items:
        for name, why in reasons.items():
            if item.get_closest_marker(name) is not None:
                item.add_marker(pytest.mark.skip(reason=why))
