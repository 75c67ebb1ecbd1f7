/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The external names that MCUboot's bootutil and its Zephyr flash-map backend, Zephyr's flash map,
 * DFU and MCUmgr libraries and NCS's event manager and DFU lock export, each defined here once.
 * check_namespace.py links this file beside every object of the core and the application modules;
 * a name smpdfu also defined would be a second definition, as it would be in a Zephyr or MCUboot
 * build. Only the names matter, so each is a function of no arguments, whatever it is upstream.
 */

#define FOREIGN_NAMES(X)                                                                           \
	/* MCUboot: bootutil.h, bootutil_public.h, image.h and bootutil's private objects */       \
	X(boot_go)                                                                                 \
	X(boot_go_for_image_id)                                                                    \
	X(context_boot_go)                                                                         \
	X(split_go)                                                                                \
	X(boot_swap_type)                                                                          \
	X(boot_swap_type_multi)                                                                    \
	X(boot_set_pending)                                                                        \
	X(boot_set_pending_multi)                                                                  \
	X(boot_set_confirmed)                                                                      \
	X(boot_set_confirmed_multi)                                                                \
	X(boot_set_next)                                                                           \
	X(boot_swap_info_off)                                                                      \
	X(boot_read_image_ok)                                                                      \
	X(boot_read_swap_state)                                                                    \
	X(boot_read_swap_state_by_id)                                                              \
	X(boot_image_load_header)                                                                  \
	X(bootutil_img_validate)                                                                   \
	X(bootutil_verify_sig)                                                                     \
	X(boot_slots_trailer_sz)                                                                   \
	X(boot_status_entries)                                                                     \
	X(boot_status_off)                                                                         \
	X(boot_write_magic)                                                                        \
	X(boot_write_status)                                                                       \
	X(boot_schedule_test_swap)                                                                 \
	X(boot_write_copy_done)                                                                    \
	X(boot_write_image_ok)                                                                     \
	X(boot_write_swap_size)                                                                    \
	X(boot_read_swap_size)                                                                     \
	X(boot_img_magic)                                                                          \
	X(BOOT_MAX_ALIGN)                                                                          \
	X(BOOT_MAGIC_SZ)                                                                           \
	/* MCUboot's flash_map_backend.h (the port it links against) */                            \
	X(flash_device_base)                                                                       \
	X(flash_area_id_from_image_slot)                                                           \
	X(flash_area_id_from_multi_image_slot)                                                     \
	X(flash_area_id_to_image_slot)                                                             \
	X(flash_area_id_to_multi_image_slot)                                                       \
	X(flash_area_sector_from_off)                                                              \
	X(flash_area_get_device_id)                                                                \
	X(flash_area_erased_val)                                                                   \
	/* Zephyr: storage/flash_map.h, storage/stream_flash.h, dfu/mcuboot.h */                   \
	X(flash_area_open)                                                                         \
	X(flash_area_close)                                                                        \
	X(flash_area_read)                                                                         \
	X(flash_area_write)                                                                        \
	X(flash_area_erase)                                                                        \
	X(flash_area_align)                                                                        \
	X(flash_area_get_sectors)                                                                  \
	X(flash_area_foreach)                                                                      \
	X(flash_area_has_driver)                                                                   \
	X(flash_area_get_device)                                                                   \
	X(flash_area_check_int_sha256)                                                             \
	X(flash_map)                                                                               \
	X(flash_map_entries)                                                                       \
	X(stream_flash_init)                                                                       \
	X(stream_flash_buffered_write)                                                             \
	X(stream_flash_bytes_written)                                                              \
	X(stream_flash_erase_page)                                                                 \
	X(boot_request_upgrade)                                                                    \
	X(boot_request_upgrade_multi)                                                              \
	X(boot_is_img_confirmed)                                                                   \
	X(boot_write_img_confirmed)                                                                \
	X(boot_write_img_confirmed_multi)                                                          \
	X(boot_erase_img_bank)                                                                     \
	X(boot_read_bank_header)                                                                   \
	X(mcuboot_swap_type)                                                                       \
	X(mcuboot_swap_type_multi)                                                                 \
	/* Zephyr MCUmgr: mgmt.h, callbacks.h, smp, transports, img_mgmt, os_mgmt */             \
	X(mgmt_register_group)                                                                     \
	X(mgmt_unregister_group)                                                                   \
	X(mgmt_find_handler)                                                                       \
	X(mgmt_find_error_translation_function)                                                    \
	X(mgmt_callback_register)                                                                  \
	X(mgmt_callback_unregister)                                                                \
	X(mgmt_callback_notify)                                                                    \
	X(smp_process_request_packet)                                                              \
	X(smp_rx_req)                                                                              \
	X(smp_transport_init)                                                                      \
	X(smp_rx_remove_invalid)                                                                   \
	X(smp_rx_clear)                                                                            \
	X(smp_packet_alloc)                                                                        \
	X(smp_packet_free)                                                                         \
	X(smp_bt_register)                                                                         \
	X(smp_bt_unregister)                                                                       \
	X(img_mgmt_read_info)                                                                      \
	X(img_mgmt_my_version)                                                                     \
	X(img_mgmt_ver_str)                                                                        \
	X(img_mgmt_active_slot)                                                                    \
	X(img_mgmt_active_image)                                                                   \
	X(img_mgmt_slot_in_use)                                                                    \
	X(img_mgmt_state_any_pending)                                                              \
	X(img_mgmt_state_flags)                                                                    \
	X(img_mgmt_state_set_pending)                                                              \
	X(img_mgmt_state_confirm)                                                                  \
	X(img_mgmt_vercmp)                                                                         \
	X(img_mgmt_reset_upload)                                                                   \
	X(img_mgmt_translate_error_code)                                                           \
	X(img_mgmt_error_rsp)                                                                      \
	X(boot_current_slot)                                                                       \
	X(g_img_mgmt_state)                                                                        \
	X(os_mgmt_register_group)                                                                  \
	/* NCS: app_event_manager.h, nRF Desktop's dfu_lock.h */                                   \
	X(app_event_manager_init)                                                                  \
	X(app_event_manager_alloc)                                                                 \
	X(app_event_manager_free)                                                                  \
	X(_event_submit)                                                                           \
	X(dfu_lock_claim)                                                                          \
	X(dfu_lock_release)

#define DEFINE_FOREIGN(name)                                                                       \
	void name(void);                                                                           \
	void name(void)                                                                            \
	{                                                                                          \
	}

FOREIGN_NAMES(DEFINE_FOREIGN)

int main(void);
int main(void)
{
	return 0;
}
