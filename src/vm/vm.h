/* SPDX-License-Identifier: MIT */
/* The libvirt provider: VMs on one libvirt connection. (Stub until the VM issue lands.) */
#pragma once

#include "common/err.h"
#include "common/provider.h"

/* Open a provider for one connection URI. Never blocks on the network: the connection is made
 * in the background, and its state is reported through the provider's conns(). */
int vm_provider_new(const char *uri, struct provider *out, struct err **err);

/* Try to reach uri within timeout_ms; 0 if it answers, -1 with the reason otherwise. */
int vm_uri_probe(const char *uri, int timeout_ms, struct err **err);
