/* SPDX-License-Identifier: MIT */
/* The OCI runtime command line (runc's shape): `berth oci ...` and the `berth-oci` name. */
#pragma once

#include "ui/app.h"

/* argv[0] is the program or "oci"; prog names it in messages ("berth-oci", "berth oci"). */
int cli_oci_main(int argc, char **argv, const char *prog);
/* `berth oci ...` from main's command table. */
int cli_oci_berth_main(const struct app_opts *o, int argc, char **argv);
