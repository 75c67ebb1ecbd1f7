# SPDX-License-Identifier: Apache-2.0
"""The firmware on an emulated BBC micro:bit (nRF51822): our bootloader and SMP application,
updated over the emulated UART by our client, as a user updates a board. Every reset here is a
real guest system reset, and the bootloader swaps on the emulated flash controller."""
import re
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import assert_stack_never_overflowed, board_from
from qemu_board import Board, elf_symbol

BOOT_BANNER = r"I: boot: smpdfu bootloader on bbc_microbit"


def booted(board: Board, version: str, start: int = 0) -> int:
    """Waits until the application reports `version` after offset start of the console;
    returns the offset after that line."""
    m = board.wait_console(rf"^I: app: smpdfu-app {re.escape(version)} on bbc_microbit.*$",
                           start)
    return m.end()


def slots(board: Board) -> dict:
    """image list as {slot: (version, flags, hash)}."""
    out = board.smp("image", "list").stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^0\s+(\d)\s+(\S+)\s+(.*?)\s+([0-9a-f]{64})$", line)
        if m:
            rows[int(m.group(1))] = (m.group(2), m.group(3).split(), m.group(4))
    return rows


def reset(board: Board) -> int:
    """Asks the application for a reset over SMP; returns the console offset before it."""
    start = len(board.console())
    board.smp("reset")
    board.wait_console(BOOT_BANNER, start)
    return start


def upload_and_test(board: Board, fw, image) -> str:
    board.smp("image", "upload", str(image))
    digest = fw.image_hash(image)
    board.smp("image", "test", digest)
    assert "pending" in slots(board)[1][1]
    return digest


def test_factory_board_runs_v1_confirmed(board):
    booted(board, "1.0.0")
    assert re.search(BOOT_BANNER + r"\r?\nI: boot: booting slot 0 version 1\.0\.0",
                     board.console())
    rows = slots(board)
    assert rows[0][:2] == ("1.0.0", ["active", "confirmed"])
    assert 1 not in rows
    assert board.smp("os-info", "r").stdout.strip() == "1.0.0"
    assert board.smp("params").stdout.split() == ["buf_size:", "384", "buf_count:", "4"]


def test_upload_test_reset_swap_confirm_reset_keeps_v2(board, fw, tmp_path):
    """The whole update as a user does it, with an application that only an SMP confirm makes
    permanent (the manual-confirm build)."""
    booted(board, "1.0.0")
    v2 = fw.sign("app_manual_confirm", "2.0.0", tmp_path / "v2.bin")
    digest = upload_and_test(board, fw, v2)

    start = reset(board)
    end = booted(board, "2.0.0", start)
    log = board.console()[start:end]
    assert "I: boot: swap type test" in log
    assert "I: boot: swap complete" in log
    assert "smpdfu-app 2.0.0 on bbc_microbit, not confirmed yet" in log
    rows = slots(board)
    assert rows[0] == ("2.0.0", ["active"], digest)
    assert rows[1][0] == "1.0.0"
    assert board.smp("os-info", "r").stdout.strip() == "2.0.0"

    board.smp("image", "confirm")
    assert slots(board)[0][1] == ["active", "confirmed"]
    start = reset(board)
    booted(board, "2.0.0", start)
    assert "swap type" not in board.console()[start:]
    assert slots(board)[0] == ("2.0.0", ["active", "confirmed"], digest)


def test_dfu_mcumgr_confirms_the_new_image_at_boot(board, fw, tmp_path):
    """The nRF Desktop application confirms itself once main is READY: no SMP confirm."""
    booted(board, "1.0.0")
    v2 = fw.sign("app", "2.0.0", tmp_path / "v2.bin")
    upload_and_test(board, fw, v2)
    start = reset(board)
    booted(board, "2.0.0", start)
    board.wait_console(r"I: app: running image confirmed|I: dfu_mcumgr: running image confirmed",
                       start)
    start = reset(board)
    booted(board, "2.0.0", start)
    assert slots(board)[0][:2] == ("2.0.0", ["active", "confirmed"])


def test_unconfirmed_v3_is_reverted_to_v2(board, fw, tmp_path):
    booted(board, "1.0.0")
    upload_and_test(board, fw, fw.sign("app_manual_confirm", "2.0.0", tmp_path / "v2.bin"))
    booted(board, "2.0.0", reset(board))
    board.smp("image", "confirm")

    upload_and_test(board, fw, fw.sign("app_manual_confirm", "3.0.0", tmp_path / "v3.bin"))
    booted(board, "3.0.0", reset(board))
    assert slots(board)[0][:2] == ("3.0.0", ["active"])

    # v3 never confirms: the next reset takes it back out.
    start = reset(board)
    booted(board, "2.0.0", start)
    assert "I: boot: swap type revert" in board.console()[start:]
    rows = slots(board)
    assert rows[0][:2] == ("2.0.0", ["active", "confirmed"])
    assert rows[1][0] == "3.0.0"


def other_key(fw, tmp_path):
    key = tmp_path / "other.pem"
    subprocess.run([str(fw.image_tool), "keygen", "--type", "ecdsa-p256", str(key)], check=True)
    return key


def test_unsigned_or_foreign_signed_images_are_refused_with_the_reason(board, fw, tmp_path):
    """The application requires the build key's signature: an upload without it is refused as
    it completes, and so is a request to boot it; v1 runs on."""
    foreign = fw.sign("app", "9.0.0", tmp_path / "foreign.bin", key=other_key(fw, tmp_path))
    unsigned = tmp_path / "unsigned.bin"
    subprocess.run([str(fw.image_tool), "create", "--version", "8.0.0", "--header-size",
                    fw.config["CONFIG_ROM_START_OFFSET"], "--pad-header",
                    str(fw.dir / "app.bin"), str(unsigned)], check=True)
    booted(board, "1.0.0")
    for image in (foreign, unsigned):
        start = len(board.console())
        r = board.smp("image", "upload", str(image), check=False)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "not signed by a key the device trusts" in r.stderr, r.stderr
        # The console says exactly why.
        m = re.search(r"W: img: the image in slot 1 is refused: (.*)\r?$",
                      board.console()[start:], re.M)
        assert m and "signature" in m.group(1), board.console()[start:]
        # Complete in the slot but inert: a test request is refused with the same reason.
        start = len(board.console())
        r = board.smp("image", "test", fw.image_hash(image), check=False)
        assert r.returncode == 1 and "will not boot that image" in r.stderr, r.stderr
        assert f"W: img: the image in slot 1 is refused: {m.group(1)}" in board.console()[start:]
        assert "pending" not in slots(board)[1][1]
    start = reset(board)
    booted(board, "1.0.0", start)
    assert "swap type" not in board.console()[start:]
    assert slots(board)[0][:2] == ("1.0.0", ["active", "confirmed"])


def test_bootloader_refuses_a_foreign_image_marked_for_test(fw, tmp_path):
    """What no upload can bring, put in the slot by hand: a foreign-signed image with a trailer
    that asks for a test. The bootloader refuses it, says why, scrubs it, and v1 runs."""
    foreign = fw.sign("app", "9.0.0", tmp_path / "foreign.bin", key=other_key(fw, tmp_path),
                      extra=["--pad"])
    flash = fw.flash_image(tmp_path / "flash.bin", (fw.dir / "boot.bin", 0),
                           (fw.dir / "app.signed.bin", fw.slot0),
                           (foreign, fw.slot0 + fw.slot_size))
    state = tmp_path / "foreign.state"
    Board.make_state(flash, state, tmp_path)
    board = board_from(fw, state, tmp_path)
    try:
        end = booted(board, "1.0.0")
        log = board.console()[:end]
        assert "I: boot: swap type test" in log
        assert re.search(r"W: boot: image in the secondary slot is not valid \(-\d+\): erasing "
                         r"it", log), log
        rows = slots(board)
        assert rows[0][:2] == ("1.0.0", ["active", "confirmed"])
        assert 1 not in rows
    finally:
        board.kill()


def swap_pending_state(fw, factory_state, tmp_path):
    """A saved board with v2 uploaded and marked for test: the next boot swaps."""
    work = tmp_path / "prepare"
    work.mkdir()
    board = board_from(fw, factory_state, work)
    try:
        booted(board, "1.0.0")
        upload_and_test(board, fw, fw.sign("app_manual_confirm", "2.0.0", tmp_path / "v2.bin"))
        board.power_off()
    finally:
        board.kill()
    return board.state


def swap_call_sequence(fw, pending, tmp_path, functions) -> list:
    """The calls a whole swap makes to the bootloader's `functions`, in order, by name: watched on
    the pending board up to the bootloader starting the image."""
    boot = fw.dir / "boot.elf"
    names = {elf_symbol(boot, f): f for f in functions}
    start = elf_symbol(boot, "cortex_m_start_image")
    work = Path(tempfile.mkdtemp(prefix="calls-", dir=tmp_path))  # short: QMP's socket is in it
    board = board_from(fw, pending, work, gdb=True)
    calls = []
    try:
        gdb = board.attach_gdb()
        for addr in (*names, start):
            gdb.set_breakpoint(addr)
        while True:
            assert gdb.cont_until_stop().startswith(("S05", "T05"))
            if gdb.at_breakpoint == start:
                return calls
            calls.append(names[gdb.at_breakpoint])
    finally:
        board.kill()


def swap_calls(fw, pending, tmp_path, function):
    """How many times a whole swap enters `function` of the bootloader. The count follows the
    images' sizes (the swap moves as many sectors as they take), so the points below are
    fractions of it."""
    return len(swap_call_sequence(fw, pending, tmp_path, [function]))


# The points spread over the swap, from before its status is recorded to its last write: the
# first few calls, fractions of the way, the last ones (a swap of a 24 KiB application enters
# nvmc_erase 74 times and nvmc_program 144 times).
@pytest.mark.parametrize("function,points", [
    ("nvmc_erase", lambda t: [1, 2, 3, t // 6, t // 2, t * 5 // 6, t]),
    ("nvmc_program", lambda t: [1, 4, 5, t * 28 // 100, t * 70 // 100, t - 1, t]),
], ids=["nvmc_erase", "nvmc_program"])
def test_reset_at_points_of_a_swap_ends_in_the_new_image(fw, factory_state, tmp_path, function,
                                                         points):
    """A reset injected when the bootloader enters its N-th flash erase (or program) of the
    swap: the next boot carries the swap through (resumed, or begun again when nothing of it
    was recorded yet), the test image runs, and a plain reset without a confirm brings the old
    one back."""
    pending = swap_pending_state(fw, factory_state, tmp_path)
    calls = sorted(set(points(swap_calls(fw, pending, tmp_path, function))))
    entry = elf_symbol(fw.dir / "boot.elf", function)
    outcomes = {}
    for n in calls:
        work = tmp_path / f"{function}-{n}"
        work.mkdir()
        board = board_from(fw, pending, work, gdb=True)
        try:
            gdb = board.attach_gdb()
            gdb.set_breakpoint(entry)
            for _ in range(n):
                assert gdb.cont_until_stop().startswith(("S05", "T05"))
                assert gdb.at_breakpoint == entry
            cut_at = len(board.console())
            board.system_reset()
            gdb.clear_breakpoint(entry)
            gdb.detach()
            end = booted(board, "2.0.0", cut_at)
            log = board.console()[cut_at:end]
            if "I: boot: resuming an interrupted test swap to version 2.0.0" in log:
                outcomes[n] = "resumed"
            elif "I: boot: an interrupted test swap had moved nothing yet" in log:
                outcomes[n] = "restarted"
            else:
                assert "I: boot: swap type test" in log, log
                outcomes[n] = "begun again"
            assert slots(board)[0][:2] == ("2.0.0", ["active"])
            start = reset(board)
            booted(board, "1.0.0", start)
            assert "I: boot: swap type revert" in board.console()[start:]
        finally:
            board.kill()
        assert_stack_never_overflowed(board)
    print(function, outcomes)
    # The later points fall inside the swap, after sectors moved: resuming is what this is for.
    assert all(outcomes[n] == "resumed" for n in calls[-4:]), outcomes
    assert "begun again" in outcomes.values(), outcomes


def test_the_bootloader_feeds_the_watchdog_through_a_swap(fw, factory_state, tmp_path):
    """An application may leave the nRF watchdog running, and only a reset stops it: the
    bootloader feeds it after every erase and program of a swap (QEMU models no WDT, so the calls
    are watched, and their register writes are tests/unit/test_nrf_wdt.c's). The application does
    not feed it behind its own back: the function is not in its image."""
    pending = swap_pending_state(fw, factory_state, tmp_path)
    calls = swap_call_sequence(fw, pending, tmp_path,
                               ["nvmc_erase", "nvmc_program", "nrf_wdt_feed"])
    flash_ops = [i for i, f in enumerate(calls) if f != "nrf_wdt_feed"]
    assert calls.count("nvmc_erase") > 10 and calls.count("nvmc_program") > 10, calls
    # Each operation is followed by a feed before the next one (or the image's start).
    for i, nxt in zip(flash_ops, flash_ops[1:] + [len(calls)]):
        assert "nrf_wdt_feed" in calls[i + 1:nxt], (i, calls[i:nxt + 1])
    with pytest.raises(KeyError):
        elf_symbol(fw.dir / "app.elf", "nrf_wdt_feed")


def crashing_image(fw, version: str, out, ram_kib: int = None) -> Path:
    """A signed image whose start-up code faults at its first instruction: a vector table that
    passes the bootloader's checks (stack at the top of RAM, a Thumb reset vector inside the
    image) and a reset handler that is a permanently undefined instruction (UDF #0). With
    ram_kib, the stack is at the top of a part with that much RAM instead."""
    table = fw.slot0 + fw.num("CONFIG_ROM_START_OFFSET")
    sp = fw.num("CONFIG_SRAM_BASE_ADDRESS") + (ram_kib or fw.num("CONFIG_SRAM_SIZE")) * 1024
    raw = out.with_suffix(".raw")
    raw.write_bytes(struct.pack("<IIHH", sp, (table + 8) | 1, 0xDE00, 0xDE00))
    subprocess.run([str(fw.image_tool), "sign", "--version", version,
                    "--header-size", fw.config["CONFIG_ROM_START_OFFSET"], "--pad-header",
                    "--slot-size", hex(fw.slot_size),
                    "--max-sectors", fw.config["CONFIG_BOOT_MAX_IMG_SECTORS"],
                    "--key", str(fw.key), str(raw), str(out)], check=True)
    return out


def test_an_image_that_faults_before_its_console_is_up_is_reverted(board, fw, tmp_path):
    """A test image that faults in its start-up code, before it has turned the console on (the
    bootloader turned it off before the jump): the fault handler resets the board at once and the
    bootloader reverts to v1, rather than waiting forever to log on a disabled UART."""
    booted(board, "1.0.0")
    upload_and_test(board, fw, crashing_image(fw, "2.0.0", tmp_path / "crash.bin"))
    start = reset(board)
    board.wait_console(r"I: boot: starting the image at 0x", start)
    end = booted(board, "1.0.0", start)
    log = board.console()[start:end]
    assert log.count("I: boot: smpdfu bootloader on bbc_microbit") == 2, log
    assert "I: boot: swap type revert" in log, log
    assert slots(board)[0][:2] == ("1.0.0", ["active", "confirmed"])


def test_a_test_image_the_bootloader_will_not_start_is_reverted(board, fw, tmp_path):
    """A test image signed with the right key but linked for a part with more RAM (the nRF52840
    DK's 256 KiB): the bootloader swaps it in, finds its stack pointer outside this part's RAM
    and does not start it. Unconfirmed, it is reverted at the next boot, so the bootloader
    resets rather than wait for someone to press the reset button; v1 runs again."""
    booted(board, "1.0.0")
    upload_and_test(board, fw, crashing_image(fw, "2.0.0", tmp_path / "other.bin", ram_kib=256))
    start = reset(board)
    board.wait_console(r"E: boot: the image's vector table at 0x[0-9a-f]+ points outside it or "
                       r"RAM: not started", start)
    end = booted(board, "1.0.0", start)
    log = board.console()[start:end]
    assert "I: boot: swap type revert" in log, log
    assert slots(board)[0][:2] == ("1.0.0", ["active", "confirmed"])
