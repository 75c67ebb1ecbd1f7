# SPDX-License-Identifier: Apache-2.0
"""The BLE model against a few of the published figures of bench/lib/ble_validation.py, so that
the validation table of docs/ble_model.md cannot drift unnoticed: the figures the model meets stay
within ±10 %, and the predictions of the others stay where the table records them (a change to
the model that moves them must come with a regenerated table: bash bench/ble_validate.sh)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(os.environ.get("SMPDFU_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
CONF = os.environ.get("SMPDFU_CONF", "")
sys.path.insert(0, str(SRC / "bench" / "lib"))

import blesim  # noqa: E402
from ble_validation import FIGURES  # noqa: E402

pytestmark = pytest.mark.skipif(
    CONF not in ("", str(SRC / "configs" / "sim_udp.conf"), "configs/sim_udp.conf"),
    reason="builds its own devices; runs in the base build only")

# id: the ratio predicted / published the validation table records (None: a figure it meets).
CHECKED = {
    "ncs-throughput-400ms": None,
    "bluefruit-s140-187ms": None,
    "nrfcdm-ios-nrf54-w5": None,
    "nrfcdm-android-reassembly": None,
    "nrfconnect-nrf52832-mtu256": None,
    "unrulife-2m-7.5ms": None,
    "nrf54l15-gatt-50ms": None,
    "s132-1m-mtu23-7.5ms": None,
    "nrf5sdk-att-mtu-1m-15ms": None,
    "nrfcdm-android-w1": 5.21,
    "smpmgr-nrf5340-ax201": 0.84,
    "devzone32585-galaxys7-mtu23-15ms": 1.60,
    "devzone28682-1m-mtu23-7.5ms": 0.67,
}
EXTRA = {"fast": [], "fast6": ["CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT=6"]}


def blesim_of(build):
    out = BUILD / f"ble-validation-{build}"
    confs = [str(SRC / "configs" / "sim_udp.conf"), str(SRC / "configs" / "ble_fast_dfu.conf")]
    if EXTRA[build]:
        out.mkdir(parents=True, exist_ok=True)
        extra = out / "extra.conf"
        extra.write_text("\n".join(EXTRA[build]) + "\n")
        confs.append(str(extra))
    subprocess.run(["cmake", "-S", str(SRC), "-B", str(out), "-G", "Ninja",
                    "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DSMPDFU_CONF=" + ";".join(confs)],
                   check=True, capture_output=True)
    subprocess.run(["cmake", "--build", str(out), "--target", "smpdfu-blesim"], check=True,
                   capture_output=True)
    return out / "sim" / "ble" / "smpdfu-blesim"


@pytest.fixture(scope="module")
def binaries():
    return {b: blesim_of(b) for b in EXTRA}


@pytest.mark.parametrize("fig_id", sorted(CHECKED))
def test_published_figure_does_not_drift(binaries, fig_id):
    fig = next(f for f in FIGURES if f["id"] == fig_id)
    r = blesim.run(binaries[fig["build"]], fig["args"], fig.get("size", 524288))
    got = (r["capacity_Bps"] if fig["measure"] == "capacity" else r["goodput_Bps"]) / 1000
    ratio = got / fig["value"]
    recorded = CHECKED[fig_id]
    if recorded is None:
        assert abs(ratio - 1) <= 0.10, f"{fig_id}: {got:.1f} kB/s, {ratio:.3f} of published"
    else:
        assert abs(ratio - recorded) <= 0.02, \
            f"{fig_id}: ratio {ratio:.3f}, the table records {recorded}"
