/* SPDX-License-Identifier: MIT */
/* `berth ctr ...` linked without libvirt and ncurses (bench only): separates the container
 * runtime's own cost from the cost of loading the full berth binary's shared libraries. */
#include <string.h>

#include "ui/cli.h"

int
main(int argc, char **argv)
{
    struct app_opts o;
    memset(&o, 0, sizeof(o));
    o.interval_s = 1.0;
    o.count = 1;
    if (argc < 2 || strcmp(argv[1], "ctr") != 0)
        return 2;
    return cli_ctr_main(&o, argc - 1, argv + 1);
}
