/* SPDX-License-Identifier: MIT */
/* Placeholder for the dashboard (replaced by the TUI work): shows the batch table meanwhile. */
#include "ui/cli.h"

int
tui_main(const struct app_opts *o)
{
    return batch_main(o);
}
