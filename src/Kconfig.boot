# The bootloader the application runs under.

config BOOTLOADER_MCUBOOT
	bool "The application runs under MCUboot"
	default y

if BOOTLOADER_MCUBOOT

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

config BOOT_COPY_BUF_SIZE
	int "Bytes the bootloader copies between sectors at a time"
	default 1024
	help
	  One static buffer of this size moves sector contents during a swap or an overwrite. A
	  power of two between the flash write block and the sector size.

config BOOT_VALIDATE_PRIMARY_SLOT
	bool "Validate the primary slot's image before every boot"
	default y

endif # BOOTLOADER_MCUBOOT
