/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu config-dfu: the config-channel DFU of a simulated nRF Desktop device over its local
 * socket (docs/config_channel.md), next to the SMP commands of the same tool.
 */
#ifndef SMPDFU_CLIENT_CMD_CONFIG_DFU_H
#define SMPDFU_CLIENT_CMD_CONFIG_DFU_H

#include "cli.h"

/*
 * argv[0] is the request: start LENGTH CSUM OFFSET | data HEX | sync | reboot | upload FILE, with
 * --socket PATH (or $SMPDFU_CONFIG_CHANNEL), and for upload --chunk N and --wait-s S. Needs no
 * SMP transport. Returns 0 or -errno as the other commands (cli_exit_code()).
 */
int cmd_config_dfu(struct cli *cli, int argc, char **argv);

#endif /* SMPDFU_CLIENT_CMD_CONFIG_DFU_H */
