# SPDX-License-Identifier: Apache-2.0
"""An emulated BBC micro:bit (QEMU's `microbit` machine, an nRF51822) for the firmware tests, the
footprint benchmark and scripts/run_microbit.sh.

QEMU copies images given with `-device loader` into flash again at every guest reset, which would
undo every update. So the board is powered on from a saved machine state instead
(`-incoming`): the factory flash is loaded once into a stopped machine and saved; from then on
no image is loaded, and the flash keeps what the guest writes across guest resets and, through
`power_off()`, across QEMU restarts (a power cycle).

The console UART is a pseudo-terminal for the SMP client; everything the guest sends is also
logged to a file, which is how the tests read the bootloader's and the application's console.
Between clients the board keeps the terminal open and drains it itself: QEMU then never sees
the terminal hung up (it would look again only once a second), and the guest, which waits for
each byte to go out, never waits for a reader.
QMP drives the machine (reset, stop, save); the GDB stub stops it at a chosen call of a chosen
function, so a reset can be injected at an exact point of a swap.
"""
import contextlib
import json
import os
import re
import select
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

QEMU = shutil.which("qemu-system-arm")
PTY_RE = re.compile(r"char device redirected to (/dev/pts/\d+)")


class Qmp:
    """QEMU's machine protocol over a unix socket: commands and their answers, events skipped."""

    def __init__(self, path: Path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(str(path))
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rwb")
        self._read()  # the greeting
        self.cmd("qmp_capabilities")

    def _read(self) -> dict:
        while True:
            line = self.file.readline()
            # Only the end of the stream cuts a line short: QEMU quitting while its events (a
            # GDB session leaves a STOP and a RESUME per breakpoint) were still going out.
            if not line.endswith(b"\n"):
                raise ConnectionError("QMP connection closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name: str, **args):
        self.file.write(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        self.file.flush()
        msg = self._read()
        if "error" in msg:
            raise RuntimeError(f"QMP {name}: {msg['error']}")
        return msg["return"]

    def close(self):
        self.file.close()
        self.sock.close()


class Gdb:
    """The GDB remote protocol, as much as stopping at a breakpoint needs."""

    def __init__(self, path: Path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(str(path))
        self.sock.settimeout(timeout)
        self.buf = b""
        self.breakpoints = set()
        self.at_breakpoint = None  # the breakpoint the machine stopped at, if any

    def _send(self, data: str):
        csum = sum(data.encode()) & 0xFF
        self.sock.sendall(f"${data}#{csum:02x}".encode())

    def _packet(self) -> str:
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start)
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                data = self.buf[start + 1:end].decode()
                self.buf = self.buf[end + 3:]
                self.sock.sendall(b"+")
                return data
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("GDB stub closed")
            self.buf += chunk

    def request(self, data: str) -> str:
        self._send(data)
        return self._packet()

    def set_breakpoint(self, addr: int):
        assert self.request(f"Z0,{addr:x},2") == "OK"
        self.breakpoints.add(addr)

    def clear_breakpoint(self, addr: int):
        assert self.request(f"z0,{addr:x},2") == "OK"
        self.breakpoints.discard(addr)

    def pc(self) -> int:
        """The program counter: register 15 of the "g" reply (8 hex digits, little-endian,
        each); this stub does not answer single-register reads."""
        regs = self.request("g")
        return int.from_bytes(bytes.fromhex(regs[15 * 8:16 * 8]), "little")

    def cont_until_stop(self) -> str:
        """Lets the machine run until it stops at a breakpoint; returns the stop reply. The stub
        does not step over the breakpoint it stopped at (a debugger does that): so first one
        step without it."""
        if self.at_breakpoint is not None:
            addr = self.at_breakpoint
            self.clear_breakpoint(addr)
            self.request("s")
            self.set_breakpoint(addr)
        reply = self.request("c")
        pc = self.pc()
        self.at_breakpoint = pc if pc in self.breakpoints else None
        return reply

    def detach(self):
        self._send("D")
        try:
            self._packet()
        except (ConnectionError, socket.timeout):
            pass
        self.sock.close()


def elf_symbol(elf: Path, name: str) -> int:
    """The address of a (possibly static) function in an ELF, without its Thumb bit."""
    out = subprocess.run(["arm-none-eabi-nm", str(elf)], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16) & ~1
    raise KeyError(f"{name} is not in {elf}")


class Drain:
    """Holds the terminal open and reads away what nobody else reads, except while paused."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.running = threading.Event()
        self.running.set()
        self.idle = threading.Event()
        self.closing = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.closing:
            if not self.running.is_set():
                self.idle.set()
                self.running.wait(0.1)
                continue
            self.idle.clear()
            readable, _, _ = select.select([self.fd], [], [], 0.05)
            if readable:
                try:
                    os.read(self.fd, 65536)
                except (BlockingIOError, OSError):
                    pass

    def pause(self):
        self.running.clear()
        self.idle.wait(2.0)

    def resume(self):
        self.running.set()

    def close(self):
        self.closing = True
        self.running.set()
        self.thread.join(2.0)
        os.close(self.fd)


class Board:
    """One emulated board whose flash lives in a saved machine state (a file)."""

    def __init__(self, workdir: Path, state: Path, client: Path):
        self.dir = workdir
        self.state = state
        self.client = client
        self.proc = None
        self.qmp = None
        self.pty = None
        self.drain = None
        self.console_log = workdir / "console.log"
        self.gdb_sock = workdir / "gdb.sock"

    @staticmethod
    def make_state(flash_image: Path, state: Path, workdir: Path):
        """Saves a stopped machine whose flash holds flash_image: the factory state."""
        sock = workdir / "factory-qmp.sock"
        proc = subprocess.Popen([QEMU, "-M", "microbit", "-display", "none", "-S",
                                 "-serial", "null", "-monitor", "none",
                                 "-qmp", f"unix:{sock},server=on,wait=off",
                                 "-device", f"loader,file={flash_image},addr=0"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            qmp = Qmp(sock)
            Board._save(qmp, state)
            qmp.cmd("quit")
            qmp.close()
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    @staticmethod
    def _save(qmp: Qmp, state: Path):
        tmp = state.with_suffix(".new")
        qmp.cmd("migrate", uri=f"exec:cat > {tmp}")
        deadline = time.monotonic() + 20
        while True:
            status = qmp.cmd("query-migrate").get("status")
            if status == "completed":
                break
            if status == "failed" or time.monotonic() > deadline:
                raise RuntimeError(f"saving the machine state: {status}")
            time.sleep(0.02)
        os.replace(tmp, state)

    def power_on(self, gdb=False, own_session=False):
        """Starts QEMU from the saved state; the CPU runs from the reset vector (the
        bootloader). With gdb, the machine waits for attach_gdb() instead of running. With
        own_session, a Ctrl-C in the terminal reaches only the caller, which then powers off."""
        qmp_sock = self.dir / "qmp.sock"
        for stale in (qmp_sock, self.gdb_sock):
            stale.unlink(missing_ok=True)
        args = [QEMU, "-M", "microbit", "-display", "none", "-monitor", "none",
                "-incoming", "defer", "-qmp", f"unix:{qmp_sock},server=on,wait=off",
                "-chardev", f"pty,id=console,logfile={self.console_log},logappend=on",
                "-serial", "chardev:console"]
        if gdb:
            args += ["-gdb", f"unix:{self.gdb_sock},server=on,wait=off"]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=own_session)
        line = self.proc.stdout.readline()
        m = PTY_RE.search(line)
        if not m:
            self.kill()
            raise RuntimeError(f"QEMU did not start: {line}")
        self.pty = m.group(1)
        self.drain = Drain(self.pty)
        self.qmp = Qmp(qmp_sock)
        self.qmp.cmd("migrate-incoming", uri=f"exec:cat {self.state}")
        deadline = time.monotonic() + 20
        while self.qmp.cmd("query-status")["status"] == "inmigrate":
            if time.monotonic() > deadline:
                raise RuntimeError("loading the machine state took too long")
            time.sleep(0.02)
        if not gdb:
            self.qmp.cmd("cont")

    def attach_gdb(self) -> Gdb:
        return Gdb(self.gdb_sock)

    def system_reset(self):
        """A reset at a moment the host chooses (the machine keeps running, or resumes)."""
        self.qmp.cmd("system_reset")

    def power_off(self):
        """Stops the machine and keeps its flash for the next power_on(), which starts from the
        reset vector as after a power cycle (RAM and registers are not a power cut's concern:
        the saved CPU is the one a reset leaves)."""
        self.qmp.cmd("stop")
        self.qmp.cmd("system_reset")
        Board._save(self.qmp, self.state)
        self.kill()

    def kill(self):
        if self.drain is not None:
            self.drain.close()
            self.drain = None
        if self.qmp is not None:
            try:
                self.qmp.cmd("quit")
            except (OSError, RuntimeError, ConnectionError):
                pass
            self.qmp.close()
            self.qmp = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def console(self) -> str:
        return self.console_log.read_text(errors="replace") if self.console_log.exists() else ""

    def wait_console(self, pattern: str, start: int = 0, timeout: float = 20.0) -> re.Match:
        """Waits for pattern in the console text after offset start; returns the match."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            text = self.console()
            m = rx.search(text, start)
            if m:
                return m
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} on the console after {timeout} s; "
                                     f"it says:\n{text[start:][-3000:]}")
            time.sleep(0.05)

    @contextlib.contextmanager
    def talk(self):
        """For a reader of the terminal of its own (a client, a test): no draining meanwhile."""
        self.drain.pause()
        try:
            yield
        finally:
            self.drain.resume()

    def smp(self, *args, check=True, timeout=120) -> subprocess.CompletedProcess:
        """Runs the host client against the board's console."""
        with self.talk():
            r = subprocess.run([str(self.client), "--transport", "serial", "--device",
                                self.pty, *args], capture_output=True, text=True,
                               timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"smpdfu {' '.join(args)}: exit {r.returncode}\n"
                                 f"{r.stdout}\n{r.stderr}\n--- console ---\n"
                                 f"{self.console()[-3000:]}")
        return r
