# SPDX-License-Identifier: Apache-2.0
"""Every Kconfig option that names a feature removes it: for each option, the feature probe
(tests/features/probe.c) is built with the option on and off, as a firmware image is built (only
the sources the configuration names, --gc-sections), and the test checks what the device answers
(a command that is off answers "not supported", rc 8), which sources were compiled and which
symbols are in the link. An option that were a name only would leave answer, source or symbol
where they were, and its test would fail.

A few configurations cover every option (each option's test looks only at what that option
changes): `base` has every feature on; the others turn groups of features off (or on, for the
options whose feature is off by default). The MCUmgr-off and bootloader-only configurations show
that those images build with -Werror."""
import functools
import json
import os
import pathlib
import socket
import subprocess
import time

import cbor2
import pytest

SOURCE = pathlib.Path(os.environ.get("SMPDFU_SOURCE_DIR")
                      or pathlib.Path(__file__).resolve().parents[2])
BUILD_ROOT = pathlib.Path(os.environ.get("SMPDFU_BUILD_DIR") or SOURCE / "build") / "features"
BASE = [str(SOURCE / "tests/features/base.conf")]

# Each configuration: the fragments, then options (name=value) on top.
CONFIGS = {
    "base": (BASE, []),
    # Commands, response forms and whatever else is not a group or a hook; no transport at all.
    "commands": (BASE, [
        "MCUMGR_GRP_OS_ECHO=n", "MCUMGR_GRP_OS_MCUMGR_PARAMS=n", "MCUMGR_GRP_OS_INFO=n",
        "MCUMGR_GRP_OS_BOOTLOADER_INFO=n", "MCUMGR_GRP_IMG_SLOT_INFO=n",
        "MCUMGR_SMP_SUPPORT_ORIGINAL_PROTOCOL=n", "MCUMGR_SMP_VERBOSE_ERR_RESPONSE=n",
        "MCUMGR_SMP_LEGACY_RC_BEHAVIOUR=y", "MCUMGR_GRP_IMG_FRUGAL_LIST=y",
        "IMG_ENABLE_IMAGE_CHECK=n", "SMPDFU_IMG_STATE_REPORT_IMAGE=n", "ASSERT=n",
        "LOG_DEFAULT_LEVEL=0", "MCUMGR_TRANSPORT_UART=n", "MCUMGR_TRANSPORT_BT=n",
        "MCUMGR_TRANSPORT_UDP=n", "CAF_BLE_STATE=n", "DESKTOP_BLE_LATENCY_ENABLE=n"]),
    # The notification hooks on, each kind of hook off (dfu_mcumgr would select them); UDP off,
    # and the serial decoder's counters.
    "hooks": (BASE, [
        "DESKTOP_DFU_MCUMGR_ENABLE=n", "MCUMGR_SMP_COMMAND_STATUS_HOOKS=n",
        "MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK=n", "MCUMGR_GRP_IMG_STATUS_HOOKS=n",
        "MCUMGR_GRP_OS_RESET_HOOK=n", "SMPDFU_IMG_WRITE_CHECK_HOOK=n",
        "MCUMGR_TRANSPORT_UDP=n", "MCUMGR_TRANSPORT_SERIAL_STATS=n"]),
    "no_hooks": (BASE, [
        "DESKTOP_DFU_MCUMGR_ENABLE=n", "MCUMGR_MGMT_NOTIFICATION_HOOKS=n",
        "MCUMGR_SMP_COMMAND_STATUS_HOOKS=n", "MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK=n",
        "MCUMGR_GRP_IMG_STATUS_HOOKS=n", "MCUMGR_GRP_OS_RESET_HOOK=n",
        "SMPDFU_IMG_WRITE_CHECK_HOOK=n"]),
    "no_groups": (BASE, [
        "DESKTOP_DFU_MCUMGR_ENABLE=n", "MCUMGR_GRP_OS=n", "MCUMGR_GRP_IMG=n",
        "MCUMGR_GRP_OS_RESET_HOOK=n", "MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK=n",
        "MCUMGR_GRP_IMG_STATUS_HOOKS=n", "SMPDFU_IMG_WRITE_CHECK_HOOK=n"]),
    "no_app": (BASE, [
        "APP_EVENT_MANAGER=n", "DESKTOP_DFU_MCUMGR_ENABLE=n",
        "DESKTOP_CONFIG_CHANNEL_DFU_ENABLE=n", "DESKTOP_DFU_LOCK=n", "CAF_BLE_STATE=n",
        "DESKTOP_BLE_LATENCY_ENABLE=n"]),
    # Images without MCUmgr: an application (the default configuration has it off) and the
    # bootloader alone.
    "mcumgr_off": ([], ["APP_EVENT_MANAGER=n"]),
    "boot_only": ([], ["MCUBOOT=y", "BOOTLOADER_MCUBOOT=n", "APP_EVENT_MANAGER=n"]),
}


class Probe:
    """One built and run probe: its answers, its link's symbols, its compiled sources."""

    def __init__(self, name):
        frags, options = CONFIGS[name]
        build = BUILD_ROOT / name
        build.mkdir(parents=True, exist_ok=True)
        extra = build / "options.conf"
        extra.write_text("".join(f"CONFIG_{o}\n" for o in options))
        conf = ";".join([*frags, str(extra)])
        for cmd in (["cmake", "-S", str(SOURCE / "tests/features"), "-B", str(build), "-G",
                     "Ninja", f"-DSMPDFU_CONF={conf}"],
                    ["cmake", "--build", str(build), "-j", "2"]):
            proc = subprocess.run(cmd, capture_output=True, text=True)
            assert proc.returncode == 0, f"{name}: {' '.join(cmd)}\n{proc.stdout}{proc.stderr}"
        exe = build / "probe"
        out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
        self.build = build
        self.lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
        self.text = out
        self.binary = exe.read_bytes()
        nm = subprocess.run(["nm", str(exe)], capture_output=True, text=True, check=True).stdout
        self.symbols = {parts[-1] for parts in (l.split() for l in nm.splitlines())}
        self.sources = set()
        for lib in ("libprobe_core.a", "libprobe_app.a"):
            if (build / lib).exists():
                ar = subprocess.run(["ar", "t", str(build / lib)], capture_output=True,
                                    text=True, check=True).stdout
                self.sources |= {m.removesuffix(".o").removesuffix(".obj")
                                 for m in ar.split()}

    def object_text(self, source):
        """The bytes of code of one compiled source of the core."""
        out = subprocess.run(["size", str(self.build / "libprobe_core.a")], capture_output=True,
                             text=True, check=True).stdout
        rows = [l.split() for l in out.splitlines()[1:]]
        return next(int(r[0]) for r in rows
                    if r[5].removesuffix(".o").removesuffix(".obj") == source)

    def answer(self, request):
        """The decoded answer to one of the probe's requests."""
        return cbor2.loads(bytes.fromhex(self.lines[request]))

    def hooks(self):
        return dict(kv.split("=") for kv in self.lines["hooks"].split())


@functools.lru_cache(maxsize=None)
def probe(name):
    return Probe(name)


def not_supported(answer):
    """rc 8, with or without a reason (verbose errors)."""
    return answer.get("rc") == 8 and set(answer) <= {"rc", "rsn"}


def refused_by_hook(answer):
    """rc 11 (access denied), which the probe's hooks answer, with or without a reason."""
    return answer.get("rc") == 11


def served(answer):
    """An answer that is not an SMP-level error (a group error still means the command ran)."""
    return "rc" not in answer or answer["rc"] == 0


# ---- Groups and commands: rc 8, and neither source nor handler in the link --------------------

@pytest.mark.parametrize("option,config,request_,symbols,sources", [
    ("MCUMGR_GRP_OS", "no_groups", "echo", {"smpdfu_os_mgmt_register", "reset"}, {"os_mgmt.c"}),
    ("MCUMGR_GRP_IMG", "no_groups", "state_read", {"smpdfu_img_mgmt_register", "smpdfu_img_upload"},
     {"img_mgmt.c", "img_upload.c", "img_state.c", "img_erase.c"}),
    ("MCUMGR_GRP_OS_ECHO", "commands", "echo", {"echo"}, set()),
    ("MCUMGR_GRP_OS_MCUMGR_PARAMS", "commands", "params", {"mcumgr_params"}, set()),
    ("MCUMGR_GRP_OS_INFO", "commands", "info", {"info"}, set()),
    ("MCUMGR_GRP_OS_BOOTLOADER_INFO", "commands", "bootloader_info", {"bootloader_info"}, set()),
    ("MCUMGR_GRP_IMG_SLOT_INFO", "commands", "slot_info", {"smpdfu_img_slot_info"},
     {"img_slot_info.c"}),
])
def test_group_or_command_off_is_not_supported_and_not_linked(option, config, request_, symbols,
                                                              sources):
    on, off = probe("base"), probe(config)
    assert served(on.answer(request_)), option
    assert symbols <= on.symbols and {s.removesuffix(".c") + ".c" for s in sources} <= on.sources
    assert not_supported(off.answer(request_))
    assert not symbols & off.symbols
    assert not sources & off.sources


# ---- What the SMP core does with a request --------------------------------------------------

def test_original_protocol():
    # SMP v1 requests: answered with the option, refused as too old (rc 12) without it.
    assert probe("base").answer("echo_v1") == {"r": "ho"}
    assert probe("commands").answer("echo_v1") == {"rc": 12}


def test_verbose_errors():
    assert probe("base").answer("upload_bad") == {"rc": 3, "rsn": "bad request"}
    assert probe("commands").answer("upload_bad") == {"rc": 3}
    # The reasons are not even in the image.
    for reason in (b"bad request", b"no offset", b"magic mismatch"):
        assert reason in probe("base").binary
        assert reason not in probe("commands").binary


def test_legacy_rc():
    assert "rc" not in probe("base").answer("state_read")
    assert probe("commands").answer("state_read")["rc"] == 0


def test_frugal_list():
    assert "splitStatus" in probe("base").answer("state_read")
    assert "splitStatus" not in probe("commands").answer("state_read")


def test_state_report_image():
    # A single-image build's state entries with "image": 0 in front of "slot", or (Zephyr 3.5's
    # answer) without it. (The size of img_state.c would not tell: "commands" turns off more.)
    on, off = probe("base"), probe("commands")
    assert [(e["slot"], e.get("image")) for e in on.answer("state_read_image")["images"]] == \
        [(0, 0)]
    entries = off.answer("state_read_image")["images"]
    assert [e["slot"] for e in entries] == [0] and "image" not in entries[0]


def test_image_check():
    assert probe("base").answer("upload")["match"] is False  # no sha given: nothing to match
    assert "match" not in probe("commands").answer("upload")
    assert "smpdfu_crypto_sha256_update" in probe("base").symbols
    assert "smpdfu_crypto_sha256_update" not in probe("commands").symbols


def test_assert():
    assert "smpdfu_port_assert_fail" in probe("base").symbols
    assert "smpdfu_port_assert_fail" not in probe("commands").symbols


def test_log_level_zero_leaves_no_log_call_and_no_string():
    base, quiet = probe("base"), probe("commands")
    assert "smpdfu_port_log" in base.symbols and "smpdfu_port_log" not in quiet.symbols
    assert b"upload of %u bytes to slot %u started" in base.binary
    assert b"upload of %u bytes to slot %u started" not in quiet.binary


# ---- Transports: their sources, and the sender's bytes every buffer keeps ---------------------

def test_transport_uart():
    assert {"smp_serial.c", "smp_serial_frame.c"} <= probe("base").sources
    assert not {"smp_serial.c", "smp_serial_frame.c"} & probe("commands").sources


def test_transport_bt():
    assert "smp_bt.c" in probe("base").sources
    assert "smp_bt.c" not in probe("commands").sources


def test_serial_stats():
    on, off = probe("base"), probe("hooks")
    # The same packet delivered and the same bad frame dropped, counted or not ...
    assert on.lines["serial"].split()[0] == off.lines["serial"].split()[0] == "packets=1"
    # ... but without the option the decoder keeps no ten 4-byte counters (nor the flag that
    # tells skipped lines from orphans, which may take a word of padding with it) ...
    state = {p: int(p.lines["serial"].split("state_bytes=")[1]) for p in (on, off)}
    assert 10 * 4 < state[on] - state[off] <= 10 * 4 + 8
    # ... and has no code that counts: the decoder and the transport are smaller.
    for source in ("smp_serial_frame.c", "smp_serial.c"):
        assert on.object_text(source) > off.object_text(source), source


def test_peer_bytes_follow_the_transports():
    # UDP keeps a socket address (32 bytes), Bluetooth LE a connection count, serial nothing.
    assert probe("base").lines["peer_bytes"] == "32"
    assert probe("hooks").lines["peer_bytes"] == "4"  # UDP off, Bluetooth LE on
    assert probe("commands").lines["peer_bytes"] == "0"


# ---- Hooks --------------------------------------------------------------------------------

def test_notification_hooks():
    on, off = probe("base"), probe("no_hooks")
    assert {"smpdfu_mgmt_callback_register", "smpdfu_mgmt_callback_notify"} <= on.symbols
    assert not {"smpdfu_mgmt_callback_register", "smpdfu_mgmt_callback_notify"} & off.symbols
    assert "mgmt_callbacks.c" in on.sources and "mgmt_callbacks.c" not in off.sources
    assert off.answer("reset") == {}


def test_command_status_hooks():
    assert int(probe("base").hooks()["recv"]) > 0
    assert probe("hooks").hooks()["recv"] == "0"


def test_upload_check_hook():
    # The probe's hook refuses the second first chunk (rc 11, access denied).
    assert refused_by_hook(probe("base").answer("upload_refused"))
    assert "off" in probe("hooks").answer("upload_refused")


def test_status_hooks():
    assert probe("base").hooks()["dfu_started"] == "1"
    assert probe("hooks").hooks()["dfu_started"] == "0"


def test_reset_hook():
    assert refused_by_hook(probe("base").answer("reset"))
    assert probe("hooks").answer("reset") == {}


def test_write_check_hook():
    assert refused_by_hook(probe("base").answer("erase"))
    assert probe("hooks").answer("erase") == {}


# ---- Application modules: compiled only when on ------------------------------------------

@pytest.mark.parametrize("option,sources", [
    ("APP_EVENT_MANAGER", {"app_event_manager.c", "event_pool.c", "app.c"}),
    ("DESKTOP_DFU_MCUMGR_ENABLE", {"dfu_mcumgr.c"}),
    ("DESKTOP_CONFIG_CHANNEL_DFU_ENABLE", {"dfu.c"}),
    ("DESKTOP_DFU_LOCK", {"dfu_lock.c"}),
    ("CAF_BLE_STATE", {"ble_state.c", "ble_link.c"}),
    ("DESKTOP_BLE_LATENCY_ENABLE", {"ble_latency.c"}),
])
def test_application_module(option, sources):
    assert sources <= probe("base").sources, option
    assert not sources & probe("no_app").sources, option


# ---- The one reset path: an entry for every file with state, nothing of what is off ---------

@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_every_file_with_state_has_a_reset_entry(config):
    """tests/build_checks/check_state_reset.py on what the configuration compiles, as a firmware
    image does. The probe calls smpdfu_state_reset(): its link would fail if the table named a
    file that is not compiled, and the option tests above find no symbol of what is off."""
    build = probe(config).build
    libs = [str(build / lib) for lib in ("libprobe_core.a", "libprobe_app.a")
            if (build / lib).exists()]
    proc = subprocess.run(["/usr/bin/python3",
                           str(SOURCE / "tests/build_checks/check_state_reset.py"), *libs],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---- Images without MCUmgr build (-Werror) and hold none of it ------------------------------

def test_mcumgr_off_builds_without_any_of_it():
    off = probe("mcumgr_off")
    assert off.text.strip() == "mcumgr off"
    assert not {"smpdfu_smp_process_unit", "smpdfu_smp_server_init", "smpdfu_cbor_decode_map"} & off.symbols
    assert not {"smp_server.c", "cbor_reader.c", "os_mgmt.c", "img_upload.c"} & off.sources


def test_bootloader_alone_builds():
    boot = probe("boot_only")
    assert {"loader.c", "image_validate.c"} <= boot.sources
    assert not {"smp_server.c", "boot_app.c", "os_mgmt.c"} & boot.sources
    # An application's image has the boot API, not the bootloader.
    assert "boot_app.c" in probe("base").sources and "loader.c" not in probe("base").sources


# ---- The simulated device: a group that is off is not there --------------------------------

def test_simulated_device_without_the_os_group_does_not_reset(tmp_path):
    """With CONFIG_MCUMGR_GRP_OS=n the device's main registers no OS group: a reset request is
    not supported (rc 8) and the device goes on running, where it once rebooted "in 0 ms"."""
    build = BUILD_ROOT / "sim_no_os"
    frag = tmp_path / "no_os.conf"
    frag.write_text("CONFIG_MCUMGR_GRP_OS=n\nCONFIG_MCUMGR_GRP_OS_RESET_HOOK=n\n"
                    "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=n\n")
    conf = f"{SOURCE / 'configs/sim_udp.conf'};{frag}"
    for cmd in (["cmake", "-S", str(SOURCE), "-B", str(build), "-G", "Ninja",
                 "-DCMAKE_BUILD_TYPE=RelWithDebInfo", f"-DSMPDFU_CONF={conf}"],
                ["cmake", "--build", str(build), "-j", "2", "--target", "smpdfu-sim",
                 "smpdfu"]):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout[-3000:]}{proc.stderr}"
    sym = subprocess.run(["nm", str(build / "sim/smpdfu-sim")], capture_output=True, text=True,
                         check=True).stdout
    assert "smpdfu_os_mgmt_register" not in sym
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dev = subprocess.Popen([str(build / "sim/smpdfu-sim"), "--flash", str(tmp_path / "flash.bin"),
                            "--recovery", "--no-serial", "--port", str(port), "--bind",
                            "127.0.0.1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
    try:
        assert "listening" in dev.stdout.readline() + dev.stdout.readline()
        client = [str(build / "tools/smpdfu"), "--port", str(port), "--json"]
        reset = subprocess.run(client + ["reset"], capture_output=True, text=True, timeout=30)
        assert reset.returncode != 0
        assert json.loads(reset.stdout) == {"rc": 8}, reset.stdout + reset.stderr
        time.sleep(0.5)
        assert dev.poll() is None  # still running: no reboot
        # The image group is still there.
        listing = subprocess.run(client + ["image", "list"], capture_output=True, text=True,
                                 timeout=30)
        assert listing.returncode == 0, listing.stdout + listing.stderr
    finally:
        dev.terminate()
        dev.wait(timeout=10)
