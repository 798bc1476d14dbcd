/* SPDX-License-Identifier: MIT */
/* libarchive and libcrypto, loaded on first use (as src/vm/virt.h loads libvirt): berth does not
 * link them, so that `berth ctr ...` and the dashboard start without their ~14 libraries (about
 * 80 ms per exec on the build machine). src/ctr/image/ only. */
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "common/err.h"

// clang-format off
#define IMAGE_CRYPTO_FUNCS(X) \
    X(EVP_DigestFinal_ex) \
    X(EVP_DigestInit_ex) \
    X(EVP_DigestUpdate) \
    X(EVP_MD_CTX_free) \
    X(EVP_MD_CTX_new) \
    X(EVP_sha256)

#define IMAGE_ARCHIVE_FUNCS(X) \
    X(archive_entry_filetype) \
    X(archive_entry_free) \
    X(archive_entry_hardlink) \
    X(archive_entry_new) \
    X(archive_entry_pathname) \
    X(archive_entry_set_filetype) \
    X(archive_entry_set_hardlink) \
    X(archive_entry_set_pathname) \
    X(archive_entry_set_perm) \
    X(archive_entry_set_size) \
    X(archive_entry_set_symlink) \
    X(archive_entry_size) \
    X(archive_entry_xattr_add_entry) \
    X(archive_entry_xattr_clear) \
    X(archive_entry_xattr_next) \
    X(archive_entry_xattr_reset) \
    X(archive_errno) \
    X(archive_error_string) \
    X(archive_read_data) \
    X(archive_read_data_block) \
    X(archive_read_free) \
    X(archive_read_new) \
    X(archive_read_next_header) \
    X(archive_read_open) \
    X(archive_read_open_fd) \
    X(archive_read_support_filter_all) \
    X(archive_read_support_format_raw) \
    X(archive_read_support_format_tar) \
    X(archive_set_error) \
    X(archive_write_add_filter_gzip) \
    X(archive_write_add_filter_zstd) \
    X(archive_write_close) \
    X(archive_write_data) \
    X(archive_write_data_block) \
    X(archive_write_disk_new) \
    X(archive_write_disk_set_options) \
    X(archive_write_finish_entry) \
    X(archive_write_free) \
    X(archive_write_header) \
    X(archive_write_new) \
    X(archive_write_open_filename) \
    X(archive_write_set_format_pax_restricted)
// clang-format on

struct image_dl_api {
#define IMAGE_DL_FIELD(f) __typeof__(f) *f;
    IMAGE_CRYPTO_FUNCS(IMAGE_DL_FIELD)
    IMAGE_ARCHIVE_FUNCS(IMAGE_DL_FIELD)
#undef IMAGE_DL_FIELD
};

/* Load both libraries once per process; an error names the one missing. Every entry point of
 * the store that reads archives or hashes calls it first. */
int image_dl_load(struct err **err);
/* The loaded functions (aborts when image_dl_load was skipped or failed: a bug). */
const struct image_dl_api *image_dl_api(void);

#ifndef IMAGE_DL_NO_REDIRECT
#define EVP_DigestFinal_ex (*image_dl_api()->EVP_DigestFinal_ex)
#define EVP_DigestInit_ex (*image_dl_api()->EVP_DigestInit_ex)
#define EVP_DigestUpdate (*image_dl_api()->EVP_DigestUpdate)
#define EVP_MD_CTX_free (*image_dl_api()->EVP_MD_CTX_free)
#define EVP_MD_CTX_new (*image_dl_api()->EVP_MD_CTX_new)
#define EVP_sha256 (*image_dl_api()->EVP_sha256)
#define archive_entry_filetype (*image_dl_api()->archive_entry_filetype)
#define archive_entry_free (*image_dl_api()->archive_entry_free)
#define archive_entry_hardlink (*image_dl_api()->archive_entry_hardlink)
#define archive_entry_new (*image_dl_api()->archive_entry_new)
#define archive_entry_pathname (*image_dl_api()->archive_entry_pathname)
#define archive_entry_set_filetype (*image_dl_api()->archive_entry_set_filetype)
#define archive_entry_set_hardlink (*image_dl_api()->archive_entry_set_hardlink)
#define archive_entry_set_pathname (*image_dl_api()->archive_entry_set_pathname)
#define archive_entry_set_perm (*image_dl_api()->archive_entry_set_perm)
#define archive_entry_set_size (*image_dl_api()->archive_entry_set_size)
#define archive_entry_set_symlink (*image_dl_api()->archive_entry_set_symlink)
#define archive_entry_size (*image_dl_api()->archive_entry_size)
#define archive_entry_xattr_add_entry (*image_dl_api()->archive_entry_xattr_add_entry)
#define archive_entry_xattr_clear (*image_dl_api()->archive_entry_xattr_clear)
#define archive_entry_xattr_next (*image_dl_api()->archive_entry_xattr_next)
#define archive_entry_xattr_reset (*image_dl_api()->archive_entry_xattr_reset)
#define archive_errno (*image_dl_api()->archive_errno)
#define archive_error_string (*image_dl_api()->archive_error_string)
#define archive_read_data (*image_dl_api()->archive_read_data)
#define archive_read_data_block (*image_dl_api()->archive_read_data_block)
#define archive_read_free (*image_dl_api()->archive_read_free)
#define archive_read_new (*image_dl_api()->archive_read_new)
#define archive_read_next_header (*image_dl_api()->archive_read_next_header)
#define archive_read_open (*image_dl_api()->archive_read_open)
#define archive_read_open_fd (*image_dl_api()->archive_read_open_fd)
#define archive_read_support_filter_all (*image_dl_api()->archive_read_support_filter_all)
#define archive_read_support_format_raw (*image_dl_api()->archive_read_support_format_raw)
#define archive_read_support_format_tar (*image_dl_api()->archive_read_support_format_tar)
#define archive_set_error (*image_dl_api()->archive_set_error)
#define archive_write_add_filter_gzip (*image_dl_api()->archive_write_add_filter_gzip)
#define archive_write_add_filter_zstd (*image_dl_api()->archive_write_add_filter_zstd)
#define archive_write_close (*image_dl_api()->archive_write_close)
#define archive_write_data (*image_dl_api()->archive_write_data)
#define archive_write_data_block (*image_dl_api()->archive_write_data_block)
#define archive_write_disk_new (*image_dl_api()->archive_write_disk_new)
#define archive_write_disk_set_options (*image_dl_api()->archive_write_disk_set_options)
#define archive_write_finish_entry (*image_dl_api()->archive_write_finish_entry)
#define archive_write_free (*image_dl_api()->archive_write_free)
#define archive_write_header (*image_dl_api()->archive_write_header)
#define archive_write_new (*image_dl_api()->archive_write_new)
#define archive_write_open_filename (*image_dl_api()->archive_write_open_filename)
#define archive_write_set_format_pax_restricted                                                    \
    (*image_dl_api()->archive_write_set_format_pax_restricted)
#endif
