/* SPDX-License-Identifier: MIT */
/* Placeholder for `berth ctr ...` (replaced by the containers work). */
#include "ui/cli.h"

#include <stdio.h>

int
cli_ctr_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    (void)argc;
    (void)argv;
    fprintf(stderr, "berth: 'ctr' commands are not built yet\n");
    return 2;
}
