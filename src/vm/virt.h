/* SPDX-License-Identifier: MIT */
/* libvirt, loaded on first use: berth does not link it, so that `berth ctr` and the dashboard
 * without VMs start without loading libvirt and its ~50 libraries (about 30 ms per exec). */
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "common/err.h"

/* Every libvirt function that src/vm calls. A call to one missing here fails to link (berth is
 * not linked with libvirt); one listed here but not redirected below fails to compile. */
// clang-format off
#define VIRT_FUNCS(X) \
    X(virConnSetErrorFunc) \
    X(virConnectClose) \
    X(virConnectDomainEventDeregisterAny) \
    X(virConnectDomainEventRegisterAny) \
    X(virConnectGetAllDomainStats) \
    X(virConnectGetCapabilities) \
    X(virConnectGetDomainCapabilities) \
    X(virConnectIsAlive) \
    X(virConnectOpenAuth) \
    X(virConnectRegisterCloseCallback) \
    X(virConnectSetKeepAlive) \
    X(virConnectUnregisterCloseCallback) \
    X(virDomainCreate) \
    X(virDomainDefineXML) \
    X(virDomainDestroy) \
    X(virDomainFree) \
    X(virDomainGetAutostart) \
    X(virDomainGetInfo) \
    X(virDomainGetName) \
    X(virDomainGetState) \
    X(virDomainGetUUIDString) \
    X(virDomainGetXMLDesc) \
    X(virDomainHasManagedSaveImage) \
    X(virDomainInterfaceAddresses) \
    X(virDomainInterfaceFree) \
    X(virDomainIsActive) \
    X(virDomainIsPersistent) \
    X(virDomainListAllSnapshots) \
    X(virDomainLookupByName) \
    X(virDomainLookupByUUIDString) \
    X(virDomainOpenConsole) \
    X(virDomainReboot) \
    X(virDomainResume) \
    X(virDomainRevertToSnapshot) \
    X(virDomainSetAutostart) \
    X(virDomainShutdown) \
    X(virDomainSnapshotCreateXML) \
    X(virDomainSnapshotDelete) \
    X(virDomainSnapshotFree) \
    X(virDomainSnapshotGetName) \
    X(virDomainSnapshotGetXMLDesc) \
    X(virDomainSnapshotIsCurrent) \
    X(virDomainSnapshotLookupByName) \
    X(virDomainSnapshotNum) \
    X(virDomainStatsRecordListFree) \
    X(virDomainSuspend) \
    X(virDomainUndefineFlags) \
    X(virEventAddTimeout) \
    X(virEventRemoveTimeout) \
    X(virEventRegisterDefaultImpl) \
    X(virEventRunDefaultImpl) \
    X(virGetLastError) \
    X(virInitialize) \
    X(virNetworkFree) \
    X(virNetworkLookupByName) \
    X(virNodeGetInfo) \
    X(virResetLastError) \
    X(virSetErrorFunc) \
    X(virStoragePoolBuild) \
    X(virStoragePoolCreate) \
    X(virStoragePoolDefineXML) \
    X(virStoragePoolFree) \
    X(virStoragePoolSetAutostart) \
    X(virStoragePoolUndefine) \
    X(virStoragePoolLookupByName) \
    X(virStoragePoolGetXMLDesc) \
    X(virStoragePoolRefresh) \
    X(virStorageVolLookupByName) \
    X(virStorageVolCreateXML) \
    X(virStorageVolDelete) \
    X(virStorageVolFree) \
    X(virStorageVolGetPath) \
    X(virStorageVolLookupByPath) \
    X(virStreamAbort) \
    X(virStreamEventAddCallback) \
    X(virStreamEventRemoveCallback) \
    X(virStreamEventUpdateCallback) \
    X(virStreamFree) \
    X(virStreamNew) \
    X(virStreamRecv) \
    X(virStreamSend) \
    X(virTypedParamsGet)
// clang-format on

struct virt_api {
#define VIRT_FIELD(f) __typeof__(f) *f;
    VIRT_FUNCS(VIRT_FIELD)
#undef VIRT_FIELD
};

/* Load libvirt.so.0 and look up every function above, once per process. Fails (with dlerror's
 * reason) when libvirt is not installed: VMs are then unavailable, containers are not. */
int virt_load(struct err **err);
/* The loaded functions. Only reached after virt_load succeeded (every entry point into src/vm
 * that talks to libvirt calls vm_global_init first); aborts otherwise. */
const struct virt_api *virt_api(void);

#ifndef VIRT_NO_REDIRECT
#define virConnSetErrorFunc (*virt_api()->virConnSetErrorFunc)
#define virConnectClose (*virt_api()->virConnectClose)
#define virConnectDomainEventDeregisterAny (*virt_api()->virConnectDomainEventDeregisterAny)
#define virConnectDomainEventRegisterAny (*virt_api()->virConnectDomainEventRegisterAny)
#define virConnectGetAllDomainStats (*virt_api()->virConnectGetAllDomainStats)
#define virConnectGetCapabilities (*virt_api()->virConnectGetCapabilities)
#define virConnectGetDomainCapabilities (*virt_api()->virConnectGetDomainCapabilities)
#define virConnectIsAlive (*virt_api()->virConnectIsAlive)
#define virConnectOpenAuth (*virt_api()->virConnectOpenAuth)
#define virConnectRegisterCloseCallback (*virt_api()->virConnectRegisterCloseCallback)
#define virConnectSetKeepAlive (*virt_api()->virConnectSetKeepAlive)
#define virConnectUnregisterCloseCallback (*virt_api()->virConnectUnregisterCloseCallback)
#define virDomainCreate (*virt_api()->virDomainCreate)
#define virDomainDefineXML (*virt_api()->virDomainDefineXML)
#define virDomainDestroy (*virt_api()->virDomainDestroy)
#define virDomainFree (*virt_api()->virDomainFree)
#define virDomainGetAutostart (*virt_api()->virDomainGetAutostart)
#define virDomainGetInfo (*virt_api()->virDomainGetInfo)
#define virDomainGetName (*virt_api()->virDomainGetName)
#define virDomainGetState (*virt_api()->virDomainGetState)
#define virDomainGetUUIDString (*virt_api()->virDomainGetUUIDString)
#define virDomainGetXMLDesc (*virt_api()->virDomainGetXMLDesc)
#define virDomainHasManagedSaveImage (*virt_api()->virDomainHasManagedSaveImage)
#define virDomainIsActive (*virt_api()->virDomainIsActive)
#define virDomainIsPersistent (*virt_api()->virDomainIsPersistent)
#define virDomainListAllSnapshots (*virt_api()->virDomainListAllSnapshots)
#define virDomainLookupByName (*virt_api()->virDomainLookupByName)
#define virDomainLookupByUUIDString (*virt_api()->virDomainLookupByUUIDString)
#define virDomainOpenConsole (*virt_api()->virDomainOpenConsole)
#define virDomainReboot (*virt_api()->virDomainReboot)
#define virDomainResume (*virt_api()->virDomainResume)
#define virDomainRevertToSnapshot (*virt_api()->virDomainRevertToSnapshot)
#define virDomainSetAutostart (*virt_api()->virDomainSetAutostart)
#define virDomainShutdown (*virt_api()->virDomainShutdown)
#define virDomainSnapshotCreateXML (*virt_api()->virDomainSnapshotCreateXML)
#define virDomainSnapshotDelete (*virt_api()->virDomainSnapshotDelete)
#define virDomainSnapshotFree (*virt_api()->virDomainSnapshotFree)
#define virDomainSnapshotGetName (*virt_api()->virDomainSnapshotGetName)
#define virDomainSnapshotGetXMLDesc (*virt_api()->virDomainSnapshotGetXMLDesc)
#define virDomainSnapshotIsCurrent (*virt_api()->virDomainSnapshotIsCurrent)
#define virDomainSnapshotLookupByName (*virt_api()->virDomainSnapshotLookupByName)
#define virDomainSnapshotNum (*virt_api()->virDomainSnapshotNum)
#define virDomainStatsRecordListFree (*virt_api()->virDomainStatsRecordListFree)
#define virDomainSuspend (*virt_api()->virDomainSuspend)
#define virDomainUndefineFlags (*virt_api()->virDomainUndefineFlags)
#define virEventAddTimeout (*virt_api()->virEventAddTimeout)
#define virEventRemoveTimeout (*virt_api()->virEventRemoveTimeout)
#define virEventRegisterDefaultImpl (*virt_api()->virEventRegisterDefaultImpl)
#define virEventRunDefaultImpl (*virt_api()->virEventRunDefaultImpl)
#define virGetLastError (*virt_api()->virGetLastError)
#define virInitialize (*virt_api()->virInitialize)
#define virNetworkFree (*virt_api()->virNetworkFree)
#define virNetworkLookupByName (*virt_api()->virNetworkLookupByName)
#define virNodeGetInfo (*virt_api()->virNodeGetInfo)
#define virResetLastError (*virt_api()->virResetLastError)
#define virSetErrorFunc (*virt_api()->virSetErrorFunc)
#define virStoragePoolBuild (*virt_api()->virStoragePoolBuild)
#define virStoragePoolCreate (*virt_api()->virStoragePoolCreate)
#define virStoragePoolDefineXML (*virt_api()->virStoragePoolDefineXML)
#define virStoragePoolFree (*virt_api()->virStoragePoolFree)
#define virStoragePoolSetAutostart (*virt_api()->virStoragePoolSetAutostart)
#define virStoragePoolUndefine (*virt_api()->virStoragePoolUndefine)
#define virStoragePoolLookupByName (*virt_api()->virStoragePoolLookupByName)
#define virStorageVolCreateXML (*virt_api()->virStorageVolCreateXML)
#define virStorageVolDelete (*virt_api()->virStorageVolDelete)
#define virStorageVolFree (*virt_api()->virStorageVolFree)
#define virStorageVolGetPath (*virt_api()->virStorageVolGetPath)
#define virStorageVolLookupByPath (*virt_api()->virStorageVolLookupByPath)
#define virStreamAbort (*virt_api()->virStreamAbort)
#define virStreamEventAddCallback (*virt_api()->virStreamEventAddCallback)
#define virStreamEventRemoveCallback (*virt_api()->virStreamEventRemoveCallback)
#define virStreamEventUpdateCallback (*virt_api()->virStreamEventUpdateCallback)
#define virStreamFree (*virt_api()->virStreamFree)
#define virStreamNew (*virt_api()->virStreamNew)
#define virStreamRecv (*virt_api()->virStreamRecv)
#define virStreamSend (*virt_api()->virStreamSend)
#define virTypedParamsGet (*virt_api()->virTypedParamsGet)
#define virStorageVolLookupByName (*virt_api()->virStorageVolLookupByName)
#define virStoragePoolRefresh (*virt_api()->virStoragePoolRefresh)
#define virStoragePoolGetXMLDesc (*virt_api()->virStoragePoolGetXMLDesc)
#define virDomainInterfaceFree (*virt_api()->virDomainInterfaceFree)
#define virDomainInterfaceAddresses (*virt_api()->virDomainInterfaceAddresses)
#endif
