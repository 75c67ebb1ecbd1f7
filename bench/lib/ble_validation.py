# SPDX-License-Identifier: Apache-2.0
"""Published, measured Bluetooth LE figures and how the model is set up to predict each.

Each figure keeps its source, the settings the source gives, what had to be assumed where it gives
none, and how well the settings are pinned down: "yes" (all that matters is published), "partly"
(the central and the link are known, the device's set-up assumed), "no" (little is known). The
central profiles are the model's own (docs/ble_model.md), never fitted to these figures.

Which figures are here (the rule, set before any was predicted): a measured Bluetooth LE
throughput or SMP image upload speed from a public source, whose peripheral is a Nordic nRF52,
nRF53 or nRF54 device (the link rules are the SoftDevice Controller's, the device an SMP server),
whose central the source names, over a protocol the model runs: a stream of write commands or
notifications ("capacity") or an SMP image upload ("goodput"). The profile is the one of the named
central: a development kit or nRF5 SoftDevice board "dk"; an Android phone "android-high" when its
app asks for high priority (nRF Connect Device Manager does), else "android-balanced"; an iPhone
"ios"; a Linux host "bluez". A setting the source states replaces the profile's; what it does not
state is the profile's or, for the device, written under "assumed". Figures found and left out
are listed, with the reason, in docs/ble_model.md.

value/low/high are in kB/s (1000 bytes per second of payload); kbit/s figures are divided by 8.
measure: "capacity" compares the model's link capacity (a stream of write commands), "goodput"
the image bytes per second of a simulated DFU upload. build: the device build the upload needs.
"""

ANDROID_PR53 = "https://github.com/nordicsemi/Android-nRF-Connect-Device-Manager/pull/53"
IOS_PR186 = "https://github.com/nordicsemi/IOS-nRF-Connect-Device-Manager/pull/186"
NRFCDM_HIGH = ("nRF Connect Device Manager's DFU asks Android for high connection priority "
               "(McuMgrBleTransport.requestConnPriority before the upgrade starts)")
ZEPHYR_2022 = ("device: nRF52840 with Zephyr's smp_svr of the time (MTU 498, data length 251, "
               "2M); that smp_svr erased the image area at the first chunk, which is not in the "
               "figure: slot erased before the upload")

UNRULIFE = ("https://www.cnblogs.com/unrulife/p/10762527.html (read in the copy at "
            "http://runxinzhi.com/unrulife-p-10762527.html)")
UNRULIFE_ASSUMED = ("the nRF5 SDK's SoftDevice (the post's terms, not named); KB read as 1000 "
                    "bytes (1024: ratio 2.4 % lower); unencrypted; one figure given for both "
                    "directions")
ENIDANNY = ("https://enidanny.github.io/nrf5%20sdk/nrf5sdk-mtu_throughput-example (github.com/"
            "enidanny/enidanny.github.io, _posts/2021-08-05-nrf5sdk-mtu_throughput-example.md)")

FIGURES = [
    {
        "id": "ncs-throughput-400ms",
        "what": "nRF Connect SDK throughput sample, DK to DK, write commands",
        "source": "https://github.com/nrfconnect/sdk-nrf/blob/main/samples/bluetooth/"
                  "throughput/README.rst",
        "published": "1,415,583 bit/s received by the peer",
        "value": 1415.583 / 8,
        "settings": "2M PHY, data length 251, ATT MTU 498, 400 ms interval, events as long as "
                    "the interval (SoftDevice Controller on both kits)",
        "assumed": "",
        "pinned": "yes",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "400"],
    },
    {
        "id": "s140-2m-50ms",
        "what": "S140 SoftDevice specification, data throughput, write commands",
        "source": "https://docs.nordicsemi.com/r/HUqmNFbWu_oifN3fS6YR4w/00iYDd3pt2vz3YCYEAoP8Q "
                  "(figures quoted by https://blog.csdn.net/chengbaojin/article/details/124721522)",
        "published": "1327.5 kbit/s",
        "value": 1327.5 / 8,
        "settings": "2M PHY, data length 251, ATT MTU 247, 50 ms interval, event length as long "
                    "as the interval",
        "assumed": "",
        "pinned": "yes",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "50", "--mtu", "247"],
    },
    {
        "id": "s140-2m-400ms",
        "what": "S140 SoftDevice specification, data throughput, write commands",
        "source": "https://docs.nordicsemi.com/r/HUqmNFbWu_oifN3fS6YR4w/00iYDd3pt2vz3YCYEAoP8Q",
        "published": "1376.2 kbit/s",
        "value": 1376.2 / 8,
        "settings": "as above, 400 ms interval",
        "assumed": "",
        "pinned": "yes",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "400", "--mtu", "247"],
    },
    {
        "id": "nrfcdm-android-w1",
        "what": "nRF Connect Device Manager, Android, DFU without pipelining",
        "source": ANDROID_PR53,
        "published": "2-4 kB/s",
        "value": 3.0, "low": 2.0, "high": 4.0,
        "settings": "window 1, one SMP packet per write (no reassembly)",
        "assumed": NRFCDM_HIGH + "; phone not named; " + ZEPHYR_2022,
        "pinned": "partly",
        "central": "android-high",
        "measure": "goodput",
        "build": "fast",
        "args": ["--central", "android-high", "--reassembly", "off", "--window", "1",
                 "--part", "nrf52840"],
    },
    {
        "id": "nrfcdm-android-w3",
        "what": "nRF Connect Device Manager, Android, pipelined DFU",
        "source": ANDROID_PR53,
        "published": "16-20 kB/s",
        "value": 18.0, "low": 16.0, "high": 20.0,
        "settings": "window 3, one SMP packet per write (no reassembly)",
        "assumed": NRFCDM_HIGH + "; phone not named; " + ZEPHYR_2022,
        "pinned": "partly",
        "central": "android-high",
        "measure": "goodput",
        "build": "fast",
        "args": ["--central", "android-high", "--reassembly", "off", "--window", "3",
                 "--part", "nrf52840"],
    },
    {
        "id": "nrfcdm-android-reassembly",
        "what": "nRF Connect Device Manager, Android, pipelined DFU with reassembly",
        "source": ANDROID_PR53,
        "published": "36 kB/s",
        "value": 36.0,
        "settings": "window 3, SMP packets over several writes (device buffers 2475 bytes, 4)",
        "assumed": NRFCDM_HIGH + "; phone not named; " + ZEPHYR_2022,
        "pinned": "partly",
        "central": "android-high",
        "measure": "goodput",
        "build": "fast",
        "args": ["--central", "android-high", "--window", "3", "--part", "nrf52840"],
    },
    {
        "id": "nrfcdm-ios-nrf54-w1",
        "what": "nRF Connect Device Manager, iOS, nRF54 without MCUmgr params",
        "source": IOS_PR186,
        "published": "7 kB/s",
        "value": 7.0,
        "settings": "the library forced one buffer (window 1) when MCUmgr params was not "
                    "supported; no reassembly",
        "assumed": "iPhone not named; nRF54L RRAM needs no erase and writes fast: flash untimed",
        "pinned": "partly",
        "central": "ios",
        "measure": "goodput",
        "build": "fast6",
        "args": ["--central", "ios", "--reassembly", "off", "--window", "1"],
    },
    {
        "id": "nrfcdm-ios-nrf54-w5",
        "what": "nRF Connect Device Manager, iOS, nRF54 with 6 buffers",
        "source": IOS_PR186,
        "published": "40 kB/s",
        "value": 40.0,
        "settings": "6 buffers (window 5), no reassembly",
        "assumed": "iPhone not named; flash untimed (RRAM)",
        "pinned": "partly",
        "central": "ios",
        "measure": "goodput",
        "build": "fast6",
        "args": ["--central", "ios", "--reassembly", "off", "--window", "5"],
    },
    {
        "id": "nrfcdm-pixel7-nrf54-w5",
        "what": "nRF Connect Device Manager, Pixel 7 (Android 14), nRF54 with 6 buffers",
        "source": IOS_PR186,
        "published": "71 kB/s (top speed)",
        "value": 71.0,
        "settings": "6 buffers (window 5), no reassembly",
        "assumed": NRFCDM_HIGH + "; flash untimed (RRAM)",
        "pinned": "partly",
        "central": "android-high",
        "measure": "goodput",
        "build": "fast6",
        "args": ["--central", "android-high", "--reassembly", "off", "--window", "5"],
    },
    {
        "id": "smpmgr-nrf5340-ax201",
        "what": "smpmgr (Python, bleak) on a laptop with an Intel AX201, nRF5340",
        "source": "https://github.com/intercreate/smpmgr/pull/28",
        "published": "326,700 bytes in about 9 s of transfer: 36 kB/s",
        "value": 36.0,
        "settings": "nRF5340 with the image in the application core's flash",
        "assumed": "laptop OS not named (BlueZ profile); device as nRF Connect SDK's fast DFU "
                   "set-up (MTU 498, 2475-byte buffers, 4, window 3); Zephyr's page-by-page "
                   "erase, slot 1 holding an older image",
        "pinned": "partly",
        "central": "bluez",
        "measure": "goodput",
        "build": "fast",
        "size": 326700,
        "args": ["--central", "bluez", "--part", "nrf5340", "--erase", "page",
                 "--slot1", "dirty"],
    },
    {
        "id": "nrfconnect-nrf52832-mtu256",
        "what": "nRF Connect (Android) DFU to an nRF52832 on Zephyr 2.6",
        "source": "https://devzone.nordicsemi.com/f/nordic-q-a/79216/"
                  "ota-dfu-on-nrf52832-does-not-work-with-high-mtu/330181",
        "published": "about 2.6 kB/s",
        "value": 2.6,
        "settings": "device L2CAP TX MTU 256 (ATT MTU 256); 2021, before pipelining and "
                    "reassembly (window 1, one packet per write)",
        "assumed": "phone not named; the app is nRF Connect, not Device Manager, and nothing "
                   "shows it asking for high priority: Android's default, balanced; 2M, data "
                   "length 251; nRF52840 flash timing for the nRF52832; slot erased at the first "
                   "chunk",
        "pinned": "partly",
        "central": "android-balanced",
        "measure": "goodput",
        "build": "fast",
        "args": ["--central", "android-balanced", "--mtu", "256", "--reassembly", "off",
                 "--window", "1", "--part", "nrf52840"],
    },
    {
        "id": "nrfconnect-nrf52832-mtu517",
        "what": "as above, with device L2CAP TX MTU 521",
        "source": "https://devzone.nordicsemi.com/f/nordic-q-a/79216/"
                  "ota-dfu-on-nrf52832-does-not-work-with-high-mtu/330181",
        "published": "about 5 kB/s",
        "value": 5.0,
        "settings": "ATT MTU 517 (the phone's largest), window 1",
        "assumed": "as above",
        "pinned": "partly",
        "central": "android-balanced",
        "measure": "goodput",
        "build": "fast",
        "args": ["--central", "android-balanced", "--mtu", "517", "--reassembly", "off",
                 "--window", "1", "--part", "nrf52840"],
    },
    {
        "id": "go-mcumgr-linux",
        "what": "Go mcumgr CLI over BLE on Linux, Zephyr 2.x smp_svr",
        "source": "https://github.com/apache/mynewt-mcumgr-cli/issues/21",
        "published": "4-5 KiB/s",
        "value": 4.6, "low": 4.1, "high": 5.1,
        "settings": "one request at a time (the CLI does not pipeline), one packet per write",
        "assumed": "the CLI runs its own host on the controller (newtmgr's bll package), not "
                   "BlueZ, and takes the interval the peripheral asks for: Zephyr's 30-50 ms, its "
                   "upper end as in the BlueZ profile; ATT MTU 247; nRF52840 flash, slot erased "
                   "at the first chunk",
        "pinned": "no",
        "central": "bluez",
        "measure": "goodput",
        "build": "fast",
        "args": ["--central", "bluez", "--mtu", "247", "--reassembly", "off", "--window", "1",
                 "--part", "nrf52840"],
    },
    {
        "id": "mcumgr-cli-linux-nrf52832",
        "what": "mcumgr CLI over BLE on Linux, nRF52832 with Zephyr 1.13",
        "source": "https://github.com/zephyrproject-rtos/zephyr/issues/19244",
        "published": "2.4 KiB/s",
        "value": 2.4 * 1.024,
        "settings": "one request at a time (the CLI does not pipeline), one packet per write",
        "assumed": "as go-mcumgr-linux: the peripheral's 30-50 ms, its upper end (BlueZ "
                   "profile); ATT MTU 247; nRF52840 flash timing for the nRF52832, slot erased at "
                   "the first chunk",
        "pinned": "no",
        "central": "bluez",
        "measure": "goodput",
        "build": "fast",
        "args": ["--central", "bluez", "--mtu", "247", "--reassembly", "off", "--window", "1",
                 "--part", "nrf52840"],
    },
    {
        "id": "bluefruit-s140-187ms",
        "what": "Adafruit Bluefruit nRF52 to Bluefruit nRF52 (S140 SoftDevice), throughput "
                "sketch",
        "source": "https://github.com/adafruit/Adafruit_nRF52_Arduino/issues/318",
        "published": "172 Kbyte/s",
        "value": 172.0,
        "settings": "ATT MTU 247, event length 150 units (187.5 ms) on both sides, interval "
                    "150 units requested by the peripheral",
        "assumed": "2M PHY and data length 251 (the throughput sketches ask for both since "
                   "adafruit/Adafruit_nRF52_Arduino#324, which the author thanks); Kbyte read as "
                   "1000 bytes (1024: ratio 2.4 % lower)",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "187.5", "--mtu", "247"],
    },
    {
        "id": "nrf5sdk-att-mtu-1m-7.5ms",
        "what": "nRF5 SDK 17.0.2 ATT_MTU throughput example, nRF52840 DK to DK",
        "source": "https://github.com/bluerange-io/bluerange-mesh/issues/178",
        "published": "about 262 kbps",
        "value": 262 / 8,
        "settings": "1M PHY, 7.5 ms interval",
        "assumed": "ATT MTU and data length not stated: 247 and 251, the example's defaults "
                   "(its main.c takes them from sdk_config.h, not checked here); event length "
                   "extension on, as main.c sets it",
        "pinned": "no",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "7.5", "--phy", "1m", "--mtu", "247"],
    },
    {
        "id": "nrf5sdk-att-mtu-1m-15ms",
        "what": "as above, 15 ms interval",
        "source": "https://github.com/bluerange-io/bluerange-mesh/issues/178",
        "published": "about 490 kbps",
        "value": 490 / 8,
        "settings": "1M PHY, 15 ms interval",
        "assumed": "as above",
        "pinned": "no",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "15", "--phy", "1m", "--mtu", "247"],
    },
    # Added in the second round for issue 14 (admitted by the rule above before any was predicted).
    {
        "id": "ncs-throughput-v15-400ms",
        "what": "nRF Connect SDK throughput sample as documented for v1.5, DK to DK, write "
                "commands",
        "source": "https://github.com/nrfconnect/sdk-nrf/blob/v1.5.0/samples/bluetooth/throughput/"
                  "README.rst",
        "published": "612684 bytes in 2511 GATT writes at 1395626 bps (the tester's [peer] line)",
        "value": 1395.626 / 8,
        "settings": "2M PHY, data length 251, ATT MTU 247 (the README's defaults; 244 bytes a "
                    "write), 400 ms interval, SoftDevice Controller on both nRF52 kits",
        "assumed": "events as long as the interval (today's prj.conf sets "
                   "CONFIG_BT_CTLR_SDC_MAX_CONN_EVENT_LEN_DEFAULT=4000000; not checked for "
                   "v1.5); the README's peer block prints 1261557 bps, copied from the 2018 "
                   "README, so the tester's line is taken; the README version is the one with "
                   "the v1.5.0 note, its tag not verified",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "400", "--mtu", "247"],
    },
    {
        "id": "s132-1m-50ms",
        "what": "S132 SoftDevice specification v7.1, data throughput, notifications",
        "source": "https://blog.csdn.net/m0_37621078/article/details/115483595 (quoting "
                  "https://infocenter.nordicsemi.com/pdf/S132_SDS_v7.1.pdf)",
        "published": "702.8 kbps",
        "value": 702.8 / 8,
        "settings": "1M PHY, ATT MTU 247, 50 ms interval, event length as long as the interval",
        "assumed": "data length 251 (not in the quote; the blog's own set-up uses it); "
                   "unencrypted, as the S140 rows",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "50", "--phy", "1m", "--mtu", "247"],
    },
    {
        "id": "s132-1m-mtu23-7.5ms",
        "what": "S132 SoftDevice specification v7.1, data throughput, notifications",
        "source": "https://blog.csdn.net/m0_37621078/article/details/115483595 (quoting "
                  "https://infocenter.nordicsemi.com/pdf/S132_SDS_v7.1.pdf)",
        "published": "24 KB/s (the blog's kbit/s divided by 8)",
        "value": 24.0,
        "settings": "1M PHY, ATT MTU 23, 7.5 ms interval, event length as long as the interval",
        "assumed": "data length 27 (the SoftDevice's default; a 23-byte MTU needs no more); "
                   "unencrypted, as the S140 rows",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "7.5", "--phy", "1m", "--mtu", "23",
                 "--dl", "27"],
    },
    # Third round (issue 14): each admitted by the rule above, recorded here before it was
    # predicted.
    {
        "id": "unrulife-2m-7.5ms",
        "what": "nRF52840 to nRF52840 (nRF5 SDK, SoftDevice), write commands one way and "
                "notifications the other, 1000 packets",
        "source": UNRULIFE,
        "published": "132 KB/s average over 1000 packets",
        "value": 132.0,
        "settings": "2M PHY, data length 251, ATT MTU 247, 7.5 ms interval, GAP event length "
                    "500 ms with event length extension on",
        "assumed": UNRULIFE_ASSUMED,
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "7.5", "--mtu", "247"],
    },
    {
        "id": "unrulife-2m-30ms",
        "what": "as above, 30 ms interval",
        "source": UNRULIFE,
        "published": "164 KB/s average over 1000 packets",
        "value": 164.0,
        "settings": "as above, 30 ms interval",
        "assumed": UNRULIFE_ASSUMED,
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "30", "--mtu", "247"],
    },
    {
        "id": "unrulife-2m-500ms",
        "what": "as above, 500 ms interval",
        "source": UNRULIFE,
        "published": "176 KB/s average over 1000 packets",
        "value": 176.0,
        "settings": "as above, 500 ms interval",
        "assumed": UNRULIFE_ASSUMED,
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "500", "--mtu", "247"],
    },
    {
        "id": "enidanny-1m-mtu23",
        "what": "nRF5 SDK 17.0.2 ATT_MTU throughput example, nRF52840 DK to DK, notifications",
        "source": ENIDANNY,
        "published": "about 193 Kbps",
        "value": 193.0 / 8,
        "settings": "1M PHY, ATT MTU 23, data length 27",
        "assumed": "interval 7.5 ms and event length extension on, the example's defaults "
                   "(its main.c), not stated in the post",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "7.5", "--phy", "1m", "--mtu", "23",
                 "--dl", "27"],
    },
    {
        "id": "enidanny-2m-mtu247-50ms",
        "what": "as above, the post's best run",
        "source": ENIDANNY,
        "published": "150 KB/s (the post's conversion of the example's kbps print-out)",
        "value": 150.0,
        "settings": "2M PHY, ATT MTU 247, data length 251, 50 ms interval (the text; the "
                    "section heading says 40 ms)",
        "assumed": "event length extension on (the example's default); the text's 50 ms "
                   "taken over the heading's 40",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "50", "--mtu", "247"],
    },
    {
        "id": "enidanny-1m-mtu247-50ms",
        "what": "as above, 1M PHY",
        "source": ENIDANNY,
        "published": "about 90 KB/s",
        "value": 90.0,
        "settings": "1M PHY, ATT MTU 247, data length 251, 50 ms interval (as above)",
        "assumed": "as above",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "50", "--phy", "1m", "--mtu", "247"],
    },
    {
        "id": "enidanny-1m-mtu23-dl251",
        "what": "as above, the post's worst case",
        "source": ENIDANNY,
        "published": "10 KB/s",
        "value": 10.0,
        "settings": "1M PHY, ATT MTU 23, data length 251 (a case the author chose as the worst; "
                    "the result is not explained)",
        "assumed": "interval 7.5 ms and event length extension on, the example's defaults",
        "pinned": "no",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "7.5", "--phy", "1m", "--mtu", "23",
                 "--dl", "251"],
    },
    {
        "id": "nrf54l15-gatt-50ms",
        "what": "nRF54L15 DK to nRF54L15 DK (nRF Connect SDK v3.2.1, SoftDevice Controller), "
                "notifications",
        "source": "https://github.com/danahern/nrf_tests (zephyr_workspace/SUMMARY.md; "
                  "settings in zephyr_workspace/nrf54l15_gatt_peripheral_fast/prj.conf)",
        "published": "1346 kbps",
        "value": 1346.0 / 8,
        "settings": "2M PHY, data length 251, 495-byte notifications (ATT MTU 498), 50 ms "
                    "interval, CONFIG_BT_CTLR_SDC_MAX_CONN_EVENT_LEN_DEFAULT=4000000 (events "
                    "as long as the interval), 10 TX buffers",
        "assumed": "unencrypted; a hobby repository's own measurement",
        "pinned": "yes",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "50"],
    },
    {
        "id": "devzone28682-1m-mtu23-7.5ms",
        "what": "nRF5 SDK 14.2 ATT_MTU throughput example, S140, nRF52840 DK to DK, "
                "notifications",
        "source": "https://devzone.nordicsemi.com/f/nordic-q-a/28682/"
                  "ble_app_att_mtu_throughput-throughput-calculation-packets-per-interval-"
                  "data-length-extension",
        "published": "128 kbps (the runs after the first; the first gave 86 kbps)",
        "value": 128.0 / 8,
        "settings": "1M PHY, ATT MTU 23, 7.5 ms interval, data length extension on",
        "assumed": "data length 251 (DLE on); event length as long as the interval (not "
                   "stated; the poster counts 4, then 6, packets per interval)",
        "pinned": "partly",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--interval", "7.5", "--phy", "1m", "--mtu", "23",
                 "--dl", "251"],
    },
    {
        "id": "devzone32585-galaxys7-mtu23-15ms",
        "what": "nRF52832 (SDK 14.0, S132 5.0.0) to a Samsung Galaxy S7 (Android 7.0) with "
                "nRF Connect 4.17.0, notifications, the poster's baseline",
        "source": "https://devzone.nordicsemi.com/f/nordic-q-a/32585/nrf52832-sdk-14-0-s132-5-0-"
                  "0-optimizing-ble-throughput-between-nrf52-peripheral-and-android-device-"
                  "central",
        "published": "about 20 kbit/s",
        "value": 20.0 / 8,
        "settings": "ATT MTU 23, 15 ms interval, NRF_SDH_BLE_GAP_EVENT_LENGTH 3 (3.75 ms)",
        "assumed": "1M PHY (a Bluetooth 4.2 phone), data length 27 (the poster says data "
                   "length extension came only with the larger MTU); nRF Connect, not Device "
                   "Manager: Android's balanced profile with the stated 15 ms",
        "pinned": "partly",
        "central": "android-balanced",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "android-balanced", "--interval", "15", "--phy", "1m", "--mtu",
                 "23", "--dl", "27", "--event-len", "3.75"],
    },
    {
        "id": "ruuvi134-nrf52-1m",
        "what": "RuuviTag (nRF52832, S132) to another nRF52 board, GATT notification test",
        "source": "https://github.com/ruuvi/ruuvi.firmware.c/issues/134",
        "published": "200,000 bytes in 7 seconds",
        "value": 200.0 / 7,
        "settings": "1M PHY",
        "assumed": "interval, ATT MTU and data length not stated: the profile's (7.5 ms, "
                   "MTU 498, data length 251); seconds as rounded by the author",
        "pinned": "no",
        "central": "dk",
        "measure": "capacity",
        "build": "fast",
        "args": ["--central", "dk", "--phy", "1m"],
    },
]
