#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The mutation score of src/: plants, one at a time, each mutation of a fixed list (a comparison
flipped, an off-by-one, a check dropped, a return value ignored, an error code swapped) in the
device code, rebuilds the unit tests of the base build (build/sim), runs them and counts the
mutation killed when one of them fails. Every file is restored afterwards, whatever happens.

    /usr/bin/python3 scripts/mutate.py             # every mutation (some 15 minutes on 2 cores)
    /usr/bin/python3 scripts/mutate.py --sample    # one mutation per directory (CI, < 2 minutes;
                                                   # exit status 1 when one survives)
    /usr/bin/python3 scripts/mutate.py --list      # the mutations, nothing run
    /usr/bin/python3 scripts/mutate.py 17 42       # some mutations, by number

The unit tests run one after the other and stop at the first failure (or hang: 60 s); the two
slow bootloader sweeps (test_boot_forged_trailer, test_boot_powercut, with SMPDFU_SWEEP=quick)
run only for a mutation of src/boot or src/image that the others let through. A mutation that does not compile
is an error of the list (exit status 2). Survivors are printed with their number: docs/testing.md
says for each why it cannot be caught (an equivalent mutant).
"""
import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "sim"
TESTS = BUILD / "tests"
SLOW = ["test_boot_forged_trailer", "test_boot_powercut"]
SLOW_DIRS = ("boot/", "image/")
TIMEOUT = 60  # a fast test that hangs is a killed mutation (the slow ones get 600 s)
SLOW_TIMEOUT = 600


def M(path, old, new, what):
    """
    A mutation: in src/`path`, the text `old` (found exactly once) becomes `new`. A dropped or forced
    check ("if (0) {" or "if (1) {" for a one-line "if (COND) {") keeps COND as "0 && (COND)" or
    "1 || (COND)": what it uses stays used.
    """
    head, cond = old.partition("if (")[0], old.partition("if (")[2]
    if new == head + "if (0) {" and "\n" not in old and cond.endswith(") {"):
        new = f"{head}if (0 && ({cond[:-3]})) {{"
    if new == head + "if (1) {" and "\n" not in old and cond.endswith(") {"):
        new = f"{head}if (1 || ({cond[:-3]})) {{"
    return (path, old, new, what)


MUTATIONS = [
    # --- flash ------------------------------------------------------------------------------
    M("flash/stream_writer.c", "erased_upto, page);\n\t\tif (rc < 0) {\n\t\t\treturn rc;\n\t\t}",
      "erased_upto, page);\n\t\t(void)rc;", "stream_writer ignores a failed erase"),
    M("flash/stream_writer.c", "sw->erased_upto < off + len;", "sw->erased_upto + page < off + len;",
      "stream_writer erases one page too few ahead"),
    M("flash/stream_writer.c", "rc = smpdfu_flash_area_erase_if_needed(fa, sw->erased_upto, page);",
      "rc = 0;", "stream_writer never erases"),
    M("flash/stream_writer.c", "if (len > sw->fa->size - sw->written) {",
      "if (len > sw->fa->size - sw->written + 1) {", "stream_writer bound off by one"),
    M("flash/stream_writer.c", "\t\tif (rc < 0) {\n\t\t\treturn rc;\n\t\t}\n\t}\n\tsw->buf_len = 0;",
      "\t\t(void)rc;\n\t}\n\tsw->buf_len = 0;",
      "flush forgets the buffer even when programming failed"),
    M("flash/stream_writer.c", "if (sw->buf_len != sw->written % block) {", "if (0) {",
      "the writer's consistency check dropped"),
    M("flash/flash_map.c", "off > fa->size || len > fa->size - off", "off > fa->size || len > fa->size - off + 1",
      "area range check off by one"),
    M("flash/flash_map.c", "return off % align == 0 && len % align == 0;", "return off % align == 0;",
      "alignment of the length not checked"),
    M("flash/flash_map.c", "return a->off < b->off + b->size && b->off < a->off + a->size;",
      "return a->off <= b->off + b->size && b->off < a->off + a->size;",
      "overlap check off by one: adjacent areas conflict"),
    M("flash/flash_map.c", "if (areas_conflict(&areas[i], &areas[j])) {", "if (0) {",
      "overlapping areas accepted"),
    M("flash/flash_map.c", "if (rem == 0) {\n\t\treturn len;", "if (rem == 1) {\n\t\treturn len;",
      "page round-up: a whole page rounded again"),
    M("flash/flash_map.c", "return fa->off <= dev->size && fa->size <= dev->size - fa->off;",
      "return fa->off <= dev->size;", "an area past the device's end accepted"),
    # --- grp/img ----------------------------------------------------------------------------
    M("grp/img/img_upload.c", "rc = smpdfu_stream_writer_flush(&upload.writer);",
      "(void)smpdfu_stream_writer_flush(&upload.writer);",
      "the upload ignores a failed flush"),
    M("grp/img/img_upload.c", "if (r->len.u32 <= last_page) {", "if (r->len.u32 < last_page) {",
      "last-page erased check off by one (< for <=)"),
    M("grp/img/img_upload.c", "&& r->sha.v.len == upload.sha_len &&", "&&",
      "resume check ignores the sha's length"),
    M("grp/img/img_upload.c", "if (r->sha.v.len > UPLOAD_SHA_MAX) {",
      "if (r->sha.v.len > UPLOAD_SHA_MAX + 1) {",
      "sha length bound off by one"),
    M("grp/img/img_upload.c", "if (r->data.v.len < SMPDFU_IMAGE_HEADER_SIZE) {",
      "if (r->data.v.len < SMPDFU_IMAGE_HEADER_SIZE - 1) {", "first chunk's header bound off by one"),
    M("grp/img/img_upload.c", "if (r->len.u32 > fa->size || r->len.u32 > smpdfu_boot_max_image_size()) {",
      "if (r->len.u32 > fa->size || r->len.u32 > smpdfu_boot_max_image_size() + 1) {",
      "image size bound off by one"),
    M("grp/img/img_upload.c", "&running.ver, use_build) <= 0) {",
      "&running.ver, use_build) < 0) {",
      "upgrade-only accepts the same version"),
    M("grp/img/img_upload.c", "if (r.data.v.len > size - r.off.u32) {",
      "if (r.data.v.len > size - r.off.u32 + 1) {",
      "data overrun bound off by one"),
    M("grp/img/img_upload.c", "} else if (r.off.u32 != upload.writer.written) {",
      "} else if (r.off.u32 < upload.writer.written) {", "a chunk at the wrong offset accepted"),
    M("grp/img/img_upload.c", "r.data.v.ptr, r.data.v.len);", "r.data.v.ptr, r.data.v.len) * 0;",
      "the upload ignores a failed write"),
    M("grp/img/img_upload.c", "smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_ERASE_FAILED));",
      "smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_WRITE_FAILED));",
      "a failed start reported with the write-failure code"),
    M("grp/img/img_upload.c", "complete = upload.writer.written == upload.size;",
      "complete = upload.writer.written + 1 == upload.size;",
      "the upload completes a byte early"),
    M("grp/img/img_upload.c", "\tif (smpdfu_img_slot_in_use(*slot)) {", "\tif (0) {",
      "an upload over the slot in use"),
    M("grp/img/img_upload.c", "if (hdr->magic != SMPDFU_IMAGE_MAGIC) {", "if (0) {",
      "the first chunk's magic not checked"),
    M("grp/img/img_upload.c", "return img_refuse(IMG_MGMT_ERR_INVALID_LENGTH, \"no length\");",
      "return 0;", "a first chunk without length accepted"),
    M("grp/img/img_erase.c", "return smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_ERASE_FAILED);",
      "return smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_WRITE_FAILED);",
      "the erase failure reported with the write-failure code"),
    M("grp/img/img_erase.c", "if (rc == 0 && smpdfu_img_slot_in_use((uint32_t)slot)) {", "if (0) {",
      "erase of the slot in use"),
    M("grp/img/img_erase.c", "if (rc == -EIO) {\n\t\treturn img_err(IMG_MGMT_ERR_FLASH_READ_FAILED",
      "if (0) {\n\t\treturn img_err(IMG_MGMT_ERR_FLASH_READ_FAILED",
      "erase ignores a failed read of the slot"),
    M("grp/img/img_erase.c", "smpdfu_flash_area_erase_if_needed(fa, 0, fa->size);\n\tif (rc < 0) {",
      "smpdfu_flash_area_erase_if_needed(fa, 0, fa->size);\n\tif (rc < 0 && 0) {",
      "erase ignores a failed erase"),
    M("grp/img/img_state.c", "{ RULE_MARK, RULE_MARK, RULE_CONFIRM },",
      "{ RULE_MARK, RULE_MARK, RULE_KEEP },", "confirm of the active slot by its hash does nothing"),
    M("grp/img/img_state.c", "{ RULE_KEEP, RULE_PENDING, RULE_PENDING },",
      "{ RULE_KEEP, RULE_KEEP, RULE_PENDING },",
      "test-or-confirm rule for a non-active pending slot loosened"),
    M("grp/img/img_state.c", "{ RULE_PENDING, RULE_KEEP, RULE_PENDING },",
      "{ RULE_KEEP, RULE_KEEP, RULE_PENDING },", "a test over a permanent request accepted"),
    M("grp/img/img_state.c", "if (r->hash.v.len != SMPDFU_SHA256_DIGEST_SIZE) {",
      "if (r->hash.v.len > SMPDFU_SHA256_DIGEST_SIZE) {", "a short hash accepted"),
    M("grp/img/img_state.c", "if (!r->confirm.b && *slot == active) {", "if (0) {",
      "a test of the active slot accepted"),
    M("grp/img/img_state.c", "return img_refuse(IMG_MGMT_ERR_HASH_NOT_FOUND, \"hash not found\");",
      "return img_refuse(IMG_MGMT_ERR_INVALID_HASH, \"hash not found\");",
      "hash not found reported as invalid hash"),
    M("grp/img/img_state.c", "memcmp(h, hash, SMPDFU_SHA256_DIGEST_SIZE) == 0) {",
      "memcmp(h, hash, SMPDFU_SHA256_DIGEST_SIZE - 1) == 0) {",
      "hash lookup compares 31 bytes"),
    M("grp/img/img_state.c",
      "return rc == 0 ? smpdfu_smp_ok()\n", "return (rc == 0 || 1) ? smpdfu_smp_ok()\n",
      "a failed trailer write reported as success"),
    M("grp/img/img_state.c", "{ RULE_PENDING, RULE_KEEP, RULE_CONFIRM },",
      "{ RULE_KEEP, RULE_KEEP, RULE_CONFIRM },", "a test during a revert accepted"),
    M("grp/img/img_mgmt_priv.h", "IMG_SLOT_PENDING | IMG_SLOT_CONFIRMED)) != 0;",
      "IMG_SLOT_PENDING)) != 0;", "a confirmed slot not counted as in use"),
    M("grp/img/img_mgmt_priv.h", "return slot == 0 ? 1 : 0;", "return slot == 0 ? 0 : 1;",
      "the other slot is the same slot"),
    M("grp/img/img_slot_info.c", "if (slot != smpdfu_img_active_slot()) {", "if (1) {",
      "slot info gives the active slot's upload size"),
    M("grp/img/img_signature.c", "if (rc == -EIO) {", "if (rc == -EINVAL) {",
      "a failed read of the upload reported as a bad TLV"),
    # --- grp/os -----------------------------------------------------------------------------
    M("grp/os/os_mgmt.c", "if (*len + sep + n > cap) {", "if (*len + n > cap) {",
      "OS info bound forgets the separator"),
    M("grp/os/os_mgmt.c", "size_t sep = *len ? 1 : 0;", "size_t sep = 0;",
      "OS info fields without separator"),
    M("grp/os/os_mgmt.c", "if (!known) {", "if (0) {", "an unknown info format letter accepted"),
    # The OS answers' overflow is the dispatcher's to refuse, as every handler's.
    M("smp/smp_server.c", "st = smpdfu_smp_err(MGMT_ERR_EMSGSIZE, \"response too large\");",
      "st = smpdfu_smp_ok();", "an overflowed OS answer sent as ok"),
    M("grp/os/os_mgmt.c", "if (format.ptr[c] == 'a' || format.ptr[c] == (uint8_t)letter) {",
      "if (format.ptr[c] == (uint8_t)letter) {", "info format 'a' ignored"),
    M("grp/os/os_mgmt.c", "if (!smpdfu_smp_status_is_ok(st)) {\n\t\t\tLOG_WRN(\"reset refused",
      "if (0) {\n\t\t\tLOG_WRN(\"reset refused", "a reset hook's refusal ignored"),
    # --- image ------------------------------------------------------------------------------
    M("image/image_validate.c", "\t\tst->selected = NULL;\n\t\treturn", "\t\treturn",
      "validation does not clear its selected key after a signature"),
    M("image/image_validate.c", "if (key_count > 0 && !st.sig_valid) {", "if (0) {",
      "an unsigned image accepted with keys"),
    M("image/image_validate.c", "if (!st.hash_matches) {", "if (0) {", "a hash mismatch accepted"),
    M("image/image_validate.c", "if (len != st->computed.len) {", "if (len > st->computed.len) {",
      "a short image hash TLV accepted"),
    M("image/image_validate.c", "if (st->computed.tlv != 0) {", "if (0) {",
      "two image hash TLVs accepted"),
    M("image/image_validate.c", "if (!unprotected_type_is_allowed(type)) {", "if (0) {",
      "a TLV that must be protected accepted outside"),
    M("image/image_validate.c", "if (len != SEC_CNT_LEN || out->has_security_counter) {",
      "if (len != SEC_CNT_LEN) {", "a second security counter accepted"),
    M("image/image_validate.c", "if (st->computed.tlv == 0) {", "if (0) {",
      "an image without hash TLV accepted"),
    M("image/image_validate.c", "return der_len == prefix_len + key->pub_len &&",
      "return der_len >= prefix_len + key->pub_len &&", "a longer PUBKEY matches"),
    M("image/image_validate.c", "} else if (len != hash_len) {", "} else if (0) {",
      "a key hash of the wrong length looked up"),
    M("image/image_read.c", "hdr->protect_tlv_size + SMPDFU_IMAGE_TLV_INFO_SIZE;",
      "hdr->protect_tlv_size;", "header's size bound forgets the TLV info"),
    M("image/image_read.c", "if (hdr->hdr_size < SMPDFU_IMAGE_HEADER_SIZE ||",
      "if (hdr->hdr_size < SMPDFU_IMAGE_HEADER_SIZE - 1 ||", "header size bound off by one"),
    M("image/image_read.c", "if (room < SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE) {",
      "if (room < SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE - 1) {", "TLV entry header bound off by one"),
    M("image/image_read.c",
      "info[0] != SMPDFU_IMAGE_TLV_PROT_INFO_MAGIC || info[1] != prot_size ||",
      "info[0] != SMPDFU_IMAGE_TLV_PROT_INFO_MAGIC ||", "protected TLV size not matched to the header"),
    M("image/image_read.c",
      "if (info[0] != SMPDFU_IMAGE_TLV_INFO_MAGIC || info[1] < SMPDFU_IMAGE_TLV_INFO_SIZE ||",
      "if (info[1] < SMPDFU_IMAGE_TLV_INFO_SIZE ||", "TLV info magic not checked"),
    M("image/image_read.c", "if (it->len > room - SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE) {",
      "if (it->len > room - SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + 1) {",
      "TLV entry value bound off by one"),
    # --- boot -------------------------------------------------------------------------------
    M("boot/swap_move.c", "if (m->last_idx == 0 || m->last_idx >= m->pri_trailer_first ||",
      "if (m->last_idx == 0 || m->last_idx > m->pri_trailer_first ||",
      "swap-move's trailer-sector bound off by one"),
    M("boot/swap_move.c", "\t    m->last_idx > m->sec_trailer_first) {",
      "\t    m->last_idx > m->sec_trailer_first + 1) {", "swap-move's secondary bound off by one"),
    M("boot/swap_move.c", "return m->pri_trailer_first >= 2 ? 0 : -EINVAL;",
      "return m->pri_trailer_first >= 1 ? 0 : -EINVAL;", "swap-move geometry bound off by one"),
    M("boot/swap_move.c", "if (swaps >= 2) {", "if (swaps >= 3) {",
      "swap-move locate: swap count bound off by one"),
    M("boot/swap_common.c", "if (rc == 0 && swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT) {\n\t\t\trc = clear_primary_"
      "trailer(bl, trailer_size);\n\t\t}\n\t\treturn rc < 0 ? rc : 1;\n\t}\n\tif (rc < 0) {",
      "if (0) {\n\t\t\trc = clear_primary_trailer(bl, trailer_size);\n\t\t}\n\t\treturn rc < 0 ? rc"
      " : 1;\n\t}\n\tif (rc < 0) {", "a revert with nothing to go back to keeps the primary trailer"),
    M("boot/swap_common.c", "if (*swap_size == 0 || *swap_size > lim->max_image_size) {",
      "if (*swap_size == 0 || *swap_size > lim->max_image_size + 1) {",
      "swap size bound off by one"),
    M("boot/swap_common.c", "if (image_size_or_zero(bl->pri, &pri_size) < 0) {",
      "if (image_size_or_zero(bl->pri, &pri_size) < 0 && 0) {",
      "a failed read of the primary's size ignored"),
    M("boot/swap_common.c", "if (ps->magic != SMPDFU_BOOT_MAGIC_GOOD ||", "if (0 ||",
      "a revert mark backed by a primary without magic is not believed"),
    M("boot/loader.c", "smpdfu_image_version_cmp(&incoming->ver, &cur.hdr.ver, false) >= 0) {",
      "smpdfu_image_version_cmp(&incoming->ver, &cur.hdr.ver, false) > 0) {",
      "the same version counts as a downgrade"),
    M("boot/loader.c", "\tif (rc == -EIO) {\n\t\treturn rc;\n\t}\n\tif (rc < 0 || smpdfu_image_version_cmp",
      "\tif (rc < 0 || smpdfu_image_version_cmp", "a failed read of the primary passes for no primary"),
    M("boot/loader.c", "return chunk_is_erased(raw, sizeof(raw), fa->dev->erased_value) ? -ENOENT : -EINVAL;",
      "return -ENOENT;", "foreign content counts as an empty slot"),
    M("boot/loader.c", "if ((hdr->flags & UNSUPPORTED_FLAGS) != 0) {", "if (0) {",
      "an encrypted image accepted"),
    M("boot/loader.c", "return v->size > max_size ? -EFBIG : 0;", "return v->size > max_size + 1 ? -EFBIG : 0;",
      "image size bound off by one"),
    M("boot/loader.c", "rc = smpdfu_boot_flash_program(dst, dst_off, bl->buf, n);",
      "(void)smpdfu_boot_flash_program(dst, dst_off, bl->buf, n);", "a copy ignores a failed program"),
    M("boot/loader.c", "if (rc == 0 && (hdr.flags & SMPDFU_IMAGE_F_NON_BOOTABLE)) {",
      "if (0 && rc == 0 && (hdr.flags & SMPDFU_IMAGE_F_NON_BOOTABLE)) {",
      "a non-bootable image booted"),
    M("boot/overwrite.c", "rc = smpdfu_boot_scrub_slot(bl, bl->sec);\n\t\t} else {",
      "rc = 0;\n\t\t} else {", "overwrite: a refused downgrade stays in the secondary"),
    M("boot/overwrite.c", "\t\t\tif (rc == 0) {\n\t\t\t\trc = consume_secondary(bl);",
      "\t\t\tif (0) {\n\t\t\t\trc = consume_secondary(bl);", "overwrite: the request is not consumed"),
    M("boot/overwrite.c", "if (i < img_sectors || i >= trailer_first) {",
      "if (i < img_sectors || i > trailer_first) {", "overwrite: trailer sector bound off by one"),
    M("boot/boot_swap_type.c", "{ { ANY, IS(SMPDFU_BOOT_MAGIC_GOOD), ANY, IS(SMPDFU_BOOT_FLAG_UNSET), ANY },\n\t  SMPDFU_BOOT_SWAP_TYPE_TEST },",
      "{ { ANY, IS(SMPDFU_BOOT_MAGIC_GOOD), ANY, ANY, ANY },\n\t  SMPDFU_BOOT_SWAP_TYPE_TEST },",
      "a permanent request taken for a test"),
    M("boot/boot_swap_type.c", "{ { IS(SMPDFU_BOOT_MAGIC_GOOD), ANY, IS(SMPDFU_BOOT_FLAG_UNSET), ANY, WRITTEN },\n\t  SMPDFU_BOOT_SWAP_TYPE_REVERT },",
      "{ { IS(SMPDFU_BOOT_MAGIC_GOOD), ANY, IS(SMPDFU_BOOT_FLAG_UNSET), ANY, IS(SMPDFU_BOOT_FLAG_SET) },\n\t  SMPDFU_BOOT_SWAP_TYPE_REVERT },",
      "a torn copy_done no longer means revert"),
    M("boot/boot_trailer_fields.h", "return block[0] == SMPDFU_BOOT_FLAG_SET_VALUE ? SMPDFU_BOOT_FLAG_SET : SMPDFU_BOOT_FLAG_BAD;",
      "return SMPDFU_BOOT_FLAG_SET;", "any written flag reads SET"),
    M("boot/boot_trailer_fields.h", "return bytes_are(block, wsz, erased) ? SMPDFU_BOOT_FLAG_UNSET\n",
      "return (bytes_are(block, wsz, erased) || 1) ? SMPDFU_BOOT_FLAG_UNSET\n",
      "a flag's stray bits read UNSET"),
    M("boot/boot_trailer_fields.h", "type > SMPDFU_BOOT_SWAP_TYPE_REVERT) {",
      "type > SMPDFU_BOOT_SWAP_TYPE_REVERT + 1) {", "swap_info's type bound off by one"),
    M("boot/boot_trailer_fields.h", "if (swap_type >= 0x0f || image_num >= 0x0f) {",
      "if (swap_type > 0x0f || image_num >= 0x0f) {", "swap_info write bound off by one"),
    M("boot/boot_trailer.c", "if (rc < 0 || st.magic != SMPDFU_BOOT_MAGIC_GOOD) {", "if (rc < 0) {",
      "invalidating the magic programs an erased one"),
    M("boot/boot_priv.h", "return 4 * align + smpdfu_boot_trailer_magic_align(align);",
      "return 3 * align + smpdfu_boot_trailer_magic_align(align);", "trailer info size one cell short"),
    M("boot/boot_app.c", "if (st.image_ok == SMPDFU_BOOT_FLAG_BAD ||\n\t    (st.image_ok == SMPDFU_BOOT_FLAG_SET && !permanent)) {",
      "if (st.image_ok == SMPDFU_BOOT_FLAG_BAD) {", "a test request over a permanent one accepted"),
    M("boot/boot_app.c", "if (permanent && st.image_ok == SMPDFU_BOOT_FLAG_UNSET) {",
      "if (0) {", "a permanent request writes no image_ok"),
    M("boot/boot_app.c", "return st.magic == SMPDFU_BOOT_MAGIC_UNSET || st.image_ok == SMPDFU_BOOT_FLAG_SET;",
      "return st.image_ok == SMPDFU_BOOT_FLAG_SET;", "an image without trailer not confirmed"),
    M("boot/boot_app.c", "if (st.magic == SMPDFU_BOOT_MAGIC_BAD || st.image_ok == SMPDFU_BOOT_FLAG_BAD) {",
      "if (st.magic == SMPDFU_BOOT_MAGIC_BAD) {", "direct-XIP: a torn image_ok accepted"),
    M("boot/boot_app.c", "if (st.image_ok != SMPDFU_BOOT_FLAG_UNSET) {", "if (st.image_ok == SMPDFU_BOOT_FLAG_BAD) {",
      "confirm of a confirmed image writes again"),
    M("boot/direct_xip.c", "if (best < 0 || smpdfu_image_version_cmp(&hdr.ver, &best_hdr.ver, false) > 0) {",
      "if (best < 0 || smpdfu_image_version_cmp(&hdr.ver, &best_hdr.ver, false) >= 0) {",
      "direct-XIP: equal versions prefer the later slot"),
    M("boot/direct_xip.c", "if ((hdr->flags & SMPDFU_IMAGE_F_ROM_FIXED) && hdr->load_addr != fa->off) {",
      "if (0) {", "direct-XIP: an image for the other slot booted"),
    M("boot/direct_xip.c", "if (st.copy_done == SMPDFU_BOOT_FLAG_UNSET) {", "if (0) {",
      "direct-XIP revert: a tried image not marked"),
    M("boot/swap_scratch.c", "if (swap_size == 0 || swap_size > scratch_max_image_size(s)) {",
      "if (swap_size == 0 || swap_size > scratch_max_image_size(s) + 1) {",
      "swap-scratch: swap size bound off by one"),
    M("boot/swap_scratch.c", "if (end > s->trailer_first) {", "if (end > s->trailer_first + 1) {",
      "swap-scratch: a region's erase reaches the trailer sector"),
    M("boot/swap_scratch.c", "if (end <= first) {", "if (end < first) {",
      "swap-scratch: an empty region erased"),
    M("boot/swap_scratch.c", "if (*done > STEP_SAVE) {", "if (*done > STEP_SAVE + 1) {",
      "swap-scratch: the scratch's progress bound off by one"),
    M("boot/swap_scratch.c", "if (done >= STEP_RESTORE) {", "if (done > STEP_RESTORE) {",
      "swap-scratch: the primary's record outranks the scratch's one step late"),
    M("boot/swap_scratch.c", "\t\trc = smpdfu_boot_flash_erase(s->scr, 0, s->scr->size);",
      "\t\t(void)smpdfu_boot_flash_erase(s->scr, 0, s->scr->size);",
      "swap-scratch: a failed scratch erase ignored"),
    # --- cbor -------------------------------------------------------------------------------
    M("cbor/cbor_map.c", "if (u > UINT32_MAX) {", "if (u > (uint64_t)UINT32_MAX + 1) {",
      "uint32 field bound off by one"),
    M("cbor/cbor_map.c", "if (found & CBOR_FOUND(k) || store_value(kind, &out[k], &it) < 0) {",
      "if (store_value(kind, &out[k], &it) < 0) {", "a repeated key accepted"),
    M("cbor/cbor_map.c", "if (it.type != CBOR_TYPE_TSTR) {", "if (0) {",
      "a non-text key looked up"),
    M("cbor/cbor_priv.h", "return (wk->open[0] & 1) != 0;", "return (wk->open[wk->depth - 1] & 1) != 0;",
      "an item nested in a value taken for a key or value of the map"),
    M("cbor/cbor_map.c", "if (u > INT64_MAX) {", "if (0) {", "int64 field overflow accepted"),
    M("cbor/cbor_reader.c", "if (n > left) {", "if (n > left + 1) {", "argument bound off by one"),
    M("cbor/cbor_reader.c", "if (arg > left >> (major == MAJOR_MAP)) {",
      "if (arg > (left >> (major == MAJOR_MAP)) + 1) {",
      "string length and container count bound off by one"),
    M("cbor/cbor_reader.c", "if (it->u > INT64_MAX) {", "if (it->u >= INT64_MAX) {",
      "largest negative int refused"),
    M("cbor/cbor_reader.c", "if (wk->depth >= MAX_DEPTH) {", "if (wk->depth > MAX_DEPTH) {",
      "nesting depth bound off by one"),
    M("cbor/cbor_reader.c", "if (it->u > INT64_MAX) {", "if (0) {",
      "a negative integer below INT64_MIN accepted"),
    M("cbor/cbor_writer.c", "if (w->overflow || n > room || len > room - n) {",
      "if (w->overflow || n > room || len > room - n + 1) {", "writer bound off by one"),
    M("cbor/cbor_writer.c", "lo > UINT8_MAX ? 25", "lo >= UINT8_MAX ? 25", "head size of 255 off by one"),
    M("cbor/cbor_writer.c", "lo > UINT16_MAX ? 26", "lo >= UINT16_MAX ? 26",
      "head size of 65535 off by one"),
    # --- smp --------------------------------------------------------------------------------
    M("smp/smp_server.c", "for (size_t n = g->handler_count; n > 0; n--, h++) {",
      "for (size_t n = g->handler_count; n > 1; n--, h++) {", "handler table bound off by one"),
    M("smp/smp_server.c", "if (hdr->version > SMP_VERSION_2) {", "if (hdr->version > SMP_VERSION_2 + 1) {",
      "an unknown SMP version accepted"),
    M("smp/smp_server.c", "whole = hdr.len <= len;", "whole = hdr.len <= len + 1;",
      "payload length bound off by one"),
    M("smp/smp_server.c", "if (smpdfu_smp_status_is_ok(st) && w.overflow) {", "if (0) {",
      "an overflowed answer sent as ok"),
    M("smp/smp_server.c", "(h->ops & 1u << hdr->op) != 0", "(h->ops & 1u << (hdr->op & 2)) != 0",
      "an unknown op accepted"),
    M("smp/smp_buf.c", "b < bufs + ARRAY_SIZE(bufs); b++) {", "b + 1 < bufs + ARRAY_SIZE(bufs); b++) {",
      "a request buffer left out of the pool"),
    # --- transport --------------------------------------------------------------------------
    M("transport/smp_bt.c", "if (len > bt->rx_expected - bt->rx->len) {",
      "if (len > bt->rx_expected - bt->rx->len + 1) {", "reassembly overrun off by one"),
    M("transport/smp_bt.c", "if (len < SMP_HDR_SIZE) {", "if (len < SMP_HDR_SIZE - 1) {",
      "a write shorter than a header taken"),
    M("transport/smp_bt.c", "if (expected > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE) {",
      "if (expected > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE + 1) {", "packet size bound off by one"),
    M("transport/smp_bt.c", "if (mtu < SMP_BT_ATT_MTU_MIN) {", "if (0) {",
      "notifications below the minimum MTU"),
    M("transport/smp_serial_rx.h",
      "if (smpdfu_smp_serial_crc16(SMP_SERIAL_CRC_INIT, rx->pkt, rx->have) != 0) {", "if (0) {",
      "serial CRC not checked"),
    M("transport/smp_serial_rx.h", "if (field - SMP_SERIAL_CRC_SIZE > rx->pkt_max) {",
      "if (field - SMP_SERIAL_CRC_SIZE > rx->pkt_max + 1) {", "serial packet bound off by one"),
    M("transport/smp_serial_frame.c", "if (n / 4 * 3 - pad > cap) {", "if (n / 4 * 3 - pad > cap + 1) {",
      "base64 output bound off by one"),
    M("transport/smp_serial_rx.h", "if (n < SMP_SERIAL_LEN_SIZE || field < SMP_SERIAL_CRC_SIZE) {",
      "if (n < SMP_SERIAL_LEN_SIZE) {", "a serial length below the CRC accepted"),
    M("transport/smp_serial.c", "if (after != before) {", "if (1) {", "serial: any byte counts"),
    # --- event, dfu, mgmt, sys, ble ---------------------------------------------------------
    M("event/app_event_manager.c", "if (sub->handler(aeh)) {", "if (0) {",
      "a consuming subscriber does not stop the event"),
    M("event/app_event_manager.c", "if (sub->type != aeh->type) {", "if (0) {",
      "subscribers get every event type"),
    M("event/module_state_event.c", "if ((unsigned int)state >= MODULE_STATE_COUNT) {",
      "if ((unsigned int)state > MODULE_STATE_COUNT) {", "module state name bound off by one"),
    M("event/event_pool.c", "if (in_use > peak_in_use) {", "if (0) {", "the pool's peak not kept"),
    M("dfu/dfu_lock.c", "} else if (holder != owner) {", "} else if (0) {",
      "the lock taken from its holder"),
    M("dfu/dfu_lock.c", "if (current_owner == owner) {", "if (1) {", "anyone releases the lock"),
    M("mgmt/mgmt_callbacks.c", "if (ret != MGMT_CB_OK && status == MGMT_CB_OK) {",
      "if (ret != MGMT_CB_OK) {", "the last refusal wins, not the first"),
    M("mgmt/mgmt_callbacks.c", "if (!mask_covers(cb->event_id, event)) {", "if (0) {",
      "callbacks get every event"),
    M("mgmt/mgmt_callbacks.c", "rc > 0 && rc <= UINT16_MAX ?", "rc >= 0 && rc <= UINT16_MAX ?",
      "a hook's rc 0 reported as error 0"),
    M("sys/timer.c", "return (int32_t)(now - deadline) >= 0;", "return (int32_t)(now - deadline) > 0;",
      "a timer fires a tick late"),
    M("sys/timer.c", "if (delay_ms > TIMER_MAX_DELAY_MS) {", "if (0) {",
      "a delay past the maximum accepted"),
    M("sys/timer.c", "return (int32_t)(a - b) < 0;", "return a < b;",
      "deadline order wrong across the counter's wrap"),
    M("ble/ble_link.c", "return p->interval >= 6 && p->interval <= 3200 && p->latency <= 499 &&",
      "return p->interval >= 6 && p->interval <= 3200 && p->latency <= 500 &&",
      "slave latency bound off by one"),
    M("ble/ble_link.c", "p->timeout >= 10 && p->timeout <= 3200 && (uint32_t)p->timeout * 10u > max_gap_ms;",
      "p->timeout >= 10 && p->timeout <= 3200 && ((uint32_t)p->timeout * 10u > max_gap_ms || 1);",
      "supervision timeout not checked against the gap"),
    M("ble/ble_link.c", "if (!smpdfu_ble_conn_params_are_valid(&req)) {", "if (0) {",
      "invalid connection parameters requested"),
]

# The CI sample: one mutation per directory of src/, each one the unit tests catch quickly (among
# them several of the bugs issue 15 found unguarded).
SAMPLE = [1, 13, 51, 67, 107, 122, 126, 135, 139, 141, 145, 147]


def unit_tests():
    """The unit tests of tests/unit (the targets: their executables may not be built yet)."""
    names = sorted(p.stem for p in (ROOT / "tests" / "unit").glob("test_*.c"))
    fast = [n for n in names if n not in SLOW]
    return fast, [n for n in SLOW if n in names]


def build(targets):
    r = subprocess.run(["cmake", "--build", str(BUILD), "-j2", "--target", *targets],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


def run_tests(names, env, timeout=TIMEOUT):
    for n in names:
        try:
            r = subprocess.run([str(TESTS / n)], capture_output=True, env=env, timeout=timeout,
                               cwd=str(TESTS))
        except subprocess.TimeoutExpired:
            return n + " (timeout)"
        if r.returncode != 0:
            return n
    return None


def run(selected, strict):
    fast, slow = unit_tests()
    env = dict(os.environ, SMPDFU_SWEEP="quick")
    env.pop("SMPDFU_TEST_LOG", None)
    ok, out = build(fast + slow)
    if not ok or run_tests(fast, env) is not None:
        sys.exit("mutate: the unmutated build or its unit tests fail; fix that first\n" + out)
    killed, survivors, broken = 0, [], []
    start = time.time()
    for i in selected:
        path, old, new, what = MUTATIONS[i - 1]
        f = ROOT / "src" / path
        text = f.read_text()
        try:
            f.write_text(text.replace(old, new, 1))
            ok, out = build(fast + slow)
            if not ok:
                broken.append(i)
                print(f"{i:4} BROKEN   {path}: {what}\n{out}", flush=True)
                continue
            by = run_tests(fast, env)
            if by is None and path.startswith(SLOW_DIRS):
                by = run_tests(slow, env, SLOW_TIMEOUT)
        finally:
            f.write_text(text)
        if by is None:
            survivors.append(i)
        else:
            killed += 1
        print(f"{i:4} {'killed' if by else 'SURVIVED':8} {path}: {what}"
              + (f"  [{by}]" if by else ""), flush=True)
    build(fast + slow)
    total = killed + len(survivors)
    score = 100.0 * killed / total if total else 0.0
    print(f"\nmutations: {total}, killed: {killed}, survived: {len(survivors)}, "
          f"score: {score:.1f} % ({time.time() - start:.0f} s)")
    for i in survivors:
        print(f"  survivor {i}: src/{MUTATIONS[i - 1][0]}: {MUTATIONS[i - 1][3]}")
    if broken:
        print(f"mutations that do not compile (fix the list): {broken}")
        return 2
    return 1 if strict and survivors else 0


def check():
    """Every mutation names text that occurs exactly once, and changes it."""
    bad = 0
    for i, (path, old, new, what) in enumerate(MUTATIONS, 1):
        f = ROOT / "src" / path
        n = f.read_text().count(old) if f.exists() else -1
        if n != 1 or old == new:
            print(f"{i}: src/{path}: '{old[:60]}' occurs {n} times ({what})")
            bad += 1
    return bad


def interrupted(signum, frame):
    raise KeyboardInterrupt  # the planted mutation is restored on the way out


def main():
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("numbers", nargs="*", type=int)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--sample", action="store_true")
    a = ap.parse_args()
    if check():
        return 2
    if a.list:
        for i, (path, _, _, what) in enumerate(MUTATIONS, 1):
            print(f"{i:4} src/{path}: {what}")
        print(f"{len(MUTATIONS)} mutations in {len({m[0].split('/')[0] for m in MUTATIONS})} "
              "directories of src/")
        return 0
    if not (BUILD / "build.ninja").exists():
        subprocess.run(["cmake", "--preset", "sim"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    selected = a.numbers or (SAMPLE if a.sample else range(1, len(MUTATIONS) + 1))
    return run(list(selected), strict=a.sample)


if __name__ == "__main__":
    sys.exit(main())
