/* SPDX-License-Identifier: MIT */
/* Placeholder for `berth vm ...` (replaced by the VM work). */
#include "ui/cli.h"

#include <stdio.h>

int
cli_vm_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    (void)argc;
    (void)argv;
    fprintf(stderr, "berth: 'vm' commands are not built yet\n");
    return 2;
}
