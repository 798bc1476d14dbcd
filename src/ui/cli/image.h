/* SPDX-License-Identifier: MIT */
/* `berth image ...`: the image store's subcommands (ctr/image/image.h). */
#pragma once

#include "ui/app.h"

int cli_image_main(const struct app_opts *o, int argc, char **argv);
