# SPDX-License-Identifier: Apache-2.0
"""The client takes a dfu_application.zip as NCS writes it (and as smpdfu-image zip writes it):
the application image in it is what reaches the device's secondary slot. Packages it cannot use
are refused with a reason, before anything is sent."""
import json
import os
import random
import subprocess
import zipfile
from pathlib import Path

from test_upload import signing_args

BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
CLIENT = BUILD / "tools" / "smpdfu"
IMAGE_TOOL = BUILD / "tools" / "smpdfu-image"


def client(dev_port, *args):
    return subprocess.run([str(CLIENT), "--port", str(dev_port), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def make_image(tmp_path, name, version, size, *extra):
    payload = tmp_path / f"{name}.payload"
    payload.write_bytes(random.Random(name).randbytes(size))
    out = tmp_path / f"{name}.bin"
    subprocess.run([str(IMAGE_TOOL), "create", "--version", version, "--pad-header", *extra,
                    *signing_args(), str(payload), str(out)], check=True)
    return out


def slot1(dev, layout, length):
    with open(dev.flash, "rb") as f:
        f.seek(layout.slot1)
        return f.read(length)


def manifest(files, name="app"):
    return json.dumps({"format-version": 1, "time": 1, "files": files, "name": name}, indent=4)


def test_upload_from_our_zip(start_device, layout, tmp_path):
    v1 = make_image(tmp_path, "v1", "1.0.0", 32 * 1024)
    v2 = make_image(tmp_path, "v2", "2.0.0", 100 * 1024)
    package = tmp_path / "dfu_application.zip"
    subprocess.run([str(IMAGE_TOOL), "zip", "--name", "app", package, v2], check=True)
    dev = start_device("--load-slot0", v1)
    r = client(dev.port, "image", "upload", package)
    assert r.returncode == 0, r.stderr
    assert "match" in r.stdout
    data = v2.read_bytes()
    assert slot1(dev, layout, len(data)) == data


def test_upload_from_an_ncs_style_zip_with_a_net_core_image(start_device, layout, tmp_path):
    """Written with Python's zipfile like generate_zip.py: the application is image 0, the
    network core image 1 (not for this device), and a manifest key order of NCS's."""
    v1 = make_image(tmp_path, "v1", "1.0.0", 32 * 1024)
    app = make_image(tmp_path, "app", "1.1.0", 40 * 1024)
    net = make_image(tmp_path, "net", "9.9.9", 20 * 1024)
    package = tmp_path / "dfu_application.zip"
    files = [
        {"type": "application", "board": "b", "soc": "s", "load_address": 0xc000,
         "image_index": "0", "slot_index_primary": "1", "slot_index_secondary": "2",
         "version_MCUBOOT": "1.1.0+0", "size": app.stat().st_size, "file": "app.bin",
         "modtime": 1},
        {"type": "application", "board": "b", "soc": "s", "image_index": "1",
         "slot_index_primary": "3", "slot_index_secondary": "4", "load_address": 0x1000000,
         "version": "9", "size": net.stat().st_size, "file": "net_core.bin", "modtime": 1},
    ]
    with zipfile.ZipFile(package, "w") as z:
        z.write(net, "net_core.bin")
        z.write(app, "app.bin")
        z.writestr("manifest.json", manifest(files))
    dev = start_device("--load-slot0", v1)
    r = client(dev.port, "image", "upload", package)
    assert r.returncode == 0, r.stderr
    data = app.read_bytes()
    assert slot1(dev, layout, len(data)) == data


def test_direct_xip_zip_holds_both_builds(start_device, layout, tmp_path):
    """Without knowing the running slot the client takes the slot-1 build: the one a device
    running its first image from slot 0 needs."""
    v1 = make_image(tmp_path, "v1", "1.0.0", 32 * 1024)
    b0 = make_image(tmp_path, "b0", "2.0.0", 30 * 1024, "--rom-fixed", str(layout.slot0))
    b1 = make_image(tmp_path, "b1", "2.0.0", 30 * 1024, "--rom-fixed", str(layout.slot1))
    package = tmp_path / "dfu_application.zip"
    subprocess.run([str(IMAGE_TOOL), "zip", "--direct-xip", package, b0, b1], check=True)
    dev = start_device("--load-slot0", v1)
    r = client(dev.port, "image", "upload", package)
    assert r.returncode == 0, r.stderr
    data = b1.read_bytes()
    assert slot1(dev, layout, len(data)) == data


def test_unusable_packages_are_refused(start_device, tmp_path):
    dev = start_device()
    app = make_image(tmp_path, "app", "1.0.0", 8 * 1024)
    one = [{"type": "application", "image_index": "0", "file": "app.bin"}]
    cases = {
        "no manifest": ([("app.bin", app.read_bytes())], zipfile.ZIP_STORED,
                        "no readable manifest.json"),
        "compressed": ([("app.bin", app.read_bytes()), ("manifest.json", manifest(one))],
                       zipfile.ZIP_DEFLATED, "compressed"),
        "missing file": ([("manifest.json", manifest(one))], zipfile.ZIP_STORED, "lacks"),
        "not an image": ([("app.bin", b"\0" * 4096), ("manifest.json", manifest(one))],
                         zipfile.ZIP_STORED, "not an MCUboot image"),
        "two applications": ([("app.bin", app.read_bytes()), ("manifest.json",
                              manifest(one + [{"file": "app.bin", "image_index": "0"}]))],
                             zipfile.ZIP_STORED, "more than one application"),
        "bad json": ([("app.bin", app.read_bytes()), ("manifest.json", "{\"files\": [")],
                     zipfile.ZIP_STORED, "no readable manifest.json"),
        "one xip build": ([("app.bin", app.read_bytes()), ("manifest.json", manifest(
                          [{"file": "app.bin", "image_index": "0", "slot": "0"}]))],
                          zipfile.ZIP_STORED, "slot 0 and one for slot 1"),
    }
    for what, (members, method, message) in cases.items():
        package = tmp_path / f"{what}.zip"
        with zipfile.ZipFile(package, "w", compression=method) as z:
            for name, data in members:
                z.writestr(name, data)
        r = client(dev.port, "image", "upload", package)
        assert r.returncode != 0, what
        assert message in r.stderr, (what, r.stderr)
    # A truncated archive.
    good = tmp_path / "good.zip"
    subprocess.run([str(IMAGE_TOOL), "zip", good, app], check=True)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[:-30])
    r = client(dev.port, "image", "upload", cut)
    assert r.returncode != 0 and "not a readable zip archive" in r.stderr
