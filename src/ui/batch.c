/* SPDX-License-Identifier: MIT */
/* Headless batch mode (being written). */
#include "ui/cli.h"

int
batch_main(const struct app_opts *o)
{
    (void)o;
    return 2;
}
