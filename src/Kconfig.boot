# SPDX-License-Identifier: Apache-2.0
# MCUboot: the bootloader an application runs under, and the bootloader itself.

config BOOTLOADER_MCUBOOT
	bool "The application runs under MCUboot"
	default y
	select SMPDFU_BOOT_TRAILER
	help
	  The application side of MCUboot: it reads and writes the slots' trailers (test, confirm)
	  with MCUboot's layout. Off in the bootloader's own image.

config MCUBOOT
	bool "This image is the bootloader"
	select SMPDFU_BOOT_TRAILER
	select SMPDFU_IMAGE_VALIDATE
	select FLASH_MAP
	select FLASH
	help
	  Builds the bootloader (smpdfu_boot_go()): it finishes or starts a swap, validates what it boots
	  and says which slot to run. The simulated device runs it in the same process before its
	  application; a firmware bootloader is an image of its own with this option and nothing
	  of MCUmgr (as Zephyr's MCUboot build sets CONFIG_MCUBOOT).

if BOOTLOADER_MCUBOOT || MCUBOOT

choice MCUBOOT_BOOTLOADER_MODE
	prompt "MCUboot mode"
	default MCUBOOT_BOOTLOADER_MODE_SWAP_USING_MOVE

config MCUBOOT_BOOTLOADER_MODE_SWAP_USING_MOVE
	bool "Swap using move (no scratch)"

config MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH
	bool "Swap using scratch"

config MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY
	bool "Overwrite only"

config MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP
	bool "Direct-XIP without revert"

config MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT
	bool "Direct-XIP with revert"

endchoice

config MCUBOOT_UTIL_LOG_LEVEL
	int "Log level of the application's side of MCUboot (trailer writes) (0 off ... 4 debug)"
	default LOG_DEFAULT_LEVEL
	range 0 4
	depends on BOOTLOADER_MCUBOOT

config MCUBOOT_BOOTLOADER_NO_DOWNGRADE
	bool "MCUboot refuses to downgrade"

config MCUBOOT_BOOT_MAX_ALIGN
	int "BOOT_MAX_ALIGN: size of each trailer field's cell"
	default 8
	help
	  8, 16 or 32; the bootloader and the application must agree (the magic encodes it when
	  it is not 8).

config BOOT_MAX_IMG_SECTORS
	int "Most sectors an image slot may have (sizes the swap status area)"
	default 512
	help
	  The bootloader and the application must agree: the status area below the trailer has
	  room for this many sectors, and no image may reach into it. A board sets it to the
	  number of sectors of its slots, so the status area wastes no flash.

endif # BOOTLOADER_MCUBOOT || MCUBOOT

choice BOOT_SIGNATURE_TYPE
	prompt "Signature every image must carry"
	default BOOT_SIGNATURE_TYPE_BOARD_KEYS
	depends on BOOTLOADER_MCUBOOT || MCUBOOT

config BOOT_SIGNATURE_TYPE_BOARD_KEYS
	bool "Whatever keys the board trusts at run time (development)"
	help
	  The simulated device's choice: the keys come from its --key options. With at least one,
	  an image needs a valid signature by one of them; with none, its SHA-256 alone decides.
	  Nothing stops a device from running unsigned images, so no product should ship with it.

config BOOT_SIGNATURE_TYPE_NONE
	bool "None: images are checked by their SHA-256 only"

config BOOT_SIGNATURE_TYPE_ECDSA_P256
	bool "ECDSA P-256, required"
	help
	  Every image must be signed by the key of BOOT_SIGNATURE_KEY_FILE, built into the image:
	  an unsigned or foreign-signed image never boots.

config BOOT_SIGNATURE_TYPE_ED25519
	bool "Ed25519, required"
	help
	  As ECDSA P-256, with an Ed25519 key.

endchoice

config BOOT_SIGNATURE_KEY_FILE
	string "PEM file of the signing key (its public half is built in)"
	depends on BOOT_SIGNATURE_TYPE_ECDSA_P256 || BOOT_SIGNATURE_TYPE_ED25519
	help
	  A private or public key in PEM; only its public half goes into the image. Relative paths
	  are taken from the source tree. The build fails when it is empty or is not a key of the
	  chosen type.

config SMPDFU_PRODUCTION
	bool "Production build: refuse what only development may use"
	help
	  For an image that ships. The build fails unless every image must carry a signature
	  (BOOT_SIGNATURE_TYPE_ECDSA_P256 or _ED25519), and fails when BOOT_SIGNATURE_KEY_FILE is
	  one of MCUboot's published sample keys, whose private halves everybody has.

config SMPDFU_BOOT_SIGNATURE_REQUIRED
	bool
	default y if BOOT_SIGNATURE_TYPE_ECDSA_P256 || BOOT_SIGNATURE_TYPE_ED25519
	select SMPDFU_IMAGE_VALIDATE

if MCUBOOT

config MCUBOOT_LOG_LEVEL
	int "Log level of the bootloader (0 off ... 4 debug)"
	default LOG_DEFAULT_LEVEL
	range 0 4

config BOOT_COPY_BUF_SIZE
	int "Bytes the bootloader copies between sectors at a time"
	default 1024
	help
	  One static buffer of this size moves sector contents during a swap or an overwrite. A
	  power of two between the flash write block and the sector size.

config BOOT_VALIDATE_PRIMARY_SLOT
	bool "Validate the primary slot's image before every boot"
	default y

config SMPDFU_BOOT_EVERY_MODE
	bool "Link every bootloader mode, chosen at run time"
	help
	  For the unit tests, which drive every mode from one program. A product bootloader
	  leaves it off: only the mode chosen above is compiled and linked.

endif # MCUBOOT

# Hidden: which parts of src/boot and src/image a configuration compiles (cmake/smpdfu.cmake).
config SMPDFU_BOOT_TRAILER
	bool
	select FLASH

config SMPDFU_IMAGE
	bool
	select FLASH

config SMPDFU_IMAGE_VALIDATE
	bool
	select SMPDFU_IMAGE

config SMPDFU_BOOT_LINK_SWAP_USING_MOVE
	bool
	default y if MCUBOOT && (MCUBOOT_BOOTLOADER_MODE_SWAP_USING_MOVE || SMPDFU_BOOT_EVERY_MODE)

config SMPDFU_BOOT_LINK_SWAP_SCRATCH
	bool
	default y if MCUBOOT && (MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH || SMPDFU_BOOT_EVERY_MODE)

config SMPDFU_BOOT_LINK_OVERWRITE_ONLY
	bool
	default y if MCUBOOT && (MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY || SMPDFU_BOOT_EVERY_MODE)

config SMPDFU_BOOT_LINK_DIRECT_XIP
	bool
	default y if MCUBOOT && (MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP || \
				  MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT || \
				  SMPDFU_BOOT_EVERY_MODE)

config SMPDFU_BOOT_SWAP
	bool
	default y if SMPDFU_BOOT_LINK_SWAP_USING_MOVE || SMPDFU_BOOT_LINK_SWAP_SCRATCH
