/* SPDX-License-Identifier: MIT */
/* `berth image ...`: the image store's subcommands (ctr/image/image.h). */
#pragma once

#include "ui/app.h"

int cli_image_main(const struct app_opts *o, int argc, char **argv);

#include "common/err.h"
#include "ctr/ctr.h"
#include "ctr/image/image.h"

/* What a container created from an image borrows for the create call (cli_image_done after). */
struct cli_image_run {
    struct image_run img;
    char **argv;      /* entrypoint + command */
    const char **env; /* the image's Env the user did not set, then the user's */
    char user[32];    /* "UID:GID" */
    bool loaded;      /* img is to be released (cli_image_done) */
};
/*
 * ref names an image of the store: o's root becomes its layers, and the image config fills what
 * the user did not give: the command (Entrypoint + the user's command, else + Cmd), Env (the
 * user's win), WorkingDir, User (names resolved through the image's /etc/passwd and /etc/group;
 * -u too). -1 with err (code ENOENT: no such image).
 */
int cli_image_apply(struct ctr_create_opts *o, const char *ref, struct cli_image_run *r,
                    struct err **err);
void cli_image_done(struct cli_image_run *r);
