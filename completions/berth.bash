# SPDX-License-Identifier: MIT
# bash completion for berth: commands, options, container and VM names, theme names.
# Names come from `berth __complete ctr-names|vm-names|themes` (container names never load
# libvirt; VM names ask the -c connections given on the line, else the default one, with the
# usual time-out). Images and networks do not exist in berth yet, so nothing completes them.
# Installed by `make install` into $(PREFIX)/share/bash-completion/completions/berth.

_berth_names() # WHAT: ctr-names | vm-names | themes
{
    local i uris=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -c | --connect) uris+=(-c "${COMP_WORDS[i + 1]}") ;;
        --connect=*) uris+=(-c "${COMP_WORDS[i]#--connect=}") ;;
        esac
    done
    "${COMP_WORDS[0]}" "${uris[@]}" __complete "$1" 2>/dev/null
}

_berth_reply() # WORDS...: the ones that start with the current word
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$*" -- "$cur"))
}

_berth_ctr()
{
    local cmd=$1
    case $prev in
    --rootfs | --bundle | --workdir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --env-file | --seccomp)
        COMPREPLY=($(compgen -f -- "$cur"))
        [[ $prev == --seccomp ]] && COMPREPLY+=($(compgen -W unconfined -- "$cur"))
        return
        ;;
    --net) _berth_reply none host; return ;;
    --format) _berth_reply table json; return ;;
    -s) COMPREPLY=($(compgen -A signal -- "$cur")); return ;;
    --memory | -m | --cpus | --pids | --hostname | --env | -e | --user | -u | --name | --cap-add | \
        --cap-drop | --tail)
        return
        ;;
    -t) [[ $cmd == @(stop|restart) ]] && return ;; # a value there; a flag for run/exec
    esac
    local create_opts="--name --rootfs --bundle --memory -m --cpus --pids --hostname --env -e
        --env-file --workdir -w --user -u --net --tty -t --interactive -i --inplace --seccomp
        --cap-add --cap-drop --userns --help"
    if [[ $cur == -* ]]; then
        case $cmd in
        create) _berth_reply $create_opts ;;
        run) _berth_reply $create_opts --rm -d --detach ;;
        stop | restart) _berth_reply -t --help ;;
        kill) _berth_reply -s --help ;;
        rm) _berth_reply -f --help ;;
        exec) _berth_reply -t --tty -i --interactive --help ;;
        logs) _berth_reply -f --follow --tail --help ;;
        ls) _berth_reply --format --help ;;
        inspect) _berth_reply --full --help ;;
        *) _berth_reply --help ;;
        esac
        return
    fi
    case $cmd in
    start | stop | restart | pause | resume | kill | rm | exec | attach | logs | inspect)
        _berth_reply $(_berth_names ctr-names)
        ;;
    esac
}

_berth_vm()
{
    local cmd=$1 npos=$2
    case $prev in
    --disk | --iso | --kernel | --initrd | --xml)
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --format | -f) _berth_reply table json; return ;;
    --graphics) _berth_reply none vnc; return ;;
    --machine) _berth_reply q35 pc; return ;;
    --virt-type) _berth_reply kvm qemu; return ;;
    --cpu) _berth_reply host-passthrough host-model qemu64; return ;;
    --network) _berth_reply none default; return ;;
    --memory | --vcpus | --disk-size | --pool | --cmdline | -t | --timeout) return ;;
    esac
    if [[ $cur == -* ]]; then
        case $cmd in
        create)
            _berth_reply --memory --vcpus --disk --disk-size --pool --iso --kernel --initrd \
                --cmdline --network --graphics --machine --virt-type --cpu --xml --help
            ;;
        ls | info) _berth_reply --format --help ;;
        shutdown) _berth_reply -t --timeout --help ;;
        rm) _berth_reply --remove-storage --help ;;
        *) _berth_reply --help ;;
        esac
        return
    fi
    case $cmd in
    create | ls) ;;
    snapshot)
        if ((npos == 0)); then
            _berth_reply ls create revert rm
        elif ((npos == 1)); then
            _berth_reply $(_berth_names vm-names)
        fi
        ;;
    autostart)
        if ((npos == 0)); then
            _berth_reply $(_berth_names vm-names)
        else
            _berth_reply on off
        fi
        ;;
    *) ((npos == 0)) && _berth_reply $(_berth_names vm-names) ;;
    esac
}

_berth()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local i w front="" cmd="" npos=0
    COMPREPLY=()
    # The front end (ctr, vm), its command, and how many words follow that command.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -z $front ]]; then
            case $w in
            -c | --connect | -n | --count | -d | --delay | -f | --format | --theme) ((i++)) ;;
            -*) ;;
            *) front=$w ;;
            esac
        elif [[ -z $cmd ]]; then
            [[ $w == -* ]] || cmd=$w
        elif [[ $w == -- ]]; then
            COMPREPLY=($(compgen -c -- "$cur")) # the container's command: no berth words
            return
        elif [[ $w != -* && ${COMP_WORDS[i - 1]} != -[tsfmewu] &&
            ${COMP_WORDS[i - 1]} != --@(name|rootfs|bundle|memory|cpus|pids|hostname|env|env-file|workdir|user|net|seccomp|cap-add|cap-drop|tail|format|vcpus|disk|disk-size|pool|iso|kernel|initrd|cmdline|network|graphics|machine|virt-type|cpu|xml|timeout) ]]; then
            ((npos++))
        fi
    done
    if [[ -z $front ]]; then
        case $prev in
        -c | --connect) _berth_reply qemu:///system qemu:///session test:///default; return ;;
        -f | --format) _berth_reply table json csv; return ;;
        --theme) _berth_reply $(_berth_names themes); return ;;
        -n | --count | -d | --delay) return ;;
        esac
        if [[ $cur == -* ]]; then
            _berth_reply -c --connect -b --batch -n --count -d --delay -f --format --theme \
                --no-vms --no-containers -h --help -V --version
        else
            _berth_reply ctr vm image
        fi
        return
    fi
    if [[ -z $cmd ]]; then
        case $front in
        ctr)
            _berth_reply create run start stop restart pause resume kill rm exec attach logs ls \
                inspect demo --help
            ;;
        vm)
            _berth_reply ls info start reboot destroy suspend resume shutdown rm autostart \
                create snapshot console --help
            ;;
        image) _berth_reply import ls inspect rm tag --help ;;
        esac
        return
    fi
    case $front in
    ctr) _berth_ctr "$cmd" ;;
    vm) _berth_vm "$cmd" "$npos" ;;
    image) [[ $cmd == import ]] && COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}

complete -F _berth berth
