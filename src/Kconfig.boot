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

endif # BOOTLOADER_MCUBOOT
