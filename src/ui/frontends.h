/* SPDX-License-Identifier: MIT */
/* Entry points of the front ends, called by main() with the arguments after the global options. */
#pragma once

#include "ui/app.h"

int batch_main(const struct app_opts *o);
int tui_main(const struct app_opts *o);
/* argv[0] is "ctr" / "vm". Return the process exit status. */
int cli_ctr_main(const struct app_opts *o, int argc, char **argv);
int cli_vm_main(const struct app_opts *o, int argc, char **argv);
int cli_volume_main(const struct app_opts *o, int argc, char **argv);
/* `berth login|logout` (argv[0] "login"/"logout") and `berth image pull` (argv[0] "pull"). */
int cli_login_main(const struct app_opts *o, int argc, char **argv);
int cli_logout_main(const struct app_opts *o, int argc, char **argv);
int cli_image_pull_main(const struct app_opts *o, int argc, char **argv);
int cli_net_main(const struct app_opts *o, int argc, char **argv);
/* `berth __complete ctr-names|vm-names|themes`: one name a line, for shell completion (hidden). */
int cli_complete_main(const struct app_opts *o, int argc, char **argv);
