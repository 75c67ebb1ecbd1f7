# SPDX-License-Identifier: Apache-2.0
"""The menuconfig target, driven headless in tmux: it opens kconfiglib's menu on a build's
configuration, an option toggled and saved lands in the build's menuconfig.conf fragment, and the
next configure takes it into <smpdfu/config.h>. guiconfig without a display says so."""
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

SRC = Path(os.environ.get("SMPDFU_SOURCE_DIR", Path(__file__).resolve().parents[2]))
CONF = os.environ.get("SMPDFU_CONF", "")  # the build's fragments, comma-separated
BASE = str(SRC / "configs" / "sim_udp.conf")

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux is missing (scripts/setup.sh installs it)"),
    # A build of its own from the base fragment: once per test run is enough, not per variant.
    pytest.mark.skipif(CONF not in ("", BASE, "configs/sim_udp.conf"),
                       reason="runs in the base build only"),
]


def configure(build):
    subprocess.run(["cmake", "-S", str(SRC), "-B", str(build), "-G", "Ninja",
                    f"-DSMPDFU_CONF={BASE}"], check=True, capture_output=True, text=True)


class Tmux:
    def __init__(self, command):
        self.name = f"smpdfu-menuconfig-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
                        command], check=True)

    def screen(self):
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True).stdout

    def wait_for(self, text, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.screen():
                return
            time.sleep(0.1)
        raise AssertionError(f"'{text}' never appeared; the screen:\n{self.screen()}")

    def keys(self, *keys):
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self):
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_menuconfig_writes_a_fragment_the_build_takes(tmp_path):
    build = tmp_path / "build"
    configure(build)
    fragment = build / "menuconfig.conf"
    assert "CONFIG_" not in fragment.read_text()  # made empty at configure time
    done = tmp_path / "done"
    tm = Tmux(f"cmake --build {build} --target menuconfig; echo $? > {done}; sleep 60")
    try:
        tm.wait_for("MCUmgr SMP server")
        tm.keys("/")
        tm.wait_for("Jump to symbol")
        tm.keys("LEGACY_RC")
        tm.wait_for("MCUMGR_SMP_LEGACY_RC_BEHAVIOUR(=n)")
        tm.keys("Enter")
        tm.wait_for('[ ] Put "rc": 0 in successful responses')
        tm.keys("Space")
        tm.wait_for('[*] Put "rc": 0 in successful responses')
        tm.keys("S")
        tm.wait_for("Filename to save")
        tm.keys("Enter")
        tm.wait_for("Configuration saved")
        tm.keys("Enter")
        tm.keys("Q")
        end = time.monotonic() + 30
        while not done.exists() and time.monotonic() < end:
            time.sleep(0.1)
        assert done.read_text().strip() == "0", tm.screen()
    finally:
        tm.close()

    lines = [x for x in fragment.read_text().splitlines() if x and not x.startswith("#")]
    assert lines == ["CONFIG_MCUMGR_SMP_LEGACY_RC_BEHAVIOUR=y"]
    # The next configure reads it after the build's own fragment.
    configure(build)
    config_h = (build / "generated" / "smpdfu" / "config.h").read_text()
    assert "#define CONFIG_MCUMGR_SMP_LEGACY_RC_BEHAVIOUR 1" in config_h
    # A fragment that asks for what cannot be is refused like any other.
    fragment.write_text("CONFIG_MCUMGR_GRP_OS_ECHO=maybe\n")
    r = subprocess.run(["cmake", str(build)], capture_output=True, text=True)
    assert r.returncode != 0 and "menuconfig.conf" in r.stderr + r.stdout


def test_guiconfig_without_a_display_says_so(tmp_path):
    build = tmp_path / "build"
    configure(build)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    r = subprocess.run(["cmake", "--build", str(build), "--target", "guiconfig"],
                       capture_output=True, text=True, env=env)
    assert r.returncode != 0
    assert "guiconfig: no display" in r.stdout + r.stderr
